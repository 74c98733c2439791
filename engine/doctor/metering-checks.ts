import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import { compareCodeUnits, projectOwner } from '../../constructs/index.ts';
import { listProjects, type KeystoneError, type Project } from '../keystone/index.ts';
import { meteringApiError, type MeteringApiError } from '../metering/errors.ts';
import { describeList, RESOURCE_COLLECTORS, confinedServices, POLICY_RULES, type ResourceCollector, type ServiceView } from '../metering/collect/index.ts';
import type { Sample } from '../metering/sample.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import { fail, ok, warn, type CheckRow } from './check-row.ts';

/** Items asked of each list: the first page is evidence enough, whatever the cloud's size. */
const PAGE = 200;

/** Per metered service: its name, and where the guide shows the policy it needs. */
const SERVICE_HELP: Readonly<Record<string, { readonly name: string; readonly fix: (rules: string) => string }>> = {
  identity: { name: 'Keystone', fix: (r) => policyFix('Keystone', r, 'keystone-policy.yaml') },
  compute: { name: 'Nova', fix: (r) => policyFix('Nova', r, 'nova-policy.yaml') },
  volumev3: { name: 'Cinder', fix: (r) => policyFix('Cinder', r, 'cinder-policy.yaml') },
  network: { name: 'Neutron', fix: (r) => policyFix('Neutron', r, 'neutron-policy.yaml') },
  image: { name: 'Glance', fix: (r) => policyFix('Glance', r, 'glance-policy.yaml') },
  'load-balancer': { name: 'Octavia', fix: (r) => `give the metering account the load-balancer_global_observer role, which passes ${r} without a policy change (examples/SETUP.md)` },
};

function policyFix(service: string, rules: string, file: string): string {
  return `in ${service}'s policy.yaml let the metering account's role pass: ${rules} (examples/policy/${file})`;
}

function rulesOf(service: string): string {
  return (POLICY_RULES[service] ?? []).join('; ');
}

/**
 * Whether the metering account sees every project: in Keystone (`metering.projects`, its
 * project list against the replicator's) and in each metered service in its catalog
 * (`metering.SERVICE`). The per-service verdicts are the collector's own (engine/metering
 * `confinedServices`), so doctor and `meter collect` never disagree.
 */
export async function meteringRows(metering: OpenStackSession, reference: Result<readonly Project[], KeystoneError>, platform: string): Promise<readonly CheckRow[]> {
  const seen = await listProjects(metering);
  const rows: CheckRow[] = [projectsRow(seen, reference)];
  const known = reference.isOk() ? reference.value : seen.unwrapOr([]);
  const own = metering.scope.projectId;
  const ctx = { ownProject: own, otherProject: otherProject(known, own, platform), keystoneDenied: false };
  const verdicts = await firstPages(metering).andThen((views) => confinedServices(metering, views, ctx).map((confined) => ({ views, confined })));
  if (verdicts.isErr()) return [...rows, fail('metering.services', verdicts.error.message, 'check that the services answer, then run doctor again')];
  for (const view of verdicts.value.views) {
    const help = SERVICE_HELP[view.service] ?? { name: view.service, fix: (r: string) => `let the metering account's role pass ${r}` };
    const confined = verdicts.value.confined.find((c) => c.service === view.service);
    if (confined) rows.push(fail(`metering.${view.service}`, `${help.name} shows the metering account only part of the cloud: ${confined.evidence}`, help.fix(confined.rules.join('; '))));
    else rows.push(ok(`metering.${view.service}`, `${help.name} shows every project (${view.requests.join(', ')}: ${projectCount(view.samples)} on the first page)`));
  }
  return rows;
}

function projectsRow(seen: Result<readonly Project[], KeystoneError>, reference: Result<readonly Project[], KeystoneError>): CheckRow {
  const fix = SERVICE_HELP['identity']!.fix(rulesOf('identity'));
  if (seen.isErr()) {
    const why = seen.error.kind === 'forbidden' ? 'Keystone answered 403' : seen.error.message;
    return fail('metering.projects', `the metering account may not list Keystone's projects (${why})`, fix);
  }
  if (reference.isErr()) return warn('metering.projects', `the metering account lists ${seen.value.length} projects; the replicator's list to compare with can't be read (${reference.error.message})`, 'give the replicator account admin on the system');
  const ids = new Set(seen.value.map((p) => p.id));
  const missing = reference.value.filter((p) => !ids.has(p.id)).map((p) => p.name).sort();
  if (missing.length > 0) {
    const sample = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', …' : '');
    return fail('metering.projects', `the metering account lists ${reference.value.length - missing.length} of Keystone's ${reference.value.length} projects (missing: ${sample})`, fix);
  }
  return ok('metering.projects', `the metering account lists all ${reference.value.length} of Keystone's projects`);
}

function projectCount(samples: readonly Sample[]): string {
  const n = new Set(samples.map((s) => s.projectId)).size;
  return n === 0 ? 'nothing to list' : `resources of ${n} project${n === 1 ? '' : 's'}`;
}

/** The project to probe: another project of this platform if there is one, else any other. */
function otherProject(projects: readonly Project[], own: string | undefined, platform: string): string | undefined {
  const others = projects.filter((p) => p.id !== own).sort((a, b) => compareCodeUnits(a.id, b.id));
  return (others.find((p) => projectOwner(p.tags ?? [])?.platform === platform) ?? others[0])?.id;
}

/** The first page of every collector's cross-project list, per service in the catalog. */
function firstPages(s: OpenStackSession): ResultAsync<readonly ServiceView[], MeteringApiError> {
  const present = RESOURCE_COLLECTORS.filter((c) => s.endpoint(c.list.service).isOk());
  return ResultAsync.combine(present.map((c) => firstPage(s, c).map((page) => ({ c, page })))).map((pages) => {
    const views = new Map<string, { requests: string[]; denied: boolean; samples: Sample[] }>();
    for (const { c, page } of pages) {
      const v = views.get(c.list.service) ?? { requests: [], denied: false, samples: [] };
      v.requests.push(describeList({ ...c.list, pageSize: 0 }).replace(/^\S+ /, ''));
      if (page === 'denied') v.denied = true;
      else v.samples.push(...page.flatMap((item) => c.sample(item) ?? []));
      views.set(c.list.service, v);
    }
    return [...views.entries()].map(([service, v]) => ({ service, ...v }));
  });
}

function firstPage(s: OpenStackSession, c: ResourceCollector): ResultAsync<readonly Record<string, unknown>[] | 'denied', MeteringApiError> {
  const what = `list ${describeList({ ...c.list, pageSize: PAGE })}`;
  return s
    .request<Record<string, unknown>>({ method: 'GET', service: c.list.service, path: c.list.path, query: { ...c.list.query, limit: PAGE }, ...(c.list.headers ? { headers: c.list.headers } : {}), expect: [200, 403] })
    .mapErr((e) => meteringApiError(c.list.service, what, e))
    .andThen((a) => {
      if (a.status === 403) return okAsync('denied' as const);
      const items = a.body?.[c.list.key];
      if (!Array.isArray(items)) return errAsync(meteringApiError(c.list.service, what, { kind: 'bad-response', message: `the answer has no "${c.list.key}" list` }));
      return okAsync(items as Record<string, unknown>[]);
    });
}
