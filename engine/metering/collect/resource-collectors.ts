import type { ResourceType, Sample, TraitValue } from '../sample.ts';
import type { ListSpec } from './list-all.ts';

/**
 * The compute microversion asked for: 2.47 embeds the flavor (name, vcpus, ram, disk) in
 * each server, so a server's size needs no flavor lookup (and survives the flavor's
 * deletion). Every nova since Pike supports it.
 */
export const COMPUTE_MICROVERSION = '2.47';

/** How one resource type is listed across all projects and turned into samples. */
export interface ResourceCollector {
  readonly resourceType: ResourceType;
  readonly list: Omit<ListSpec, 'pageSize'>;
  /** Undefined for an item that can't be attributed to a project. */
  readonly sample: (item: Record<string, unknown>) => Sample | undefined;
}

type Item = Record<string, unknown>;
const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function make(resourceType: ResourceType, item: Item, project: unknown, traits: Record<string, TraitValue>): Sample | undefined {
  const id = s(item['id']);
  const projectId = s(project);
  if (!id || !projectId) return undefined;
  return { resourceId: id, resourceType, projectId, traits };
}

function server(item: Item): Sample | undefined {
  const flavor = (item['flavor'] ?? {}) as Item;
  return make('server', item, item['tenant_id'], {
    name: s(item['name']),
    flavor: s(flavor['original_name']),
    vcpus: n(flavor['vcpus']),
    ram_mib: n(flavor['ram']),
    disk_gib: n(flavor['disk']),
    status: s(item['status']),
  });
}

/**
 * Every collector, in the order their samples are listed. All list calls ask for the
 * cross-project view explicitly (`all_tenants`, `visibility=all`); neutron and octavia give
 * it to an account allowed to see it without a flag.
 */
export const RESOURCE_COLLECTORS: readonly ResourceCollector[] = [
  {
    resourceType: 'server',
    list: { service: 'compute', path: '/servers/detail', key: 'servers', query: { all_tenants: 1 }, headers: { 'OpenStack-API-Version': `compute ${COMPUTE_MICROVERSION}`, 'X-OpenStack-Nova-API-Version': COMPUTE_MICROVERSION } },
    sample: server,
  },
  {
    resourceType: 'volume',
    list: { service: 'volumev3', path: '/volumes/detail', key: 'volumes', query: { all_tenants: 1 } },
    sample: (v) => make('volume', v, v['os-vol-tenant-attr:tenant_id'], { name: s(v['name']), size_gib: n(v['size']), volume_type: s(v['volume_type']), status: s(v['status']) }),
  },
  {
    resourceType: 'snapshot',
    list: { service: 'volumev3', path: '/snapshots/detail', key: 'snapshots', query: { all_tenants: 1 } },
    sample: (v) => make('snapshot', v, v['os-extended-snapshot-attributes:project_id'], { name: s(v['name']), size_gib: n(v['size']), status: s(v['status']), volume_id: s(v['volume_id']) }),
  },
  {
    resourceType: 'floatingip',
    list: { service: 'network', path: '/v2.0/floatingips', key: 'floatingips' },
    sample: (f) => make('floatingip', f, f['project_id'] ?? f['tenant_id'], { address: s(f['floating_ip_address']), status: s(f['status']), port_id: s(f['port_id']) }),
  },
  {
    resourceType: 'router',
    list: { service: 'network', path: '/v2.0/routers', key: 'routers' },
    sample: (r) => make('router', r, r['project_id'] ?? r['tenant_id'], { name: s(r['name']), status: s(r['status']), external_gateway: r['external_gateway_info'] !== null && r['external_gateway_info'] !== undefined }),
  },
  {
    resourceType: 'loadbalancer',
    list: { service: 'load-balancer', path: '/v2/lbaas/loadbalancers', key: 'loadbalancers' },
    sample: (l) => make('loadbalancer', l, l['project_id'], { name: s(l['name']), provisioning_status: s(l['provisioning_status']), operating_status: s(l['operating_status']), provider: s(l['provider']) }),
  },
  {
    resourceType: 'image',
    list: { service: 'image', path: '/v2/images', key: 'images', query: { visibility: 'all' } },
    sample: (i) => make('image', i, i['owner'], { name: s(i['name']), size_bytes: n(i['size']), status: s(i['status']), visibility: s(i['visibility']), disk_format: s(i['disk_format']) }),
  },
];
