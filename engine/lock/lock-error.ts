import type { KeystoneError } from '../keystone/index.ts';
import type { DomainNotFound } from '../snapshot/index.ts';
import { describeHolder, type LockRecord } from './lock-record.ts';

/** Everything taking, keeping or breaking a platform's apply lock can fail with. */
export type LockError =
  | { readonly kind: 'lock-held'; readonly platform: string; readonly record: LockRecord; readonly message: string }
  | { readonly kind: 'lock-lost'; readonly platform: string; readonly message: string }
  | { readonly kind: 'lock-wait-stopped'; readonly platform: string; readonly message: string }
  | { readonly kind: 'unlock-refused'; readonly platform: string; readonly record: LockRecord; readonly message: string }
  | { readonly kind: 'lock-foreign'; readonly platform: string; readonly groupId: string; readonly message: string }
  | DomainNotFound
  | KeystoneError;

/** Another apply holds the lock and it has not expired. */
export function lockHeld(platform: string, record: LockRecord): LockError {
  return {
    kind: 'lock-held', platform, record,
    message:
      `Platform ${platform} is locked by another apply: ${describeHolder(record)}, since ${record.acquiredAt}, until ${record.expiresAt} unless renewed (lock ID ${record.token}). ` +
      `Wait for it to finish (or pass --lock-timeout to wait here). If that apply died, run \`keyform force-unlock ${platform} ${record.token}\`, or wait until the lock expires.`,
  };
}

/** The lock this process held was broken (force-unlock, or it expired and another apply took it). */
export function lockLost(platform: string, detail: string): LockError {
  return {
    kind: 'lock-lost', platform,
    message: `The apply lock of platform ${platform} was lost (${detail}): keyform stopped starting changes. Make a new plan and apply it; check that no other apply ran meanwhile.`,
  };
}

/**
 * The holder could not renew its lock and stopped writing before its lease ended (fencing):
 * past that point another apply may break the lock and write too.
 */
export function lockFenced(platform: string, expiresAt: string, why: string): LockError {
  return lockLost(platform, `it could not be renewed (${why}) and its lease ends at ${expiresAt} by Keystone's clock, so keyform stopped writing before then`);
}

/** Waiting for the lock, or retrying to take it, ended: by the deadline (`--lock-timeout`) or a signal. */
export function lockWaitStopped(platform: string, why: string): LockError {
  return { kind: 'lock-wait-stopped', platform, message: `Could not take the apply lock of platform ${platform}: ${why}. Nothing was written.` };
}

/** force-unlock without the lock's ID, or with the ID of another lock: a live holder is never broken by mistake. */
export function unlockRefused(platform: string, record: LockRecord, live: boolean, given: string | undefined): LockError {
  const state = live ? `it was renewed within its TTL (it holds until ${record.expiresAt} unless renewed again), so its apply is probably still running` : `it expired at ${record.expiresAt}`;
  const why = given === undefined
    ? 'without its lock ID'
    : `with lock ID ${given}: the lock now held has ID ${record.token} (it was taken again after the ID you have was printed)`;
  return {
    kind: 'unlock-refused', platform, record,
    message:
      `Refusing to break the apply lock of platform ${platform} ${why}. It is held by ${describeHolder(record)} since ${record.acquiredAt}; ${state}. ` +
      `Breaking a live lock lets two applies write at once. If that apply is dead, run \`keyform force-unlock ${platform} ${record.token}\`.`,
  };
}

/** A group has the lock's name but was not written by keyform: it is never touched. */
export function lockForeign(platform: string, name: string, groupId: string): LockError {
  return {
    kind: 'lock-foreign', platform, groupId,
    message: `A Keystone group named ${JSON.stringify(name)} (id ${groupId}) exists but is not a keyform lock. keyform never modifies objects it did not create: rename or delete that group, then apply again.`,
  };
}
