import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import {
  address,
  compareCodeUnits,
  parentAddress,
  parseTenantKey,
  keystoneId,
  descriptionMarker,
  quotaKeyOfLimit,
  NO_TWINS,
  shareWithTwin,
  sortResources,
  type LiveState,
  type Twins,
  type QuotaResource,
} from '../../constructs/model/index.ts';
import * as ks from '../keystone/index.ts';
import type { Limit, Service } from '../keystone/index.ts';
import { catalogDefaults, limitCatalog, type LimitCatalog } from './limit-catalog.ts';
import type { LiveQuotas, QuotaBackend, QuotaReadError, QuotaReadRequest } from './quota-backend.ts';
import { createLimit, deleteLimit, updateLimit } from './write-limits.ts';
import { stringPool } from '../util/string-pool.ts';

/**
 * Quotas in Keystone unified limits: one project limit per quota key, its description
 * carrying the marker `[keyform platform=P tenant=W.P]` that the snapshot claims it by;
 * registered limits are the defaults. Three list calls, started with the snapshot's own:
 * services, the region's limits (system scope: Keystone shows other projects' limits to
 * it only) and the registered limits (any scope, so through the cheaper main session).
 */
export const UNIFIED_LIMITS: QuotaBackend = {
  name: 'unified-limits',
  systemScoped: true,
  read(r: QuotaReadRequest): ResultAsync<LiveQuotas, QuotaReadError> {
    const { session, limitsSession } = r.sessions;
    if (limitsSession.scope.kind !== 'system') return errAsync(scopeRequired(r.platform.id, limitsSession.scope.kind));
    return ResultAsync.combine([
      ks.listServices(session),
      ks.listLimits(limitsSession, {}, [[{ region_id: r.platform.region }]]),
      ks.listRegisteredLimits(session),
    ] as const).map(([services, limits, registered]) => {
      const catalog = limitCatalog(registered, services, r.platform.region);
      return {
        complete: (live) => okAsync(withLimits(live, limits, services, catalog, r.platform.region, r.twins)),
        create: (after, projectId, s) => createLimit(after, projectId, catalog, r.platform.region, s.limitsSession),
        update: (before, value, s) => updateLimit(before, value, s.limitsSession),
        delete: (before, s) => deleteLimit(before, s.limitsSession),
      };
    });
  },
};

/** The live state with the platform's limits as quotas (sharing parts with `twins`, see `SnapshotOptions.desired`) and the registered defaults. Pure. */
export function withLimits(live: LiveState, limits: readonly Limit[], services: readonly Service[], catalog: LimitCatalog, region: string, twins: Twins = NO_TWINS): LiveState {
  const projectIds = new Map(live.resources.flatMap((r) => (r.kind === 'project' && r.ids?.['id'] !== undefined ? [[r.address, r.ids['id']] as const] : [])));
  const quotas = liveLimits(limits, services, live.platform, region, projectIds, twins);
  return { ...live, resources: sortResources([...live.resources, ...quotas]), quotaDefaults: catalogDefaults(catalog) };
}

/**
 * Unified limits whose description marker names `platform` and a tenant, in the platform's
 * region (or in none). When two claim one address, the one on the tenant's live project
 * (`projectIds`, by project address) wins.
 */
export function liveLimits(limits: readonly Limit[], services: readonly Service[], platform: string, region: string, projectIds: ReadonlyMap<string, string>, twins: Twins = NO_TWINS): QuotaResource[] {
  const serviceType = new Map(services.map((s) => [s.id, s.type]));
  const out = new Map<string, QuotaResource>();
  // A tenant's workspace, project and project id repeat in each of its limits; service ids in all of them.
  const pooled = stringPool();
  const sorted = [...limits].sort((a, b) => compareCodeUnits(a.id, b.id));
  for (const l of sorted) {
    const m = descriptionMarker(l.description);
    const t = parseTenantKey(m?.tenant);
    if (m?.platform !== platform || !t || !l.project_id || (l.region_id !== null && l.region_id !== region)) continue;
    const quotaKey = quotaKeyOfLimit(serviceType.get(l.service_id) ?? l.service_id, l.resource_name);
    const addr = address('quota', [platform, t.workspace, t.project, quotaKey]);
    const tenantProjectId = projectIds.get(parentAddress({ platform, key: t }, 'project'));
    const prev = out.get(addr);
    if (prev && (prev.ids?.projectId === tenantProjectId || l.project_id !== tenantProjectId)) continue;
    out.set(addr, shareWithTwin<QuotaResource>({
      kind: 'quota', address: addr, platform, key: { workspace: pooled(t.workspace), project: pooled(t.project), quotaKey }, attrs: { value: l.resource_limit, backend: 'unified-limits' },
      ids: { id: keystoneId('limit', l.id), projectId: keystoneId('project', l.project_id === tenantProjectId ? tenantProjectId : pooled(l.project_id)), serviceId: keystoneId('service', pooled(l.service_id)) }, managed: true,
    }, twins));
  }
  return [...out.values()];
}

/** Unified limits of other projects are visible to a system-scoped token only. */
export function scopeRequired(platform: string, scope: string): QuotaReadError {
  return {
    kind: 'scope-required',
    message:
      `Platform ${JSON.stringify(platform)} keeps quotas in Keystone unified limits, and Keystone shows other projects' limits ` +
      `to a system-scoped token only (this session is ${scope}-scoped). Open the session with scope 'system' ` +
      '(clouds.yaml `system_scope: all`), and give the replicator account the admin role on the system: ' +
      '`openstack role add --user USER --user-domain DOMAIN --system all admin`.',
  };
}
