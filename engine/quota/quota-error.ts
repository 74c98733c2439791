import type { QuotaResource } from '../../constructs/model/index.ts';

/** A quota write did not happen; `message` says why and what to do. */
export interface QuotaWriteError {
  readonly kind: 'quota-write-failed';
  /** The quota's address. */
  readonly address: string;
  readonly message: string;
}

/** A write of quota `q` failed. */
export function quotaWriteFailed(q: QuotaResource, message: string): QuotaWriteError {
  return { kind: 'quota-write-failed', address: q.address, message: `quota ${q.key.quotaKey} of ${q.key.workspace}.${q.key.project}: ${message}` };
}
