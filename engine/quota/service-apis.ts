import { ResultAsync, okAsync } from 'neverthrow';
import { sortResources, type LiveState, type ProjectResource } from '../../constructs/model/index.ts';
import type { LiveQuotas, QuotaBackend, QuotaReadError, QuotaReadRequest } from './quota-backend.ts';
import { serviceDefaults } from './quota-defaults.ts';
import { readServiceQuotas } from './read-service-quotas.ts';
import { createServiceQuota, deleteServiceQuota, updateServiceQuota } from './write-service-quota.ts';

/**
 * Quotas in the services' own quota APIs (nova and cinder `os-quota-sets`, neutron
 * `/v2.0/quotas`, octavia `/v2/lbaas/quotas`), through the replicator's session, whose
 * catalog leads to them. They have no list of every project's quotas, so nothing is read
 * beside the snapshot's lists: the live state completes with each service's defaults
 * (≤ 4 calls) and the keys keyform recorded on each project (see `readServiceQuotas`).
 */
export const SERVICE_APIS: QuotaBackend = {
  name: 'service-apis',
  systemScoped: false,
  read(r: QuotaReadRequest): ResultAsync<LiveQuotas, QuotaReadError> {
    return okAsync({
      complete: (live) => withServiceQuotas(live, r),
      create: (after, projectId, s) => createServiceQuota(after, projectId, s.session),
      update: (before, value, s) => updateServiceQuota(before, value, s.session),
      delete: (before, s) => deleteServiceQuota(before, s.session),
    });
  },
};

/** The live state with the recorded keys' quotas and the services' defaults. */
function withServiceQuotas(live: LiveState, r: QuotaReadRequest): ResultAsync<LiveState, QuotaReadError> {
  const s = r.sessions.session;
  const projects = live.resources.filter((x): x is ProjectResource => x.kind === 'project');
  const anyProject = s.scope.projectId ?? projects.find((p) => p.ids?.['id'] !== undefined)?.ids?.['id'];
  // With neither a project-scoped session nor a project, there is nothing to read and no id to ask the defaults with.
  if (anyProject === undefined) return okAsync(live);
  return serviceDefaults(s, anyProject).andThen((defaults) =>
    readServiceQuotas(s, live.platform, projects, defaults, r.concurrency).map((quotas) => ({
      ...live,
      resources: sortResources([...live.resources, ...quotas]),
      quotaDefaults: defaults,
    })),
  );
}
