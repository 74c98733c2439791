import { QUOTA_KEYS } from '../../constructs/model/index.ts';

/** `service type/resource name` → quota key, from the quota key catalog. */
const UNIFIED_TO_KEY: ReadonlyMap<string, string> = new Map(
  Object.entries(QUOTA_KEYS).flatMap(([key, info]) => (info.unifiedLimits ? [[`${info.unifiedLimits.serviceType}/${info.unifiedLimits.resourceName}`, key] as const] : [])),
);

/** The quota key of a unified limit; `type.resource` for a limit outside the catalog. */
export function quotaKeyOf(serviceType: string, resourceName: string): string {
  return UNIFIED_TO_KEY.get(`${serviceType}/${resourceName}`) ?? `${serviceType}.${resourceName}`;
}
