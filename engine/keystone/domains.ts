import type { ResultAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { identityCall, identityVoid, seg } from './call.ts';
import { listAll, type KeystoneError } from './list.ts';
import type { Domain } from './types.ts';
import { decodeDomain } from './decode.ts';

/** Every domain (matching `name` when given). Falls back to enabled/disabled halves when truncated. */
export function listDomains(s: OpenStackSession, q: { readonly name?: string } = {}): ResultAsync<readonly Domain[], KeystoneError> {
  return listAll(s, '/domains', 'domains', decodeDomain, { name: q.name }, [[{ enabled: 'true' }, { enabled: 'false' }]]);
}

export interface DomainFields {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
}

/** Creates a domain; 409 Conflict when the name is taken. */
export function createDomain(s: OpenStackSession, d: DomainFields): ResultAsync<Domain, OpenStackError> {
  return identityCall<Domain>(s, 'POST', '/domains', 'domain', { domain: d });
}

/** Changes some fields of a domain. */
export function updateDomain(s: OpenStackSession, id: string, patch: Partial<DomainFields>): ResultAsync<Domain, OpenStackError> {
  return identityCall<Domain>(s, 'PATCH', `/domains/${seg(id)}`, 'domain', { domain: patch });
}

/** Deletes a domain with its users and groups. Keystone requires it to be disabled first (403 otherwise). */
export function deleteDomain(s: OpenStackSession, id: string): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'DELETE', `/domains/${seg(id)}`);
}
