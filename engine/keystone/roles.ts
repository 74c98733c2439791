import type { ResultAsync } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import type { OpenStackError } from '../openstack/index.ts';
import { identityVoid, seg } from './call.ts';
import { listAll, type KeystoneError } from './list.ts';
import type { Role } from './types.ts';
import { decodeRole } from './decode.ts';

/** Global roles (or a domain's own roles with `domain_id`). */
export function listRoles(s: OpenStackSession, q: { readonly name?: string; readonly domain_id?: string } = {}): ResultAsync<readonly Role[], KeystoneError> {
  return listAll(s, '/roles', 'roles', decodeRole, { ...q }, [], 'roles');
}

/** Who gets a role, and where. */
export interface Grant {
  readonly actor: { readonly group: string } | { readonly user: string };
  readonly target: { readonly project: string } | { readonly domain: string } | { readonly system: 'all' };
  readonly roleId: string;
}

function grantPath(g: Grant): string {
  const actor = 'group' in g.actor ? `groups/${seg(g.actor.group)}` : `users/${seg(g.actor.user)}`;
  const t = g.target;
  const target = 'project' in t ? `/projects/${seg(t.project)}` : 'domain' in t ? `/domains/${seg(t.domain)}` : '/system';
  return `${target}/${actor}/roles/${seg(g.roleId)}`;
}

/** Grants a role; idempotent (204 again when already granted). */
export function grantRole(s: OpenStackSession, g: Grant): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'PUT', grantPath(g));
}

/** Revokes a role; 404 NotFound when not granted. */
export function revokeRole(s: OpenStackSession, g: Grant): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', grantPath(g));
}
