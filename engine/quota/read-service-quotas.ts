import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { compareCodeUnits, address, quotaKeyInfo, quotaMarkerKeys, type ProjectResource, type QuotaResource, type QuotaService } from '../../constructs/model/index.ts';
import { badResponse, type OpenStackError, type OpenStackSession } from '../openstack/index.ts';
import { mapPool } from '../util/map-pool.ts';
import type { QuotaDefaults } from './quota-defaults.ts';
import { SERVICE_QUOTA_APIS, getQuotaSet, limitValue, type RawQuotaSet } from './service-quota-api.ts';

/** One project's recorded quota keys in one service: what one read serves. */
interface Read {
  readonly project: ProjectResource;
  readonly service: QuotaService;
  readonly keys: readonly string[];
}

/**
 * The live quotas of the `service-apis` backend: for every managed project, one quota per
 * key its `keyform.quota=KEY` tags record (see `QUOTA_TAG`), valued as the service reports it
 * now. Keys never recorded are not read, not shown and never written.
 *
 * Cost: nova, cinder and octavia answer for one project per call, so one call per project
 * and service with recorded keys, `concurrency` at a time. neutron lists every project
 * whose quotas differ from the defaults in one call (`GET /v2.0/quotas`); a project it does
 * not list has the defaults. Keys outside the catalog are ignored.
 */
export function readServiceQuotas(s: OpenStackSession, platform: string, projects: readonly ProjectResource[], defaults: QuotaDefaults, concurrency: number): ResultAsync<readonly QuotaResource[], OpenStackError> {
  const reads = plannedReads(projects);
  const network = reads.filter((r) => r.service === 'network');
  const perProject = reads.filter((r) => r.service !== 'network');
  const networkSets = network.length === 0 ? okAsync(new Map<string, RawQuotaSet>()) : listNetworkQuotas(s);
  return networkSets.andThen((listed) =>
    mapPool(perProject, concurrency, (r) => getQuotaSet(s, SERVICE_QUOTA_APIS[r.service], SERVICE_QUOTA_APIS[r.service].quotaPath(r.project.ids!.id)).map((set) => ({ r, set }))).map((answers) => {
      const out: QuotaResource[] = [];
      for (const { r, set } of answers) out.push(...quotasOf(r, set, defaults, platform));
      for (const r of network) out.push(...quotasOf(r, listed.get(r.project.ids!.id) ?? {}, defaults, platform));
      return out;
    }),
  );
}

/** The reads the recorded keys need, grouped by project and service, in address order. */
export function plannedReads(projects: readonly ProjectResource[]): readonly Read[] {
  const out: Read[] = [];
  for (const p of projects) {
    if (p.ids?.id === undefined) continue;
    const byService = new Map<QuotaService, string[]>();
    for (const key of quotaMarkerKeys(p.attrs.tags)) {
      const service = quotaKeyInfo(key)?.serviceApi.service;
      if (service !== undefined) byService.set(service, [...(byService.get(service) ?? []), key]);
    }
    for (const [service, keys] of [...byService].sort(([a], [b]) => compareCodeUnits(a, b))) out.push({ project: p, service, keys });
  }
  return out;
}

/**
 * One quota per recorded key found in the answer. A value the service leaves out or gives as
 * null (octavia: "use the default") is the default; with no default known either, the key
 * is left out rather than guessed.
 */
function quotasOf(r: Read, set: RawQuotaSet, defaults: QuotaDefaults, platform: string): QuotaResource[] {
  const { workspace, project } = r.project.key;
  const out: QuotaResource[] = [];
  for (const quotaKey of r.keys) {
    const name = quotaKeyInfo(quotaKey)!.serviceApi.name;
    const value = limitValue(set[name]) ?? defaults[quotaKey];
    if (typeof value !== 'number') continue;
    out.push({
      kind: 'quota', address: address('quota', [platform, workspace, project, quotaKey]), platform,
      key: { workspace, project, quotaKey }, attrs: { value, backend: 'service-apis' }, ids: { projectId: r.project.ids!.id }, managed: true,
    });
  }
  return out;
}

/** neutron's `GET /v2.0/quotas`: project id → its quota set, for every project with a value of its own. */
function listNetworkQuotas(s: OpenStackSession): ResultAsync<ReadonlyMap<string, RawQuotaSet>, OpenStackError> {
  const api = SERVICE_QUOTA_APIS.network;
  const base = s.endpoint(api.catalogType).unwrapOr('');
  const path = base.endsWith(api.version) ? '/quotas' : `${api.version}/quotas`;
  return s.request<{ quotas?: unknown }>({ method: 'GET', service: api.catalogType, path }).andThen((a) => {
    const list = a.body?.quotas;
    if (!Array.isArray(list)) return errAsync(badResponse('GET', path, 'neutron answered without a "quotas" list'));
    const out = new Map<string, RawQuotaSet>();
    for (const q of list as Record<string, unknown>[]) {
      const id = q['project_id'] ?? q['tenant_id'];
      if (typeof id === 'string') out.set(id, q);
    }
    return okAsync(out as ReadonlyMap<string, RawQuotaSet>);
  });
}
