import { err, ok, type Result } from 'neverthrow';
import type { OpenStackSession } from '../../openstack/index.ts';
import type { MeteringError } from '../errors.ts';
import { sampleTime } from '../sample.ts';
import type { MeteringStore } from '../store/metering-store.ts';
import { collectOnce, type CollectOptions, type CollectOutcome } from './collect-once.ts';
import { pause } from '../../util/pause.ts';

/** A long-running collector: one run per interval until `signal` aborts. */
export interface LoopOptions extends CollectOptions {
  /** Aborting it (SIGTERM) lets a run in progress finish, then ends the loop. */
  readonly signal: AbortSignal;
  /** Called after every run, with its outcome or error. */
  readonly onRun?: (outcome: Result<CollectOutcome, MeteringError>) => void;
}

/**
 * Runs `collectOnce` at the start of every interval (on the epoch-anchored grid, so runs of
 * several collectors and restarts line up) until `signal` aborts, and resolves to the number
 * of runs recorded. A failed run (API or store trouble) is reported through `onRun` and the
 * loop goes on: the missed interval shows as a gap in usage. A visibility error ends the
 * loop: it won't heal by itself, and collecting on would record a partial cloud.
 *
 * Nothing is lost or doubled across restarts: a run is stored whole or not at all, and a
 * restarted loop skips an interval that is already stored.
 */
export async function collectLoop(session: OpenStackSession, store: MeteringStore, opts: LoopOptions): Promise<Result<number, MeteringError>> {
  const now = opts.now ?? Date.now;
  let recorded = 0;
  while (!opts.signal.aborted) {
    const outcome = await collectOnce(session, store, opts);
    opts.onRun?.(outcome);
    if (outcome.isErr() && outcome.error.kind === 'metering-visibility') return err(outcome.error);
    if (outcome.isOk() && outcome.value.kind === 'recorded') recorded++;
    const next = (sampleTime(Math.floor(now() / 1000), opts.intervalSeconds) + opts.intervalSeconds) * 1000;
    await pause(next - now(), opts.signal);
  }
  return ok(recorded);
}
