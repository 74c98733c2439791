import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { ResultAsync, err, errAsync, ok, okAsync, type Result } from 'neverthrow';
import { DEFAULT_RETRY, backoffMs, isTransientFailure, type OpenStackSession, type RetryPolicy } from '../openstack/index.ts';
import * as ks from '../keystone/index.ts';
import { domainNotFound, findDomain } from '../snapshot/index.ts';
import { keystoneTime, leaseEnd, type KeystoneTime } from './keystone-time.ts';
import { lockFenced, lockForeign, lockHeld, lockLost, lockWaitStopped, unlockRefused, type LockError } from './lock-error.ts';
import { decodeLockRecord, describeHolder, encodeLockRecord, isExpired, lockName, type LockHolder, type LockRecord } from './lock-record.ts';
import { pause } from '../util/pause.ts';

/**
 * A platform's apply lock, across machines. Keystone has no lock primitive, but creating a
 * group whose name is taken answers 409, atomically: the lock is the group
 * `keyform-lock-PLATFORM` in the platform's domain, with holder and expiry in its
 * description. A live holder renews the expiry; a dead holder's lock is broken after it
 * expires, or at once with `keyform force-unlock PLATFORM LOCK_ID`. Expiry is judged with
 * Keystone's clock (see `KeystoneTime`), never a machine's own.
 */
export interface LockTarget {
  readonly platform: string;
  /** Name or id of the Keystone domain the lock group lives in (the platform's shared domain). */
  readonly domain: string;
}

export interface LockOptions {
  /** How long the lock holds without renewal. @default 300000 (5 minutes) */
  readonly ttlMs?: number;
  /**
   * How long to keep trying: waiting for another holder, or retrying after failed rounds.
   * @default 0 (fail at once, naming the holder or the error)
   */
  readonly waitMs?: number;
  /** How often to look again while another holder has it (jittered by ±25%). @default 2000 */
  readonly pollMs?: number;
  /** Backoff between failed rounds (never shorter than 250 ms). @default LOCK_RETRY */
  readonly retryPolicy?: RetryPolicy;
  /** Aborting it (SIGINT, SIGTERM) stops waiting and retrying at once; a free lock is still taken (the caller then stops and releases it). */
  readonly signal?: AbortSignal;
  /** @default this process */
  readonly holder?: LockHolder;
  /** Receives one line per event worth telling (taken with its ID, waiting, breaking an expired lock). */
  readonly log?: (line: string) => void;
}

/**
 * The backoff between failed lock rounds: the session's policy, started higher, so that a
 * Keystone answering 503 to every create sees a few requests a second at first and fewer after.
 */
export const LOCK_RETRY: RetryPolicy = { ...DEFAULT_RETRY, baseMs: 500, capMs: 4000 };
/** No two rounds closer than this, whatever the jitter drew: at most ~3 rounds (≤ 9 requests) a second. */
const MIN_ROUND_MS = 250;

/** A lock this process holds. */
export interface HeldLock {
  readonly platform: string;
  readonly groupId: string;
  /** The lock ID: printed when taken and in "locked" errors, asked for by force-unlock. */
  readonly id: string;
  readonly ttlMs: number;
  readonly record: LockRecord;
  /**
   * Until when (on `performance.now()`'s clock) the lease surely holds, whatever the clocks
   * of this machine and Keystone say: the holder must stop writing before it.
   */
  readonly leaseEndsAt: number;
  /** Pushes the expiry `ttlMs` ahead; fails with `lock-lost` when the lock is no longer this one. */
  refresh(): ResultAsync<LockRecord, LockError>;
  /** Deletes the lock (by id: a lock someone else took since is never touched). */
  release(): ResultAsync<void, LockError>;
}

/** The lock of a platform as found in Keystone. */
export interface FoundLock {
  readonly groupId: string;
  /** Undefined when the group is not a keyform lock. */
  readonly record: LockRecord | undefined;
}

/** A read of the lock, with Keystone's time of that read. */
interface LockRead {
  readonly found: FoundLock | undefined;
  readonly time: KeystoneTime;
}

