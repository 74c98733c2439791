import { ResultAsync, okAsync } from 'neverthrow';
import type { OpenStackSession } from '../../openstack/index.ts';
import { meteringApiError, type Confinement, type MeteringApiError } from '../errors.ts';
import type { Sample } from '../sample.ts';

/**
 * The policy rules that decide whether an account sees every project's resources, per
 * service, as named in each service's Zed policy (checked against nova 26, cinder 21,
 * neutron 21, glance 25, octavia 11, keystone 22). engine/metering/README.md shows the
 * policy.yaml that grants them.
 */
export const POLICY_RULES: Readonly<Record<string, readonly string[]>> = {
  identity: ['identity:list_projects'],
  compute: ['os_compute_api:servers:detail:get_all_tenants', 'os_compute_api:servers:index:get_all_tenants'],
  volumev3: ['context_is_admin (cinder honours all_tenants only for it)', 'volume_extension:quotas:show'],
  network: ['context_is_admin or context_is_advsvc (neutron scopes every list to the token\'s project otherwise)', 'get_floatingip', 'get_router', 'get_quota'],
  image: ['context_is_admin (glance shows other projects\' private images only to it)', 'get_images'],
  'load-balancer': ['load-balancer:read-global', 'os_load-balancer_api:loadbalancer:get_all-global'],
};

/** What one service's cross-project listings showed. */
export interface ServiceView {
  readonly service: string;
  /** The list calls made, for evidence. */
  readonly requests: readonly string[];
  /** Some list call answered 403. */
  readonly denied: boolean;
  readonly samples: readonly Sample[];
}

/** Who is asking and which other project can be checked. */
export interface VisibilityContext {
  /** The project the metering token is scoped to, if any. */
  readonly ownProject: string | undefined;
  /** A project other than `ownProject` that Keystone listed; undefined when there is none. */
  readonly otherProject: string | undefined;
  /** Keystone refused the project list: no other project is known. */
  readonly keystoneDenied: boolean;
}

type Verdict = { readonly visible: true } | { readonly visible: false; readonly evidence: string };
const VISIBLE: Verdict = { visible: true };

const quotaUse = (body: unknown, section: string, key: string, field: string): number => {
  const v = ((body as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[section]?.[key] ?? {})[field];
  return typeof v === 'number' ? v : 0;
};

/**
 * A data-independent check for services that silently list only the token's own project to
 * an account that may not see more (cinder, neutron) or that refuse a foreign project filter
 * (octavia): ask about one other project and compare.
 */
function probe(session: OpenStackSession, service: string, other: string): ResultAsync<Verdict, MeteringApiError> {
  const ask = (path: string, query?: Record<string, string | number | boolean>) =>
    session
      .request({ method: 'GET', service, path, ...(query ? { query } : {}), expect: [200, 403, 404] })
      .mapErr((e) => meteringApiError(service, `check cross-project visibility with GET ${path}`, e));
  const refused = (path: string, status: number): Verdict => ({ visible: false, evidence: `reading another project's data (GET ${path}) answered ${status}` });
  const inUse = (what: string, count: number): Verdict =>
    count > 0 ? { visible: false, evidence: `project ${other} has ${count} ${what} by its quota usage, yet the list shows none of them` } : VISIBLE;
  switch (service) {
    case 'volumev3': {
      const path = `/os-quota-sets/${other}`;
      return ask(path, { usage: 'True' }).map((a) =>
        a.status !== 200 ? refused(`${path}?usage=True`, a.status) : inUse('volumes and snapshots in use', quotaUse(a.body, 'quota_set', 'volumes', 'in_use') + quotaUse(a.body, 'quota_set', 'snapshots', 'in_use')),
      );
    }
    case 'network': {
      // Zed lets only admins read another project's quota *details* (quotasv2_detail); an
      // account granted `get_quota` as the setup guide says gets 403 there but may read the
      // plain quota, which then is the evidence that its policy reaches other projects.
      const path = `/v2.0/quotas/${other}/details`;
      const plain = `/v2.0/quotas/${other}`;
      return ask(path).andThen((a) =>
        a.status === 200
          ? okAsync(inUse('floating IPs and routers in use', quotaUse(a.body, 'quota', 'floatingip', 'used') + quotaUse(a.body, 'quota', 'router', 'used')))
          : ask(plain).map((b) => (b.status === 200 ? VISIBLE : refused(plain, b.status))),
      );
    }
    case 'load-balancer': {
      const path = '/v2/lbaas/loadbalancers';
      return ask(path, { project_id: other, limit: 1 }).map((a) => (a.status !== 200 ? refused(`${path}?project_id=${other}`, a.status) : VISIBLE));
    }
    default:
      return okAsync(VISIBLE);
  }
}

/**
 * Whether the list shows a resource of another project that only a cross-project view
 * shows: anyone sees other projects' public and community images, so those prove nothing.
 */
function showsOtherProjects(view: ServiceView, own: string | undefined): boolean {
  return view.samples.some((s) => s.projectId !== own && !(s.resourceType === 'image' && (s.traits['visibility'] === 'public' || s.traits['visibility'] === 'community')));
}

function judgeOne(session: OpenStackSession, view: ServiceView, ctx: VisibilityContext): ResultAsync<Verdict, MeteringApiError> {
  if (view.denied) return okAsync({ visible: false, evidence: `${view.requests.join(', ')} answered 403` });
  if (showsOtherProjects(view, ctx.ownProject)) return okAsync(VISIBLE);
  // nova refuses all_tenants with 403 to an account that may not use it: an answer proves it.
  if (view.service === 'compute' || view.service === 'image') return okAsync(VISIBLE);
  if (ctx.otherProject === undefined) {
    return okAsync(
      ctx.keystoneDenied ? { visible: false, evidence: `everything ${view.requests.join(', ')} listed belongs to the account's own project, and no other project could be checked` } : VISIBLE,
    );
  }
  return probe(session, view.service, ctx.otherProject);
}

/**
 * The services whose answers show that the metering account sees only part of the cloud.
 * An empty list means every service is evidently cross-project. Glance has nothing to
 * probe; its decision rule is cinder's (`context_is_admin`), so it follows cinder's verdict.
 */
export function confinedServices(session: OpenStackSession, views: readonly ServiceView[], ctx: VisibilityContext): ResultAsync<readonly Confinement[], MeteringApiError> {
  const judged = views.map((v) => judgeOne(session, v, ctx).map((verdict) => ({ view: v, verdict })));
  return ResultAsync.combine(judged).map((all) => {
    const volume = all.find((j) => j.view.service === 'volumev3');
    const out: Confinement[] = [];
    if (ctx.keystoneDenied) out.push({ service: 'identity', evidence: 'GET /v3/projects answered 403', rules: POLICY_RULES['identity']! });
    for (const { view, verdict } of all) {
      const followsVolume = view.service === 'image' && !view.denied && !showsOtherProjects(view, ctx.ownProject) && volume !== undefined && !volume.verdict.visible;
      const v: Verdict = followsVolume ? { visible: false, evidence: 'no private image of another project is listed, and glance shows those only to the accounts cinder lists all projects to' } : verdict;
      if (!v.visible) out.push({ service: view.service, evidence: v.evidence, rules: POLICY_RULES[view.service] ?? [] });
    }
    return out;
  });
}
