import { ResultAsync } from 'neverthrow';
import * as ks from '../keystone/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';

/** Where a project limit of one resource must be written: Keystone needs its registered limit's service and region. */
export interface LimitHome {
  readonly serviceId: string;
  /** Null when the registered limit is for every region. */
  readonly regionId: string | null;
}

/** `serviceType/resourceName` → where its limits go, for the resources the cloud has registered defaults for. */
export type LimitCatalog = ReadonlyMap<string, LimitHome>;

/** The catalog key of a unified-limit resource. */
export function limitKey(serviceType: string, resourceName: string): string {
  return `${serviceType}/${resourceName}`;
}

/**
 * Reads the registered limits and the services they belong to, once per apply. Keystone
 * refuses a project limit without a registered limit for the same service, region and
 * resource (403), so only those are listed; one in `region` wins over one for every region.
 */
export function limitCatalog(s: OpenStackSession, region: string): ResultAsync<LimitCatalog, ks.KeystoneError> {
  return ResultAsync.combine([ks.listServices(s), ks.listRegisteredLimits(s)] as const).map(([services, registered]) => {
    const typeOf = new Map(services.map((x) => [x.id, x.type]));
    const out = new Map<string, LimitHome>();
    const sorted = [...registered].sort((a, b) => compareCodeUnits(a.id, b.id));
    for (const r of sorted) {
      const type = typeOf.get(r.service_id);
      if (type === undefined || (r.region_id !== null && r.region_id !== region)) continue;
      const key = limitKey(type, r.resource_name);
      const prev = out.get(key);
      if (prev === undefined || (prev.regionId === null && r.region_id !== null)) out.set(key, { serviceId: r.service_id, regionId: r.region_id });
    }
    return out;
  });
}
