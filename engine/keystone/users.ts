import { ResultAsync } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { seg } from './call.ts';
import { andThenTry, listAll, type Fallbacks, type KeystoneError } from './list.ts';
import type { Group, User } from './types.ts';
import { decodeGroup, decodeUser } from './decode.ts';

/** Users (in one domain, or every domain the token may see), with `fallbacks` tried when Keystone truncates. */
export function listUsers(
  s: OpenStackSession,
  q: { readonly domain_id?: string; readonly name?: string } = {},
  fallbacks: Fallbacks = [],
): ResultAsync<readonly User[], KeystoneError> {
  const plans = andThenTry(fallbacks, [[{ enabled: 'true' }, { enabled: 'false' }]]);
  return listAll(s, '/users', 'users', decodeUser, { ...q }, plans, 'users');
}

/**
 * The user named `name` in domain `domainId`, or undefined. keyform binds users by external
 * id, which the identity provider stores in `User.name`; names are unique in a domain.
 */
export function findUserByName(s: OpenStackSession, name: string, domainId: string): ResultAsync<User | undefined, KeystoneError> {
  return listAll(s, '/users', 'users', decodeUser, { name, domain_id: domainId }).map((us) => us.find((u) => u.name === name));
}

/** The groups a user is a member of. */
export function listUserGroups(s: OpenStackSession, userId: string): ResultAsync<readonly Group[], KeystoneError> {
  return listAll(s, `/users/${seg(userId)}/groups`, 'groups', decodeGroup, {}, [], `groups of user ${userId}`);
}
