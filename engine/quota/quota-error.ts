import type { QuotaResource } from '../../constructs/model/index.ts';
import { tenantKey } from '../../constructs/model/index.ts';

/** A quota write did not happen; `message` says why and what to do. */
export interface QuotaWriteError {
  readonly kind: 'QuotaWriteFailed';
  /** The quota's address. */
  readonly address: string;
  readonly message: string;
}

/** A write of quota `q` failed. */
export function quotaWriteFailed(q: QuotaResource, message: string): QuotaWriteError {
  return { kind: 'QuotaWriteFailed', address: q.address, message: `quota ${q.key.quotaKey} of ${tenantKey(q.key)}: ${message}` };
}
