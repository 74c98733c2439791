import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { QuotaService } from '../../constructs/model/index.ts';
import { badResponse, type OpenStackError, type OpenStackSession } from '../openstack/index.ts';

/**
 * How each service's own quota API is spoken to. They differ in every detail: nova and
 * cinder answer `{"quota_set": …}` under `os-quota-sets`, neutron and octavia `{"quota": …}`;
 * neutron and octavia endpoints usually carry no version, so the path adds it; only nova
 * refuses a limit below current usage, unless the write says `force`.
 *
 * | service       | read / write          | defaults                          | usage                            |
 * |---------------|-----------------------|-----------------------------------|----------------------------------|
 * | compute       | `/os-quota-sets/P`    | `/os-quota-sets/P/defaults`       | `/os-quota-sets/P/detail`        |
 * | volume        | `/os-quota-sets/P`    | `/os-quota-sets/P/defaults`       | `/os-quota-sets/P?usage=True`    |
 * | network       | `/v2.0/quotas/P`      | `/v2.0/quotas/P/default`          | `/v2.0/quotas/P/details`         |
 * | load-balancer | `/v2/lbaas/quotas/P`  | `/v2/lbaas/quotas/defaults`       | none                             |
 */
export interface ServiceQuotaApi {
  readonly service: QuotaService;
  /** The catalog type the endpoint is looked up by (`block-storage` also finds `volumev3`). */
  readonly catalogType: string;
  /** The service's name, for messages. */
  readonly label: string;
  /** Added in front of every path unless the endpoint already ends with it. */
  readonly version: string;
  readonly quotaPath: (projectId: string) => string;
  readonly defaultsPath: (projectId: string) => string;
  /** Undefined when the API reports no usage. */
  readonly usage: { readonly path: (projectId: string) => string; readonly query?: Readonly<Record<string, string>> } | undefined;
  /** The member of request and answer bodies that holds the quota set. */
  readonly bodyKey: 'quota_set' | 'quota';
  /**
   * Extra members of every write. nova checks a new limit against current usage and refuses
   * it (400) unless `force`: the plan has already warned the reviewer (see
   * `quota-warnings.ts`), and a reviewed plan is applied as it reads.
   */
  readonly writeExtras: Readonly<Record<string, unknown>>;
}

const enc = encodeURIComponent;

/** The quota API of every service keyform writes quotas to. */
export const SERVICE_QUOTA_APIS: Readonly<Record<QuotaService, ServiceQuotaApi>> = {
  compute: {
    service: 'compute', catalogType: 'compute', label: 'nova', version: '', bodyKey: 'quota_set', writeExtras: { force: true },
    quotaPath: (p) => `/os-quota-sets/${enc(p)}`,
    defaultsPath: (p) => `/os-quota-sets/${enc(p)}/defaults`,
    usage: { path: (p) => `/os-quota-sets/${enc(p)}/detail` },
  },
  volume: {
    service: 'volume', catalogType: 'block-storage', label: 'cinder', version: '', bodyKey: 'quota_set', writeExtras: {},
    quotaPath: (p) => `/os-quota-sets/${enc(p)}`,
    defaultsPath: (p) => `/os-quota-sets/${enc(p)}/defaults`,
    usage: { path: (p) => `/os-quota-sets/${enc(p)}`, query: { usage: 'True' } },
  },
  network: {
    service: 'network', catalogType: 'network', label: 'neutron', version: '/v2.0', bodyKey: 'quota', writeExtras: {},
    quotaPath: (p) => `/quotas/${enc(p)}`,
    defaultsPath: (p) => `/quotas/${enc(p)}/default`,
    usage: { path: (p) => `/quotas/${enc(p)}/details` },
  },
  'load-balancer': {
    service: 'load-balancer', catalogType: 'load-balancer', label: 'octavia', version: '/v2', bodyKey: 'quota', writeExtras: {},
    quotaPath: (p) => `/lbaas/quotas/${enc(p)}`,
    defaultsPath: () => '/lbaas/quotas/defaults',
    usage: undefined,
  },
};

/** The services in a fixed order (for deterministic reads). */
export const QUOTA_SERVICES: readonly QuotaService[] = ['compute', 'load-balancer', 'network', 'volume'];

/** Whether the session's catalog has the service in its region. */
export function hasService(s: OpenStackSession, api: ServiceQuotaApi): boolean {
  return s.endpoint(api.catalogType).isOk();
}

function fullPath(s: OpenStackSession, api: ServiceQuotaApi, path: string): string {
  const base = s.endpoint(api.catalogType).unwrapOr('');
  return api.version !== '' && base.endsWith(api.version) ? path : `${api.version}${path}`;
}

/** One quota set as the API answers it: resource name → value (a number, or a `{limit, in_use|used, reserved}` record). */
export type RawQuotaSet = Readonly<Record<string, unknown>>;

/** `GET` of a quota path; the quota set inside the answer. */
export function getQuotaSet(s: OpenStackSession, api: ServiceQuotaApi, path: string, query?: Readonly<Record<string, string>>): ResultAsync<RawQuotaSet, OpenStackError> {
  const p = fullPath(s, api, path);
  return s.request<Record<string, unknown>>({ method: 'GET', service: api.catalogType, path: p, ...(query ? { query } : {}) }).andThen((a) => {
    const set = a.body?.[api.bodyKey];
    if (typeof set !== 'object' || set === null || Array.isArray(set)) return errAsync(badResponse('GET', p, `${api.label} answered without "${api.bodyKey}"`));
    return okAsync(set as RawQuotaSet);
  });
}

/**
 * Sets the given resources (service names) of one project and nothing else: every quota API
 * changes only the members the body names, so undeclared keys are never written. `PUT` is
 * idempotent, so the session may send it again on a transient fault.
 */
export function putQuotaSet(s: OpenStackSession, api: ServiceQuotaApi, projectId: string, values: Readonly<Record<string, number>>): ResultAsync<void, OpenStackError> {
  const body = { [api.bodyKey]: { ...values, ...api.writeExtras } };
  return s.request({ method: 'PUT', service: api.catalogType, path: fullPath(s, api, api.quotaPath(projectId)), body }).map(() => undefined);
}

/** The value of a plain quota set entry: a number, or null (octavia: "the default"). */
export function limitValue(v: unknown): number | null | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v === null) return null;
  if (typeof v === 'object' && v !== null && typeof (v as { limit?: unknown }).limit === 'number') return (v as { limit: number }).limit;
  return undefined;
}

/** What a usage entry counts: in use (nova, cinder: `in_use`; neutron: `used`) plus reserved. */
export function usageValue(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as { in_use?: unknown; used?: unknown; reserved?: unknown };
  const used = typeof r.in_use === 'number' ? r.in_use : typeof r.used === 'number' ? r.used : undefined;
  if (used === undefined) return undefined;
  return used + (typeof r.reserved === 'number' && r.reserved > 0 ? r.reserved : 0);
}