/** The holder record of this process. */
export function thisProcess(): LockHolder {
  return { host: hostname(), pid: process.pid, user: userInfo().username };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The id of the platform's domain. */
function domainId(s: OpenStackSession, t: LockTarget): ResultAsync<string, LockError> {
  return ks.listDomains(s).andThen((domains) => {
    const d = findDomain(domains, t.domain);
    return d ? okAsync(d.id) : errAsync(domainNotFound(t.platform, 'domain', t.domain, domains.map((x) => x.name)));
  });
}

/** The lock group of the platform in `domain`, if any, and Keystone's clock when it answered. */
function readAt(s: OpenStackSession, t: LockTarget, domain: string): ResultAsync<LockRead, LockError> {
  const name = lockName(t.platform);
  const sentAt = performance.now();
  return ks.findGroupsNamed(s, domain, name).map((a) => {
    const g = a.value.find((x) => x.name === name);
    return { found: g === undefined ? undefined : { groupId: g.id, record: decodeLockRecord(g.description) }, time: keystoneTime(a.headers, sentAt) };
  });
}

/** The platform's lock, found through its domain, with Keystone's clock when it answered. */
function readNow(s: OpenStackSession, t: LockTarget): ResultAsync<LockRead, LockError> {
  return domainId(s, t).andThen((d) => readAt(s, t, d));
}

/** Reads the platform's lock without taking it. */
export function readLock(s: OpenStackSession, t: LockTarget): ResultAsync<FoundLock | undefined, LockError> {
  return readNow(s, t).map((r) => r.found);
}

/** The error a deadline leaves: the last failure, saying how long keyform kept trying. */
function gaveUp(e: LockError, failures: number, started: number): LockError {
  if (failures <= 1) return e;
  return { ...e, message: `${e.message} (gave up taking the apply lock after ${failures} failed attempts in ${Math.round((performance.now() - started) / 100) / 10} s; --lock-timeout bounds the wait)` };
}

/**
 * Takes the platform's lock. Each round reads the lock first (with Keystone's time), then
 * creates it, breaks it once expired, or waits for its holder; a failed round (a 5xx, a
 * timeout, a 409 race) is followed by a jittered backoff, so that no fault makes keyform
 * flood Keystone. Everything stops at `waitMs` (failing with the holder or the last error)
 * or when `signal` aborts. A create whose answer was lost is recognised by its token on the
 * next read, so a flaky network never leaves a lock nobody holds.
 * @example acquireLock(session, { platform: 'os-prod', domain: 'default' }, { waitMs: 60_000 })
 */
export function acquireLock(s: OpenStackSession, t: LockTarget, opts: LockOptions = {}): ResultAsync<HeldLock, LockError> {
  const ttl = opts.ttlMs ?? 300_000;
  const started = performance.now();
  const deadline = started + (opts.waitMs ?? 0);
  const token = randomBytes(12).toString('hex');
  const holder = opts.holder ?? thisProcess();
  const policy = opts.retryPolicy ?? LOCK_RETRY;
  const stopped = (): LockError => lockWaitStopped(t.platform, 'stopped by a signal (SIGINT or SIGTERM) while taking it');
  const won = async (groupId: string, record: LockRecord, since: KeystoneTime): Promise<Result<HeldLock, LockError>> => {
    const h = heldLock(s, t, groupId, record, ttl, leaseEnd(since, ttl));
    // A create whose answer was lost may have landed long ago: renew before relying on it.
    const fresh = h.leaseEndsAt - performance.now() < ttl / 2 ? await h.refresh() : ok(record);
    if (fresh.isErr()) {
      await h.release();
      return err(fresh.error);
    }
    opts.log?.(`Took the apply lock of platform ${t.platform} (lock ID ${token}).`);
    return ok(h);
  };
  const attempt = async (domain: string): Promise<Result<HeldLock, LockError>> => {
    let failures = 0;
    let toldWaiting = -Infinity;
    let firstCreate: KeystoneTime | undefined;
    // The signal is heeded where keyform would wait (backoff, polling a holder): a round in flight
    // finishes, so that a create that landed is held (and released by the caller), never left behind.
    for (;;) {
      let failure: LockError;
      const read = await readAt(s, t, domain);
      if (read.isErr()) {
        if (!isTransientFailure(read.error)) return err(read.error);
        failure = read.error;
      } else {
        const { found, time } = read.value;
        if (found === undefined) {
          const record: LockRecord = { platform: t.platform, token, holder, acquiredAt: iso(time.at), expiresAt: iso(time.at + ttl) };
          firstCreate ??= time;
          const created = await ks.createGroup(s, { name: lockName(t.platform), domain_id: domain, description: encodeLockRecord(record) });
          if (created.isOk()) return won(created.value.id, record, time);
          if (created.error.kind !== 'conflict' && !isTransientFailure(created.error)) return err(created.error);
          failure = created.error;
        } else if (found.record === undefined) {
          return err(lockForeign(t.platform, lockName(t.platform), found.groupId));
        } else if (found.record.token === token) {
          // Our create landed although its answer was lost: its lease counts from the first create sent.
          return won(found.groupId, found.record, firstCreate ?? time);
        } else if (isExpired(found.record, time.at)) {
          opts.log?.(`Breaking the expired apply lock of platform ${t.platform} (held by ${describeHolder(found.record)}, lock ID ${found.record.token}, expired ${found.record.expiresAt} by Keystone's clock).`);
          const gone = await ks.deleteGroup(s, found.groupId);
          if (gone.isOk() || gone.error.kind === 'not-found') continue;
          if (!isTransientFailure(gone.error)) return err(gone.error);
          failure = gone.error;
        } else {
          const left = deadline - performance.now();
          if (left <= 0) return err(lockHeld(t.platform, found.record));
          if (performance.now() - toldWaiting >= 30_000) {
            toldWaiting = performance.now();
            opts.log?.(`Platform ${t.platform} is locked by another apply (${describeHolder(found.record)}, lock ID ${found.record.token}): waiting (up to ${Math.round(left / 1000)} s)…`);
          }
          const poll = (opts.pollMs ?? 2000) * (0.75 + policy.random() / 2);
          if (!(await pause(Math.min(left, poll), opts.signal))) return err(stopped());
          continue;
        }
      }
      failures++;
      const left = deadline - performance.now();
      if (left <= 0) return err(gaveUp(failure, failures, started));
      const wait = Math.max(MIN_ROUND_MS, backoffMs(policy, failures));
      if (!(await pause(Math.min(left, wait), opts.signal))) return err(stopped());
    }
  };
  return domainId(s, t).andThen((d) => new ResultAsync(attempt(d)));
}

function heldLock(s: OpenStackSession, t: LockTarget, groupId: string, first: LockRecord, ttl: number, firstLeaseEnd: number): HeldLock {
  let record = first;
  let lease = firstLeaseEnd;
  return {
    platform: t.platform,
    groupId,
    id: first.token,
    ttlMs: ttl,
    get record() {
      return record;
    },
    get leaseEndsAt() {
      return lease;
    },
    refresh: () => {
      const sentAt = performance.now();
      return ks.readGroupDated(s, groupId)
        .mapErr((e): LockError => (e.kind === 'not-found' ? lockLost(t.platform, 'the lock group was deleted, by force-unlock or by another apply after it expired') : e))
        .andThen((a) => {
          if (decodeLockRecord(a.value?.description)?.token !== record.token) return errAsync<LockRecord, LockError>(lockLost(t.platform, 'the lock group holds another token'));
          const time = keystoneTime(a.headers, sentAt);
          const next: LockRecord = { ...record, expiresAt: iso(time.at + ttl) };
          return ks.updateGroup(s, groupId, { description: encodeLockRecord(next) }).map(() => {
            record = next;
            lease = leaseEnd(time, ttl);
            return next;
          });
        });
    },
    release: () => ks.deleteGroup(s, groupId).orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(e))),
  };
}

