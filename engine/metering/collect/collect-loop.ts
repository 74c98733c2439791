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
  /**
   * Called after every run with its outcome or error, its sample time, and for a failed run
   * whether it is tried again within its interval (else the interval is a gap).
   */
  readonly onRun?: (outcome: Result<CollectOutcome, MeteringError>, sampledAt: number, retrying: boolean) => void;
}

/**
 * How long after a failed run it is tried again: a tenth of the interval, 1 to 10 s. A store
 * restart or a service's hiccup then costs no sample while the interval lasts.
 */
export function retryDelayMs(intervalSeconds: number): number {
  return Math.min(10_000, Math.max(1_000, intervalSeconds * 100));
}

/**
 * Runs `collectOnce` at the start of every interval (on the epoch-anchored grid, so runs of
 * several collectors and restarts line up) until `signal` aborts, and resolves to the number
 * of runs recorded. A failed run (API or store trouble) is reported through `onRun` and tried
 * again after `retryDelayMs` while its interval lasts (same sample time); an interval no
 * try recorded shows as a gap in usage. A visibility error ends the
 * loop: it won't heal by itself, and collecting on would record a partial cloud.
 *
 * Nothing is lost or doubled across restarts: a run is stored whole or not at all, and a
 * restarted loop skips an interval that is already stored.
 */
export async function collectLoop(session: OpenStackSession, store: MeteringStore, opts: LoopOptions): Promise<Result<number, MeteringError>> {
  const now = opts.now ?? Date.now;
  let recorded = 0;
  while (!opts.signal.aborted) {
    const slot = sampleTime(Math.floor(now() / 1000), opts.intervalSeconds);
    const outcome = await collectOnce(session, store, opts);
    if (outcome.isErr() && outcome.error.kind === 'metering-visibility') {
      opts.onRun?.(outcome, slot, false);
      return err(outcome.error);
    }
    if (outcome.isOk() && outcome.value.kind === 'recorded') recorded++;
    const next = (slot + opts.intervalSeconds) * 1000;
    const retryAt = now() + retryDelayMs(opts.intervalSeconds);
    const retrying = outcome.isErr() && retryAt < next;
    opts.onRun?.(outcome, slot, retrying);
    await pause((retrying ? retryAt : next) - now(), opts.signal);
  }
  return ok(recorded);
}
