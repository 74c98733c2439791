import { compareCodeUnits, quotaKeyOfLimit } from '../../constructs/model/index.ts';
import type { RegisteredLimit, Service } from '../keystone/index.ts';
import type { QuotaDefaults } from './quota-defaults.ts';

/** Where a project limit of one quota key must be written, and what it falls back to without one. */
export interface LimitHome {
  /** Keystone needs the registered limit's service for a project limit. */
  readonly serviceId: string;
  /** Null when the registered limit is for every region. */
  readonly regionId: string | null;
  /** The registered default (-1: unlimited). */
  readonly defaultLimit: number;
}

/** Quota key → where its limits go, for the keys the cloud has a registered limit for in the platform's region. */
export type LimitCatalog = ReadonlyMap<string, LimitHome>;

/**
 * The registered limits that hold in `region`, by quota key: one registered for `region`
 * wins over one for every region, whatever their order (the lowest id wins a tie). Keystone
 * refuses a project limit without a registered limit for the same service, region and
 * resource (403), so a key absent here cannot be set. Read once per snapshot: the plan checks
 * declared keys against it (`catalogDefaults`) and the apply writes where it says.
 */
export function limitCatalog(registered: readonly RegisteredLimit[], services: readonly Service[], region: string): LimitCatalog {
  const typeOf = new Map(services.map((x) => [x.id, x.type]));
  const out = new Map<string, LimitHome>();
  for (const r of [...registered].sort((a, b) => compareCodeUnits(a.id, b.id))) {
    const type = typeOf.get(r.service_id);
    if (type === undefined || (r.region_id !== null && r.region_id !== region)) continue;
    const key = quotaKeyOfLimit(type, r.resource_name);
    const prev = out.get(key);
    if (prev === undefined || (prev.regionId === null && r.region_id !== null)) out.set(key, { serviceId: r.service_id, regionId: r.region_id, defaultLimit: r.default_limit });
  }
  return out;
}

/** The defaults of unified limits: quota key → registered default, keys sorted. */
export function catalogDefaults(catalog: LimitCatalog): QuotaDefaults {
  return Object.fromEntries([...catalog].map(([k, v]) => [k, v.defaultLimit] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
