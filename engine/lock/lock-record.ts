import { createHash } from 'node:crypto';
import { MAX_NAME_LENGTH } from '../../constructs/model/index.ts';

/**
 * Who holds a platform's apply lock and until when, as stored in the lock object's
 * description: `keyform apply lock {"platform":…,"token":…,"holder":{…},…}`. Plain JSON, and
 * never a keyform marker (`[keyform …]` at the end), so no snapshot mistakes the lock for a
 * managed object.
 */
export interface LockRecord {
  readonly platform: string;
  /**
   * Random per acquisition: tells the holder's own lock from a later one of the same name.
   * It is the lock ID that the holder prints and `keyform force-unlock PLATFORM LOCK_ID` asks for.
   */
  readonly token: string;
  readonly holder: LockHolder;
  /** ISO 8601, by Keystone's clock (its Date header), never the holder's own. */
  readonly acquiredAt: string;
  /** ISO 8601, by Keystone's clock. After this, anyone may break the lock: its holder stopped refreshing it. */
  readonly expiresAt: string;
}

/** The process that holds a lock, for the message another apply gets. */
export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  readonly user: string;
}

const PREFIX = 'keyform apply lock ';

/** The lock object's description. */
export function encodeLockRecord(r: LockRecord): string {
  return PREFIX + JSON.stringify({ platform: r.platform, token: r.token, holder: r.holder, acquiredAt: r.acquiredAt, expiresAt: r.expiresAt });
}

/** Reads a lock object's description; undefined when it is not one keyform wrote. */
export function decodeLockRecord(description: string | null | undefined): LockRecord | undefined {
  if (!description?.startsWith(PREFIX)) return undefined;
  let j: unknown;
  try {
    j = JSON.parse(description.slice(PREFIX.length));
  } catch {
    return undefined;
  }
  const r = j as Partial<LockRecord> & { holder?: Partial<LockHolder> };
  const h = r.holder;
  const strings = [r.platform, r.token, r.acquiredAt, r.expiresAt, h?.host, h?.user];
  if (strings.some((s) => typeof s !== 'string') || typeof h?.pid !== 'number') return undefined;
  return r as LockRecord;
}

/**
 * The name of a platform's lock object: a Keystone group, because creating a group whose
 * name is taken fails with 409, atomically, which is all a lock needs. Names longer than
 * Keystone allows are shortened with a hash of the platform id, so that they stay unique.
 * @example lockName('os-prod') // 'keyform-lock-os-prod'
 */
export function lockName(platform: string): string {
  const plain = `keyform-lock-${platform}`;
  if (plain.length <= MAX_NAME_LENGTH) return plain;
  const hash = createHash('sha256').update(platform).digest('hex').slice(0, 16);
  return `${plain.slice(0, MAX_NAME_LENGTH - hash.length - 1)}-${hash}`;
}

/** Whether the lock may be broken at `now`, Keystone's time (its holder stopped refreshing it). */
export function isExpired(r: LockRecord, now: number): boolean {
  const at = Date.parse(r.expiresAt);
  return Number.isNaN(at) || at <= now;
}

/** The holder, as messages name it: `root@ci-7 (pid 4242)`. */
export function describeHolder(r: LockRecord): string {
  return `${r.holder.user}@${r.holder.host} (pid ${r.holder.pid})`;
}
