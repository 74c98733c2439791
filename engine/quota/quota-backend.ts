import type { ResultAsync } from 'neverthrow';
import type { LiveState, QuotaBackendName, QuotaResource, Twins } from '../../constructs/model/index.ts';
import type { KeystoneError } from '../keystone/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import type { QuotaWriteError } from './quota-error.ts';
import { SERVICE_APIS } from './service-apis.ts';
import { UNIFIED_LIMITS } from './unified-limits.ts';

/**
 * Where a platform keeps its quotas: the one way the snapshot reads them and the apply
 * writes them, whichever backend the platform names (`quota_backend`). The snapshot and the
 * apply know nothing else of quotas; everything a backend needs beyond this interface lives
 * in its own module:
 *
 * | backend          | module              | live quotas                        | defaults               |
 * |------------------|---------------------|------------------------------------|------------------------|
 * | `unified-limits` | `unified-limits.ts` | project limits with our marker     | registered limits      |
 * | `service-apis`   | `service-apis.ts`   | recorded keys, per project read    | each service's API     |
 *
 * A backend is chosen once per snapshot (`quotaBackendOf`), and what it read there
 * (`LiveQuotas`) serves the writes of the apply made against that snapshot: the registered
 * limits are listed once per snapshot, never again to write.
 */
export interface QuotaBackend {
  readonly name: QuotaBackendName;
  /**
   * Whether Keystone serves this backend's quotas of other projects to a system-scoped
   * token only: then a second, system-scoped session is opened for them.
   */
  readonly systemScoped: boolean;
  /** Starts reading at once, beside the snapshot's own lists; fails on a session that cannot read the backend. */
  read(r: QuotaReadRequest): ResultAsync<LiveQuotas, QuotaReadError>;
}

/** The sessions quotas are read and written through. */
export interface QuotaSessions {
  /** The replicator's session: project tags, and through its catalog nova, cinder, neutron and octavia. */
  readonly session: OpenStackSession;
  /** For `/v3/limits`: system-scoped (see `QuotaBackend.systemScoped`); the main session when that one is. */
  readonly limitsSession: OpenStackSession;
}

/** What a backend reads for one platform's snapshot. */
export interface QuotaReadRequest {
  readonly platform: { readonly id: string; readonly region: string };
  readonly sessions: QuotaSessions;
  /** Per-project reads in flight. */
  readonly concurrency: number;
  /** The desired records the live quotas may share parts with (see `SnapshotOptions.desired`). @default none */
  readonly twins?: Twins;
}

/** What a backend read for a snapshot: it completes the live state, and writes against what it read. */
export interface LiveQuotas {
  /**
   * The live state with the backend's quotas among its resources and `quotaDefaults` set:
   * the cloud's default of every key the backend can hold, which the plan checks declared
   * keys against (the one check that the cloud can hold a key).
   */
  complete(live: LiveState): ResultAsync<LiveState, QuotaReadError>;
  /** Sets a declared key on the project `projectId` (undefined: the project has no id yet, a failure). */
  create(after: QuotaResource, projectId: string | undefined, s: QuotaSessions): ResultAsync<void, QuotaWriteError>;
  /** Writes a key's new value. */
  update(before: QuotaResource, value: number, s: QuotaSessions): ResultAsync<void, QuotaWriteError>;
  /** Lets a key keyform no longer manages fall back to the cloud's default, never to 0. */
  delete(before: QuotaResource, s: QuotaSessions): ResultAsync<void, QuotaWriteError>;
}

/** A backend could not be read: a call failed, or the session cannot see what the backend holds. */
export type QuotaReadError = KeystoneError | { readonly kind: 'scope-required'; readonly message: string };

/** The backend called `name`. */
export function quotaBackendOf(name: QuotaBackendName): QuotaBackend {
  return name === 'unified-limits' ? UNIFIED_LIMITS : SERVICE_APIS;
}
