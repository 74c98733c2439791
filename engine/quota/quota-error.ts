import type { QuotaResource } from '../../constructs/model/index.ts';
import type { ErrorCause } from '../openstack/index.ts';
import { tenantKey } from '../../constructs/model/index.ts';

/** A quota write did not happen; `message` says why and what to do. */
export interface QuotaWriteError {
  readonly kind: 'quota-write-failed';
  /** The quota's address. */
  readonly address: string;
  readonly message: string;
  /** The service error behind it (kind, HTTP status, request id); absent when keyform itself refused. */
  readonly cause?: ErrorCause;
}

/** A write of quota `q` failed; `cause` is the service error behind it, when there is one. */
export function quotaWriteFailed(q: QuotaResource, message: string, cause?: ErrorCause): QuotaWriteError {
  return { kind: 'quota-write-failed', address: q.address, message: `quota ${q.key.quotaKey} of ${tenantKey(q.key)}: ${message}`, ...(cause === undefined ? {} : { cause }) };
}
