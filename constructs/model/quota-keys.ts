/**
 * The quota keys keyform accepts, `service.resource`, and what each is called by the two
 * quota backends: Keystone unified limits (service type + resource name, as registered
 * limits name them) and the services' own quota APIs (nova/cinder `os-quota-sets`,
 * neutron `/v2.0/quotas`, octavia `/v2/lbaas/quotas`).
 */

/** The service whose quota API holds a key. */
export type QuotaService = 'compute' | 'volume' | 'network' | 'load-balancer';

export interface QuotaKeyInfo {
  /** Name in Keystone unified limits; undefined when the service does not read unified limits. */
  readonly unifiedLimits: { readonly serviceType: string; readonly resourceName: string } | undefined;
  /** Name in the service's own quota API. */
  readonly serviceApi: { readonly service: QuotaService; readonly name: string };
}

/** -1 means unlimited in every backend. */
export const UNLIMITED = -1;

/**
 * The largest limit any backend stores: a signed 32-bit integer column in nova, cinder and
 * neutron (`MAX_INT`, `DB_INTEGER_MAX_VALUE`), and the maximum of Keystone's limit schema.
 * A larger value is refused by the service (400); -1 is how to say unlimited.
 */
export const QUOTA_MAX = 2_147_483_647;

const compute = (name: string, unified: string): QuotaKeyInfo => ({
  unifiedLimits: { serviceType: 'compute', resourceName: unified },
  serviceApi: { service: 'compute', name },
});
const volume = (name: string): QuotaKeyInfo => ({
  unifiedLimits: { serviceType: 'volumev3', resourceName: name },
  serviceApi: { service: 'volume', name },
});
const network = (name: string): QuotaKeyInfo => ({
  unifiedLimits: { serviceType: 'network', resourceName: name },
  serviceApi: { service: 'network', name },
});
const loadBalancer = (name: string): QuotaKeyInfo => ({
  unifiedLimits: undefined,
  serviceApi: { service: 'load-balancer', name },
});

/** Every quota key, sorted. */
export const QUOTA_KEYS: Readonly<Record<string, QuotaKeyInfo>> = {
  'compute.cores': compute('cores', 'class:VCPU'),
  'compute.instances': compute('instances', 'servers'),
  'compute.key_pairs': compute('key_pairs', 'server_key_pairs'),
  'compute.metadata_items': compute('metadata_items', 'server_metadata_items'),
  'compute.ram': compute('ram', 'class:MEMORY_MB'),
  'compute.server_group_members': compute('server_group_members', 'server_group_members'),
  'compute.server_groups': compute('server_groups', 'server_groups'),
  'loadbalancer.health_monitor': loadBalancer('health_monitor'),
  'loadbalancer.listener': loadBalancer('listener'),
  'loadbalancer.loadbalancer': loadBalancer('load_balancer'),
  'loadbalancer.member': loadBalancer('member'),
  'loadbalancer.pool': loadBalancer('pool'),
  'network.floatingip': network('floatingip'),
  'network.network': network('network'),
  'network.port': network('port'),
  'network.router': network('router'),
  'network.security_group': network('security_group'),
  'network.security_group_rule': network('security_group_rule'),
  'network.subnet': network('subnet'),
  'volume.backup_gigabytes': volume('backup_gigabytes'),
  'volume.backups': volume('backups'),
  'volume.gigabytes': volume('gigabytes'),
  'volume.per_volume_gigabytes': volume('per_volume_gigabytes'),
  'volume.snapshots': volume('snapshots'),
  'volume.volumes': volume('volumes'),
};

/**
 * The catalog entry for `key`; undefined for a key keyform does not know. With
 * `quotaKeyOfLimit` and `quotaKeyOfService`, the one place quota names are translated, both ways.
 */
export function quotaKeyInfo(key: string): QuotaKeyInfo | undefined {
  return Object.hasOwn(QUOTA_KEYS, key) ? QUOTA_KEYS[key] : undefined;
}

/** `service type/resource name` → quota key, for the keys unified limits hold. */
const KEY_OF_LIMIT: ReadonlyMap<string, string> = new Map(
  Object.entries(QUOTA_KEYS).flatMap(([key, info]) => (info.unifiedLimits ? [[`${info.unifiedLimits.serviceType}/${info.unifiedLimits.resourceName}`, key] as const] : [])),
);

/**
 * The quota key of a unified limit (its registered service's type and its resource name);
 * `type.resource` for a limit outside the catalog, so that it still has an address.
 * @example quotaKeyOfLimit('compute', 'class:VCPU') // 'compute.cores'
 */
export function quotaKeyOfLimit(serviceType: string, resourceName: string): string {
  return KEY_OF_LIMIT.get(`${serviceType}/${resourceName}`) ?? `${serviceType}.${resourceName}`;
}

/** `service/name` → quota key, for the keys of the services' own quota APIs. */
const KEY_OF_SERVICE: ReadonlyMap<string, string> = new Map(Object.entries(QUOTA_KEYS).map(([key, info]) => [`${info.serviceApi.service}/${info.serviceApi.name}`, key]));

/**
 * The quota key of `name` in `service`'s own quota API; undefined for a resource keyform does not know.
 * @example quotaKeyOfService('volume', 'gigabytes') // 'volume.gigabytes'
 */
export function quotaKeyOfService(service: QuotaService, name: string): string | undefined {
  return KEY_OF_SERVICE.get(`${service}/${name}`);
}

/** Problems with a quota value, as sentence ends; empty when valid. */
export function quotaValueProblems(value: number): string[] {
  if (!Number.isInteger(value)) return [`is ${value}; quota values are whole numbers`];
  if (value < UNLIMITED) return [`is ${value}; use -1 for unlimited or a number ≥ 0`];
  if (value > QUOTA_MAX) return [`is ${value}, above ${QUOTA_MAX}, the largest limit nova, cinder, neutron and Keystone store; use -1 for unlimited`];
  return [];
}
