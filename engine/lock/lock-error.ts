import type { KeystoneError } from '../keystone/index.ts';
import { describeHolder, type LockRecord } from './lock-record.ts';

/** Everything taking, keeping or breaking a platform's apply lock can fail with. */
export type LockError =
  | { readonly kind: 'LockHeld'; readonly platform: string; readonly record: LockRecord; readonly message: string }
  | { readonly kind: 'LockLost'; readonly platform: string; readonly message: string }
  | { readonly kind: 'LockForeign'; readonly platform: string; readonly groupId: string; readonly message: string }
  | { readonly kind: 'LockDomainNotFound'; readonly platform: string; readonly domain: string; readonly message: string }
  | KeystoneError;

/** Another apply holds the lock and it has not expired. */
export function lockHeld(platform: string, record: LockRecord): LockError {
  return {
    kind: 'LockHeld', platform, record,
    message:
      `Platform ${platform} is locked by another apply: ${describeHolder(record)}, since ${record.acquiredAt}, until ${record.expiresAt} unless renewed. ` +
      `Wait for it to finish (or pass --lock-timeout to wait here). If that apply died, run \`keyform force-unlock ${platform}\`, or wait until the lock expires.`,
  };
}

/** The lock this process held was broken (force-unlock, or it expired and another apply took it). */
export function lockLost(platform: string, detail: string): LockError {
  return {
    kind: 'LockLost', platform,
    message: `The apply lock of platform ${platform} was lost (${detail}): keyform stopped starting changes. Make a new plan and apply it; check that no other apply ran meanwhile.`,
  };
}

/** A group has the lock's name but was not written by keyform: it is never touched. */
export function lockForeign(platform: string, name: string, groupId: string): LockError {
  return {
    kind: 'LockForeign', platform, groupId,
    message: `A Keystone group named ${JSON.stringify(name)} (id ${groupId}) exists but is not a keyform lock. keyform never modifies objects it did not create: rename or delete that group, then apply again.`,
  };
}

/** The platform's domain, where its lock object lives, does not exist. */
export function lockDomainNotFound(platform: string, domain: string): LockError {
  return {
    kind: 'LockDomainNotFound', platform, domain,
    message: `Platform ${platform}: its domain ${JSON.stringify(domain)}, where the apply lock lives, is neither the name nor the id of a Keystone domain. Fix the platform's \`domain\` setting.`,
  };
}
