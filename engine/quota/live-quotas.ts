import { ResultAsync, okAsync } from 'neverthrow';
import { sortResources, type LiveState, type ProjectResource, type QuotaBackend } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import type { KeystoneError, RegisteredLimit, Service } from '../keystone/index.ts';
import { serviceDefaults, unifiedDefaults, type QuotaDefaults } from './quota-defaults.ts';
import { readServiceQuotas } from './read-service-quotas.ts';

/** What reading a platform's quotas needs beyond its Keystone view. */
export interface LiveQuotaOptions {
  readonly platform: { readonly id: string; readonly region: string; readonly quotaBackend?: QuotaBackend };
  /** Project-scoped admin session: its catalog leads to nova, cinder, neutron and octavia. */
  readonly session: OpenStackSession;
  /** Keystone's services, as the snapshot listed them (unified limits name services by id). */
  readonly services: readonly Service[];
  /** Per-project quota reads in flight. @default 8 */
  readonly concurrency?: number;
  /** Unified limits: the registered limits, which the snapshot reads beside its lists; undefined for another backend. */
  readonly registeredLimits: readonly RegisteredLimit[] | undefined;
}

/**
 * Completes a snapshot's live state with what its quota backend holds, and with the cloud's
 * default for every quota key it can hold (`quotaDefaults`):
 *
 * | backend          | live quotas                                  | defaults                        | calls            |
 * |------------------|----------------------------------------------|---------------------------------|------------------|
 * | `unified-limits` | already there (project limits, one list)     | registered limits               | 1                |
 * | `service-apis`   | per key recorded on the project, read now    | each service's defaults API     | ≤ 4 + per project|
 *
 * The plan uses the defaults to refuse a key the backend cannot hold (no registered limit;
 * a service the cloud lacks) before anything is written.
 */
export function withLiveQuotas(live: LiveState, o: LiveQuotaOptions): ResultAsync<LiveState, KeystoneError> {
  const backend = o.platform.quotaBackend ?? 'unified-limits';
  if (backend === 'unified-limits') {
    return okAsync({ ...live, quotaDefaults: unifiedDefaults(o.registeredLimits ?? [], o.services, o.platform.region) });
  }
  const projects = live.resources.filter((r): r is ProjectResource => r.kind === 'project');
  const anyProject = o.session.scope.projectId ?? projects.find((p) => p.ids?.id !== undefined)?.ids?.id;
  // With neither a project-scoped session nor a project, there is nothing to read and no id to ask the defaults with.
  if (anyProject === undefined) return okAsync(live);
  return serviceDefaults(o.session, anyProject).andThen((defaults: QuotaDefaults) =>
    readServiceQuotas(o.session, live.platform, projects, defaults, o.concurrency ?? 8).map((quotas) => ({
      ...live,
      resources: sortResources([...live.resources, ...quotas]),
      quotaDefaults: defaults,
    })),
  );
}
