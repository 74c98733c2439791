import { causeOf, type OpenStackSession } from '../openstack/index.ts';
import type { LiveQuotas } from '../quota/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import type { IdBook } from './id-book.ts';

/** What every operation of one platform's apply writes through and looks ids up in. */
export interface WriteContext {
  readonly platform: string;
  /** Identity writes: domains, projects, groups, memberships, role assignments. */
  readonly session: OpenStackSession;
  /** Unified limits (Keystone shows and takes other projects' limits from system scope only). */
  readonly limitsSession: OpenStackSession;
  /** The platform's tag prefix: with the markers, the only project tags an update may add or remove. */
  readonly tagPrefix: string;
  readonly book: IdBook;
  /** The platform's quota backend, as the snapshot this apply runs against read it. */
  readonly quotas: LiveQuotas;
}

/** A write context whose sessions send creates again on transient faults (see `retryingCreates`). */
export function writeContext(x: WriteContext): WriteContext {
  return { ...x, session: retryingCreates(x.session), limitsSession: retryingCreates(x.limitsSession) };
}

/**
 * `s`, with every create (POST) sent again on transient faults by the session's own retry
 * policy, as it does GET, PUT and DELETE: jittered backoff, Retry-After honoured, counted in
 * `stats.retries`. Keystone may have carried out a create whose answer was lost; names (and a
 * limit's project, service, region and resource) are unique, so the repeat of a create that
 * did happen answers 409, and the caller resolves it (see `existing-object.ts`).
 */
export function retryingCreates(s: OpenStackSession): OpenStackSession {
  return {
    cloud: s.cloud,
    region: s.region,
    get scope() {
      return s.scope;
    },
    get userId() {
      return s.userId;
    },
    get roles() {
      return s.roles;
    },
    get stats() {
      return s.stats;
    },
    endpoint: (serviceType) => s.endpoint(serviceType),
    request: (req) => s.request(req.method === 'POST' ? { ...req, idempotent: true } : req),
    close: () => s.close(),
  };
}

/** An operation failure from a service error: its message, which already says how to fix it, and its cause. */
export function fromKeystone(address: string, op: string, e: { readonly kind: string; readonly message: string; readonly status?: number; readonly requestId?: string }): OperationFailure {
  return operationFailed(address, op, e.message, causeOf(e));
}
