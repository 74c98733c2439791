import type { ResultAsync } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { listAll, type KeystoneError } from './list.ts';
import type { Service } from './types.ts';

/** Catalog services (of one `type` when given). */
export function listServices(s: OpenStackSession, q: { readonly type?: string } = {}): ResultAsync<readonly Service[], KeystoneError> {
  return listAll<Service>(s, '/services', 'services', { ...q }, [], 'services');
}
