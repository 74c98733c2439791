import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { projectOwner, userTags } from '../../../constructs/model/markers.ts';
import { listDomains, listProjects, type KeystoneError } from '../../keystone/index.ts';
import type { OpenStackSession } from '../../openstack/index.ts';
import { meteringApiError, visibilityError, type MeteringApiError, type MeteringError } from '../errors.ts';
import { sampleTime, type ProjectRecord, type ResourceType, type RunRecord, type Sample } from '../sample.ts';
import type { MeteringStore } from '../store/metering-store.ts';
import { listAll, listRequest, type ListOutcome } from './list-all.ts';
import { RESOURCE_COLLECTORS, type ResourceCollector } from './resource-collectors.ts';
import { confinedServices, type ServiceView } from './visibility.ts';
import { compareCodeUnits } from '../../../constructs/model/code-unit-order.ts';

/** What one collection is for and how it runs. */
export interface CollectOptions {
  readonly platform: string;
  /** The region sampled (the session's): runs and resources are kept per platform and region. */
  readonly region: string;
  /** Seconds between runs; a run's samples stand for at most this long. */
  readonly intervalSeconds: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** Items per page asked of each list call. @default 1000 */
  readonly pageSize?: number;
  /** The platform's tag prefix: a project's tags under it are its tenant's tags. @default 'kf_' */
  readonly tagPrefix?: string;
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
      /** The services whose cross-project visibility was checked. */
      readonly verified: readonly string[];
    }
  /**
   * The store already has a run at this sample time (a restart within the interval); the
   * account's visibility was checked all the same.
   */
  | { readonly kind: 'already-recorded'; readonly sampledAt: number; readonly verified: readonly string[] };

interface Listed {
  readonly collector: ResourceCollector;
  readonly outcome: ListOutcome | 'absent';
}

/**
 * Every Keystone project, with owner and tenant tags. A list Keystone truncates
 * (`list_limit`) is narrowed as the snapshot narrows it (one query per domain, then enabled
 * and disabled halves), and fails the run when still cut: a project missing from the map
 * would have its usage billed to no workspace.
 */
function keystoneProjects(session: OpenStackSession, tagPrefix: string): ResultAsync<readonly ProjectRecord[] | 'denied', MeteringApiError> {
  const perDomain = () => listDomains(session).map((ds) => [ds.map((d) => ({ domain_id: d.id })).sort((a, b) => compareCodeUnits(a.domain_id, b.domain_id))]);
  return listProjects(session, {}, perDomain)
    .map((ps) =>
      ps.map((p): ProjectRecord => {
        const tags = p.tags ?? [];
        const owner = projectOwner(tags);
        return { projectId: p.id, name: p.name, ...(owner ? { owner: { platform: owner.platform, workspace: owner.workspace, project: owner.project } } : {}), tags: Object.fromEntries([...userTags(tags, tagPrefix)].filter(([k]) => k !== '')) };
      }),
    )
    .orElse((e: KeystoneError) => (e.kind === 'forbidden' ? okAsync('denied' as const) : errAsync(meteringApiError('identity', 'list Keystone projects', e))));
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
  const others = projects.filter((p) => p.projectId !== own).sort((a, b) => compareCodeUnits(a.projectId, b.projectId));
  return (others.find((p) => p.owner?.platform === platform) ?? others[0])?.projectId;
}

/**
 * One collection run: lists every resource of every project, checks that the account
 * evidently sees all projects, and records the run with its samples in one transaction.
 * If any service shows a confined view, nothing is recorded and the error names the policy
 * rules to change. The check comes first, every time: a run whose sample time is already
 * stored is skipped only after the account has been verified, so a changed or broken
 * metering account is caught at once, not an interval later.
 */
export function collectOnce(session: OpenStackSession, store: MeteringStore, opts: CollectOptions): ResultAsync<CollectOutcome, MeteringError> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const startedAt = Math.floor(now() / 1000);
  const sampledAt = sampleTime(startedAt, opts.intervalSeconds);
  return ResultAsync.combine([keystoneProjects(session, opts.tagPrefix ?? 'kf_'), listEverything(session, opts.pageSize ?? 1000)] as const).andThen(([projects, listed]) => {
    const views = serviceViews(listed, log);
    const known = projects === 'denied' ? [] : projects;
    const ctx = { ownProject: session.scope.projectId, otherProject: otherProject(known, session.scope.projectId, opts.platform), keystoneDenied: projects === 'denied' };
    return confinedServices(session, views, ctx).andThen((confined) => {
      if (confined.length > 0) return errAsync<CollectOutcome, MeteringError>(visibilityError(session.cloud, confined));
      const verified = ['identity', ...views.map((v) => v.service)].sort();
      return store.hasRun({ platform: opts.platform, region: opts.region }, sampledAt).andThen((done): ResultAsync<CollectOutcome, MeteringError> => {
        if (done) return okAsync({ kind: 'already-recorded', sampledAt, verified });
        const absentServices = [...new Set(listed.filter((l) => l.outcome === 'absent').map((l) => l.collector.list.service))].sort();
        for (const s of absentServices) log(`metering: service ${s} is not in the catalog; its resources are not sampled`);
        return record(store, opts, { sampledAt, startedAt, finishedAt: Math.floor(now() / 1000) }, views, known, absentServices, verified);
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
  verified: readonly string[],
): ResultAsync<CollectOutcome, MeteringError> {
  const unique = new Map<string, Sample>();
  for (const v of views) for (const s of v.samples) unique.set(s.resourceId, s);
  const samples = [...unique.values()].sort((a, b) => compareCodeUnits(a.resourceId, b.resourceId));
  const run: RunRecord = { platform: opts.platform, region: opts.region, intervalSeconds: opts.intervalSeconds, sampleCount: samples.length, ...times };
  const byType = Object.fromEntries(RESOURCE_COLLECTORS.map((c) => [c.resourceType, samples.filter((s) => s.resourceType === c.resourceType).length])) as Record<ResourceType, number>;
  return store.recordRun(run, samples, projects).map((outcome): CollectOutcome =>
    outcome.recorded
      ? { kind: 'recorded', sampledAt: times.sampledAt, samples: outcome.samples, projects: projects.length, byType, absentServices, verified }
      : { kind: 'already-recorded', sampledAt: times.sampledAt, verified },
  );
}
