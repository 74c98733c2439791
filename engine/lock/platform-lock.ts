import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { ResultAsync, err, errAsync, ok, okAsync, type Result } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import * as ks from '../keystone/index.ts';
import { findDomain } from '../snapshot/index.ts';
import { lockDomainNotFound, lockForeign, lockHeld, lockLost, type LockError } from './lock-error.ts';
import { decodeLockRecord, encodeLockRecord, isExpired, lockName, type LockHolder, type LockRecord } from './lock-record.ts';

/**
 * A platform's apply lock, across machines. Keystone has no lock primitive, but creating a
 * group whose name is taken answers 409, atomically: the lock is the group
 * `keyform-lock-PLATFORM` in the platform's domain, with holder and expiry in its
 * description. A live holder renews the expiry; a dead holder's lock is broken after it
 * expires, or at once with `keyform force-unlock PLATFORM`.
 */
export interface LockTarget {
  readonly platform: string;
  /** Name or id of the Keystone domain the lock group lives in (the platform's shared domain). */
  readonly domain: string;
}

export interface LockOptions {
  /** How long the lock holds without renewal. @default 300000 (5 minutes) */
  readonly ttlMs?: number;
  /** How long to wait for another holder to finish. @default 0 (fail at once, naming the holder) */
  readonly waitMs?: number;
  /** How often to look again while waiting. @default 2000 */
  readonly pollMs?: number;
  /** @default this process */
  readonly holder?: LockHolder;
  /** Receives one line per event worth telling (waiting, breaking an expired lock). */
  readonly log?: (line: string) => void;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly platform: string;
  readonly groupId: string;
  readonly record: LockRecord;
  /** Pushes the expiry `ttlMs` ahead; fails with `LockLost` when the lock is no longer this one. */
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

/** The holder record of this process. */
export function thisProcess(): LockHolder {
  return { host: hostname(), pid: process.pid, user: userInfo().username };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The id of the platform's domain. */
function domainId(s: OpenStackSession, t: LockTarget): ResultAsync<string, LockError> {
  return ks.listDomains(s).andThen((domains) => {
    const d = findDomain(domains, t.domain);
    return d ? okAsync(d.id) : errAsync(lockDomainNotFound(t.platform, t.domain));
  });
}

/** The lock group of the platform in `domain`, if any. */
function findLock(s: OpenStackSession, t: LockTarget, domain: string): ResultAsync<FoundLock | undefined, LockError> {
  const name = lockName(t.platform);
  return ks.listGroups(s, { domain_id: domain, name }).map((gs) => {
    const g = gs.find((x) => x.name === name);
    return g === undefined ? undefined : { groupId: g.id, record: decodeLockRecord(g.description) };
  });
}

/** Reads the platform's lock without taking it. */
export function readLock(s: OpenStackSession, t: LockTarget): ResultAsync<FoundLock | undefined, LockError> {
  return domainId(s, t).andThen((d) => findLock(s, t, d));
}

function isTransient(e: OpenStackError | LockError): boolean {
  return e.kind === 'Unreachable' || e.kind === 'Timeout' || (e.kind === 'HttpError' && 'status' in e && (e.status ?? 0) >= 500);
}

/**
 * Takes the platform's lock: creates the lock group; when it exists, waits for its holder
 * (up to `waitMs`) or breaks it once expired. A create whose answer was lost is recognised
 * by its token on the next read, so a flaky network never leaves a lock nobody holds.
 * @example acquireLock(session, { platform: 'os-prod', domain: 'default' }, { waitMs: 60_000 })
 */
export function acquireLock(s: OpenStackSession, t: LockTarget, opts: LockOptions = {}): ResultAsync<HeldLock, LockError> {
  const ttl = opts.ttlMs ?? 300_000;
  const started = Date.now();
  const token = randomBytes(12).toString('hex');
  const holder = opts.holder ?? thisProcess();
  const recordAt = (acquired: number, now: number): LockRecord => ({
    platform: t.platform, token, holder, acquiredAt: new Date(acquired).toISOString(), expiresAt: new Date(now + ttl).toISOString(),
  });
  const attempt = async (domain: string): Promise<Result<HeldLock, LockError>> => {
    for (let round = 0; ; round++) {
      const record = recordAt(Date.now(), Date.now());
      const created = await ks.createGroup(s, { name: lockName(t.platform), domain_id: domain, description: encodeLockRecord(record) });
      if (created.isOk()) return ok(heldLock(s, t, created.value.id, record, ttl));
      if (created.error.kind !== 'Conflict' && !isTransient(created.error)) return err(created.error);
      const found = await findLock(s, t, domain);
      if (found.isErr()) {
        if (isTransient(found.error) && round < 20) continue;
        return err(found.error);
      }
      const f = found.value;
      if (f === undefined) continue;
      if (f.record === undefined) return err(lockForeign(t.platform, lockName(t.platform), f.groupId));
      if (f.record.token === token) return ok(heldLock(s, t, f.groupId, f.record, ttl));
      if (isExpired(f.record, Date.now())) {
        opts.log?.(`Breaking the expired apply lock of platform ${t.platform} (held by ${f.record.holder.user}@${f.record.holder.host}, pid ${f.record.holder.pid}, expired ${f.record.expiresAt}).`);
        const gone = await ks.deleteGroup(s, f.groupId);
        if (gone.isErr() && gone.error.kind !== 'NotFound') return err(gone.error);
        continue;
      }
      const waited = Date.now() - started;
      if (waited >= (opts.waitMs ?? 0)) return err(lockHeld(t.platform, f.record));
      if (round === 0 || round % 15 === 0) opts.log?.(lockHeld(t.platform, f.record).message.split(':')[0] + `: waiting (up to ${Math.round((opts.waitMs ?? 0) / 1000)} s)…`);
      await sleep(Math.min(opts.pollMs ?? 2000, (opts.waitMs ?? 0) - waited));
    }
  };
  return domainId(s, t).andThen((d) => new ResultAsync(attempt(d)));
}

function heldLock(s: OpenStackSession, t: LockTarget, groupId: string, first: LockRecord, ttl: number): HeldLock {
  let record = first;
  return {
    platform: t.platform,
    groupId,
    get record() {
      return record;
    },
    refresh: () =>
      s.request<{ group?: { description?: string } }>({ method: 'GET', service: 'identity', path: `/groups/${encodeURIComponent(groupId)}` })
        .mapErr((e): LockError => (e.kind === 'NotFound' ? lockLost(t.platform, 'the lock group was deleted, by force-unlock or by another apply after it expired') : e))
        .andThen((a) => {
          if (decodeLockRecord(a.body.group?.description)?.token !== record.token) return errAsync<LockRecord, LockError>(lockLost(t.platform, 'the lock group holds another token'));
          const next: LockRecord = { ...record, expiresAt: new Date(Date.now() + ttl).toISOString() };
          return ks.updateGroup(s, groupId, { description: encodeLockRecord(next) }).map(() => {
            record = next;
            return next;
          });
        }),
    release: () => ks.deleteGroup(s, groupId).orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e))),
  };
}

