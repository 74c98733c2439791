import type { ResultAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { identityVoid } from './call.ts';
import { listAll, type KeystoneError } from './list.ts';
import type { Service } from './types.ts';
import { decodeService } from './decode.ts';

/** Catalog services (of one `type` when given). */
export function listServices(s: OpenStackSession, q: { readonly type?: string } = {}): ResultAsync<readonly Service[], KeystoneError> {
  return listAll(s, '/services', 'services', decodeService, { ...q }, [], 'services');
}

/**
 * `GET /endpoints`, its answer dropped: whether Keystone lets the token list endpoints
 * (rule `identity:list_endpoints`, `admin_required` by default), which the doctor asks to
 * learn whether the token counts as admin without writing anything.
 */
export function probeEndpoints(s: OpenStackSession): ResultAsync<void, OpenStackError> {
  return identityVoid(s, 'GET', '/endpoints');
}
