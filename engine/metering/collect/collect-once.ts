import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { projectOwner } from '../../../constructs/model/markers.ts';
import type { OpenStackSession } from '../../openstack/index.ts';
import { meteringApiError, visibilityError, type MeteringApiError, type MeteringError } from '../errors.ts';
import { sampleTime, type ProjectRecord, type ResourceType, type RunRecord, type Sample } from '../sample.ts';
import type { MeteringStore } from '../store/metering-store.ts';
import { listAll, listRequest, type ListOutcome } from './list-all.ts';
import { RESOURCE_COLLECTORS, type ResourceCollector } from './resource-collectors.ts';
import { confinedServices, type ServiceView } from './visibility.ts';

/** What one collection is for and how it runs. */
export interface CollectOptions {
  readonly platform: string;
  /** Seconds between runs; a run's samples stand for at most this long. */
  readonly intervalSeconds: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Items per page asked of each list call. @default 1000 */
  readonly pageSize?: number;
  /** One line per notable event (skipped service, unattributed item). */
  readonly log?: (line: string) => void;
}

/** How a collection ended. */
export type CollectOutcome =
  | {
      readonly kind: 'recorded';
      readonly sampledAt: number;
      readonly samples: number;
      readonly projects: number;
      /** Samples per resource type, every type present (0 included). */
      readonly byType: Readonly<Record<ResourceType, number>>;
      /** Services not in the catalog, so not sampled (e.g. a cloud without Octavia). */
      readonly absentServices: readonly string[];
    }
  /** The store already has a run at this sample time (a restart within the interval). */
  | { readonly kind: 'already-recorded'; readonly sampledAt: number };

interface Listed {
  readonly collector: ResourceCollector;
  readonly outcome: ListOutcome | 'absent';
}

function keystoneProjects(session: OpenStackSession): ResultAsync<readonly ProjectRecord[] | 'denied', MeteringApiError> {
  return session
    .request<{ projects?: { id: string; name: string; tags?: string[] }[] }>({ method: 'GET', service: 'identity', path: '/projects', expect: [200, 403] })
    .mapErr((e) => meteringApiError('identity', 'list Keystone projects', e))
    .map((a) =>
      a.status === 403
        ? ('denied' as const)
        : (a.body.projects ?? []).map((p): ProjectRecord => {
            const owner = projectOwner(p.tags ?? []);
            return { projectId: p.id, name: p.name, ...(owner ? { owner: { platform: owner.platform, workspace: owner.workspace, project: owner.project } } : {}) };
          }),
    );
}

function listEverything(session: OpenStackSession, pageSize: number): ResultAsync<readonly Listed[], MeteringApiError> {
  return ResultAsync.combine(
    RESOURCE_COLLECTORS.map((collector) =>
      session.endpoint(collector.list.service).isErr()
        ? okAsync<Listed, MeteringApiError>({ collector, outcome: 'absent' })
        : listAll(session, { ...collector.list, pageSize }).map((outcome): Listed => ({ collector, outcome })),
    ),
  );
}

/** Samples per service, for the visibility check; items without a project are logged and dropped. */
function serviceViews(listed: readonly Listed[], log: (line: string) => void): ServiceView[] {
  const views = new Map<string, { requests: string[]; denied: boolean; samples: Sample[] }>();
  for (const { collector, outcome } of listed) {
    if (outcome === 'absent') continue;
    const v = views.get(collector.list.service) ?? { requests: [], denied: false, samples: [] };
    v.requests.push(listRequest(collector.list));
    if (outcome.kind === 'denied') v.denied = true;
    else {
      for (const item of outcome.items) {
        const s = collector.sample(item);
        if (s) v.samples.push(s);
        else log(`metering: ${collector.resourceType} ${String(item['id'])} has no project; not sampled`);
      }
    }
    views.set(collector.list.service, v);
  }
  return [...views.entries()].map(([service, v]) => ({ service, ...v }));
}

/** The project to probe: another project of this platform if there is one, else any other. */
function otherProject(projects: readonly ProjectRecord[], own: string | undefined, platform: string): string | undefined {
  const others = projects.filter((p) => p.projectId !== own).sort((a, b) => (a.projectId < b.projectId ? -1 : 1));
  return (others.find((p) => p.owner?.platform === platform) ?? others[0])?.projectId;
}

/**
 * One collection run: lists every resource of every project, checks that the account
 * evidently sees all projects, and records the run with its samples in one transaction.
 * If any service shows a confined view, nothing is recorded and the error names the policy
 * rules to change. A run whose sample time is already stored is skipped.
 */
export function collectOnce(session: OpenStackSession, store: MeteringStore, opts: CollectOptions): ResultAsync<CollectOutcome, MeteringError> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const startedAt = Math.floor(now() / 1000);
  const sampledAt = sampleTime(startedAt, opts.intervalSeconds);
  return store.hasRun(opts.platform, sampledAt).andThen((done) => {
    if (done) return okAsync<CollectOutcome, MeteringError>({ kind: 'already-recorded', sampledAt });
    return ResultAsync.combine([keystoneProjects(session), listEverything(session, opts.pageSize ?? 1000)] as const).andThen(([projects, listed]) => {
      const views = serviceViews(listed, log);
      const known = projects === 'denied' ? [] : projects;
      const ctx = { ownProject: session.scope.projectId, otherProject: otherProject(known, session.scope.projectId, opts.platform), keystoneDenied: projects === 'denied' };
      return confinedServices(session, views, ctx).andThen((confined) => {
        if (confined.length > 0) return errAsync<CollectOutcome, MeteringError>(visibilityError(session.cloud, confined));
        const absentServices = [...new Set(listed.filter((l) => l.outcome === 'absent').map((l) => l.collector.list.service))].sort();
        for (const s of absentServices) log(`metering: service ${s} is not in the catalog; its resources are not sampled`);
        return record(store, opts, { sampledAt, startedAt, finishedAt: Math.floor(now() / 1000) }, views, known, absentServices);
      });
    });
  });
}

function record(
  store: MeteringStore,
  opts: CollectOptions,
  times: { sampledAt: number; startedAt: number; finishedAt: number },
  views: readonly ServiceView[],
  projects: readonly ProjectRecord[],
  absentServices: readonly string[],
): ResultAsync<CollectOutcome, MeteringError> {
  const unique = new Map<string, Sample>();
  for (const v of views) for (const s of v.samples) unique.set(s.resourceId, s);
  const samples = [...unique.values()].sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));
  const run: RunRecord = { platform: opts.platform, intervalSeconds: opts.intervalSeconds, sampleCount: samples.length, ...times };
  const byType = Object.fromEntries(RESOURCE_COLLECTORS.map((c) => [c.resourceType, samples.filter((s) => s.resourceType === c.resourceType).length])) as Record<ResourceType, number>;
  return store.recordRun(run, samples, projects).map((outcome): CollectOutcome =>
    outcome.recorded
      ? { kind: 'recorded', sampledAt: times.sampledAt, samples: outcome.samples, projects: projects.length, byType, absentServices }
      : { kind: 'already-recorded', sampledAt: times.sampledAt },
  );
}