/**
 * Renews `lock` every `everyMs` until the returned function is called. A refresh that finds
 * the lock gone or taken calls `onLost` once; a refresh that fails for a transient reason is
 * tried again at the next tick (the expiry is `ttl`, several ticks away).
 */
export function keepLock(lock: HeldLock, everyMs: number, onLost: (e: LockError) => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    void lock.refresh().mapErr((e) => {
      if (!stopped && (e.kind === 'LockLost' || e.kind === 'LockForeign')) {
        stopped = true;
        clearInterval(timer);
        onLost(e);
      }
    });
  }, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * Deletes the platform's lock whoever holds it, and says whose it was; undefined when there
 * was none. For a holder that died: the apply it ran left nothing a new plan cannot converge from.
 */
export function forceUnlock(s: OpenStackSession, t: LockTarget): ResultAsync<LockRecord | undefined, LockError> {
  return readLock(s, t).andThen((f) => {
    if (f === undefined) return okAsync<LockRecord | undefined, LockError>(undefined);
    if (f.record === undefined) return errAsync<LockRecord | undefined, LockError>(lockForeign(t.platform, lockName(t.platform), f.groupId));
    const record = f.record;
    return ks.deleteGroup(s, f.groupId)
      .orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e)))
      .map(() => record);
  });
}
