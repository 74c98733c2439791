import type { ResultAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { identityCall, identityVoid, seg } from './call.ts';
import { listAll, type Fallbacks, type KeystoneError } from './list.ts';
import type { Group, User } from './types.ts';
import { decodeGroup, decodeUser } from './decode.ts';

/** Groups (in one domain, or every domain), with `fallbacks` tried when Keystone truncates. */
export function listGroups(
  s: OpenStackSession,
  q: { readonly domain_id?: string; readonly name?: string } = {},
  fallbacks: Fallbacks = [],
): ResultAsync<readonly Group[], KeystoneError> {
  return listAll(s, '/groups', 'groups', decodeGroup, { ...q }, fallbacks, 'groups');
}

export interface GroupFields {
  readonly name: string;
  readonly domain_id: string;
  readonly description: string;
}

/** Creates a group; 409 Conflict when the name is taken in the domain. */
export function createGroup(s: OpenStackSession, g: GroupFields): ResultAsync<Group, OpenStackError> {
  return identityCall<Group>(s, 'POST', '/groups', 'group', { group: g });
}

/** Renames a group or changes its description. */
export function updateGroup(s: OpenStackSession, id: string, patch: Partial<Omit<GroupFields, 'domain_id'>>): ResultAsync<Group, OpenStackError> {
  return identityCall<Group>(s, 'PATCH', `/groups/${seg(id)}`, 'group', { group: patch });
}

/** Deletes a group, its memberships and its role assignments. */
export function deleteGroup(s: OpenStackSession, id: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/groups/${seg(id)}`);
}

/** The members of one group. */
export function listGroupUsers(s: OpenStackSession, groupId: string): ResultAsync<readonly User[], KeystoneError> {
  return listAll(s, `/groups/${seg(groupId)}/users`, 'users', decodeUser, {}, [], `members of group ${groupId}`);
}

/** Adds a user to a group; idempotent (204 again when already a member). */
export function addGroupUser(s: OpenStackSession, groupId: string, userId: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'PUT', `/groups/${seg(groupId)}/users/${seg(userId)}`);
}

/** Removes a user from a group; 404 NotFound when not a member. */
export function removeGroupUser(s: OpenStackSession, groupId: string, userId: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/groups/${seg(groupId)}/users/${seg(userId)}`);
}

/** An answer with the headers it came with: a lock reads Keystone's clock from its `Date`. */
export interface Dated<T> {
  readonly value: T;
  readonly headers: Readonly<Record<string, string>>;
}

/** The groups named `name` in domain `domainId`, in one call (names are unique in a domain), with the answer's headers. */
export function findGroupsNamed(s: OpenStackSession, domainId: string, name: string): ResultAsync<Dated<readonly Group[]>, OpenStackError> {
  return s.request<{ groups?: readonly Group[] }>({ method: 'GET', service: 'identity', path: '/groups', query: { domain_id: domainId, name } })
    .map((a) => ({ value: a.body?.groups ?? [], headers: a.headers }));
}

/** One group (undefined when the answer holds none), with the answer's headers; 404 when it is gone. */
export function readGroupDated(s: OpenStackSession, id: string): ResultAsync<Dated<Group | undefined>, OpenStackError> {
  return s.request<{ group?: Group }>({ method: 'GET', service: 'identity', path: `/groups/${seg(id)}` })
    .map((a) => ({ value: a.body?.group, headers: a.headers }));
}