/**
 * How long before its lease ends a holder that could not renew stops writing: a tenth of the
 * TTL, room for the writes already in flight to land while the lease still holds.
 */
export function fenceMarginMs(ttlMs: number): number {
  return ttlMs / 10;
}

/**
 * Renews `lock` every `everyMs` until the returned function is called. `onLost` is called
 * once, when a refresh finds the lock gone or taken, or (fencing) when renewals kept failing
 * and the lease is about to end: the holder must then stop writing, since from the lease's
 * end another apply may break the lock. A refresh that fails for a transient reason is tried
 * again at the next tick.
 */
export function keepLock(lock: HeldLock, everyMs: number, onLost: (e: LockError) => void): () => void {
  let stopped = false;
  let lastError = 'no renewal has answered yet';
  let tick: NodeJS.Timeout | undefined;
  let fence: NodeJS.Timeout | undefined;
  const stop = (): void => {
    stopped = true;
    clearTimeout(tick);
    clearTimeout(fence);
  };
  const lose = (e: LockError): void => {
    if (stopped) return;
    stop();
    onLost(e);
  };
  const armFence = (): void => {
    clearTimeout(fence);
    const at = lock.leaseEndsAt - fenceMarginMs(lock.ttlMs);
    fence = setTimeout(() => lose(lockFenced(lock.platform, lock.record.expiresAt, lastError)), Math.max(0, at - performance.now()));
    fence.unref();
  };
  const schedule = (): void => {
    if (stopped) return;
    tick = setTimeout(renew, everyMs);
    tick.unref();
  };
  const renew = (): void => {
    void lock.refresh().match(
      () => {
        if (stopped) return;
        armFence();
        schedule();
      },
      (e) => {
        if (e.kind === 'lock-lost' || e.kind === 'lock-foreign') return lose(e);
        lastError = e.message;
        schedule();
      },
    );
  };
  armFence();
  schedule();
  return stop;
}

/**
 * Deletes the platform's lock, as `terraform force-unlock`: only with the lock's ID (printed
 * by its holder and in every "locked" error), so that a lock taken again since is never
 * broken by mistake; says whose it was. Undefined when there was none. For a holder that
 * died: the apply it ran left nothing a new plan cannot converge from.
 */
export function forceUnlock(s: OpenStackSession, t: LockTarget, lockId: string | undefined): ResultAsync<LockRecord | undefined, LockError> {
  return readNow(s, t).andThen(({ found, time }) => {
    if (found === undefined) return okAsync<LockRecord | undefined, LockError>(undefined);
    const record = found.record;
    if (record === undefined) return errAsync<LockRecord | undefined, LockError>(lockForeign(t.platform, lockName(t.platform), found.groupId));
    if (lockId !== record.token) return errAsync<LockRecord | undefined, LockError>(unlockRefused(t.platform, record, !isExpired(record, time.at), lockId));
    return ks.deleteGroup(s, found.groupId)
      .orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(e)))
      .map(() => record);
  });
}
