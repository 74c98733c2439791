import { err, ok, type Result } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import type { LockError } from './lock-error.ts';
import { acquireLock, keepLock, type HeldLock, type LockOptions, type LockTarget } from './platform-lock.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';

/** One platform to lock: the target, and the session its lock group is written through. */
export interface LockRequest extends LockTarget {
  readonly session: OpenStackSession;
}

/** The locks of several platforms, held and renewed together. */
export interface HeldLocks {
  /** The platforms held, sorted. */
  readonly platforms: readonly string[];
  /**
   * Aborted once any lock is lost (force-unlock, or expired and taken) or its renewals kept
   * failing until just before its lease ends (fencing): stop writing.
   */
  readonly lost: AbortSignal;
  /** The error of the first lock lost; undefined while every lock holds. */
  lostWith(): LockError | undefined;
  /**
   * Renews every lock now: to run right before writing, so that a lock broken while its
   * holder waited (e.g. for approval) stops it before its first write. Fails with the first lock lost.
   */
  confirm(): Promise<Result<void, LockError>>;
  /** Stops renewing and deletes every lock; a lock that cannot be deleted is reported through `log`. Idempotent. */
  release(): Promise<void>;
}

export interface HoldOptions extends Pick<LockOptions, 'ttlMs' | 'waitMs' | 'log' | 'signal'> {}

/**
 * Takes the lock of every platform in `requests`, in sorted order so that two keyform runs
 * wanting overlapping platforms never deadlock, and renews each every third of its TTL
 * until `release()`. On a failure, the locks taken so far are released and the error
 * (naming the holder of the busy one) is returned.
 * @example const held = await holdLocks([{ session, platform: 'os-prod', domain: 'default' }], { waitMs: 60_000 });
 */
export async function holdLocks(requests: readonly LockRequest[], opts: HoldOptions = {}): Promise<Result<HeldLocks, LockError>> {
  const sorted = [...requests].sort((a, b) => compareCodeUnits(a.platform, b.platform));
  const held: HeldLock[] = [];
  for (const r of sorted) {
    const l = await acquireLock(r.session, { platform: r.platform, domain: r.domain }, opts);
    if (l.isErr()) {
      await releaseEach(held, opts.log);
      return err(l.error);
    }
    held.push(l.value);
  }
  const lost = new AbortController();
  let because: LockError | undefined;
  const everyMs = Math.max(1000, Math.floor((opts.ttlMs ?? 300_000) / 3));
  const lose = (e: LockError): void => {
    if (because !== undefined) return;
    because = e;
    opts.log?.(e.message);
    lost.abort();
  };
  const stops = held.map((l) => keepLock(l, everyMs, lose));
  let released: Promise<void> | undefined;
  return ok({
    platforms: held.map((l) => l.platform),
    lost: lost.signal,
    lostWith: () => because,
    confirm: async () => {
      for (const l of held) {
        if (because !== undefined) break;
        const r = await l.refresh();
        if (r.isErr() && (r.error.kind === 'lock-lost' || r.error.kind === 'lock-foreign')) lose(r.error);
      }
      return because === undefined ? ok(undefined) : err(because);
    },
    release: () => {
      released ??= (async () => {
        for (const stop of stops) stop();
        await releaseEach(held, opts.log);
      })();
      return released;
    },
  });
}

async function releaseEach(locks: readonly HeldLock[], log: ((line: string) => void) | undefined): Promise<void> {
  for (const l of locks) {
    const r = await l.release();
    if (r.isErr()) log?.(`Could not release the apply lock of platform ${l.platform} (${r.error.message}); it expires at ${l.record.expiresAt}, or run \`keyform force-unlock ${l.platform} ${l.id}\`.`);
  }
}
