import type { ResultAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { identityCall, identityVoid, seg } from './call.ts';
import { listAll, type Fallbacks, type KeystoneError } from './list.ts';
import type { Limit, RegisteredLimit } from './types.ts';
import { decodeLimit, decodeRegisteredLimit } from './decode.ts';

export interface LimitQuery {
  readonly service_id?: string;
  readonly region_id?: string;
  readonly resource_name?: string;
  readonly project_id?: string;
  readonly domain_id?: string;
}

/** Registered limits: the cloud-wide defaults that project limits override. */
export function listRegisteredLimits(s: OpenStackSession, q: Omit<LimitQuery, 'project_id' | 'domain_id'> = {}, fallbacks: Fallbacks = []): ResultAsync<readonly RegisteredLimit[], KeystoneError> {
  return listAll(s, '/registered_limits', 'registered_limits', decodeRegisteredLimit, { ...q }, fallbacks, 'registered limits');
}

/**
 * Project (and domain) limits. Only a system-scoped token sees the limits of every project;
 * a project-scoped token sees its own project's alone, whatever its role.
 */
export function listLimits(s: OpenStackSession, q: LimitQuery = {}, fallbacks: Fallbacks = []): ResultAsync<readonly Limit[], KeystoneError> {
  return listAll(s, '/limits', 'limits', decodeLimit, { ...q }, fallbacks, 'limits');
}

export interface RegisteredLimitFields {
  readonly service_id: string;
  readonly region_id?: string;
  readonly resource_name: string;
  readonly default_limit: number;
  readonly description?: string;
}

/** Creates registered limits (system scope); 409 on a duplicate. */
export function createRegisteredLimits(s: OpenStackSession, items: readonly RegisteredLimitFields[]): ResultAsync<readonly RegisteredLimit[], OpenStackError> {
  return identityCall<readonly RegisteredLimit[]>(s, 'POST', '/registered_limits', 'registered_limits', { registered_limits: items });
}

export interface LimitFields {
  readonly service_id: string;
  readonly region_id?: string;
  readonly project_id: string;
  readonly resource_name: string;
  readonly resource_limit: number;
  readonly description?: string;
}

/** Creates project limits (system scope). Each needs its registered limit (403 otherwise); 409 on a duplicate. */
export function createLimits(s: OpenStackSession, items: readonly LimitFields[]): ResultAsync<readonly Limit[], OpenStackError> {
  return identityCall<readonly Limit[]>(s, 'POST', '/limits', 'limits', { limits: items });
}

/** Changes a limit's value or description. */
export function updateLimit(s: OpenStackSession, id: string, patch: { readonly resource_limit?: number; readonly description?: string }): ResultAsync<Limit, OpenStackError> {
  return identityCall<Limit>(s, 'PATCH', `/limits/${seg(id)}`, 'limit', { limit: patch });
}

/** Deletes a limit: the project falls back to the registered default. */
export function deleteLimit(s: OpenStackSession, id: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/limits/${seg(id)}`);
}
