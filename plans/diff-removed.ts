import type { DomainResource, ProjectResource, QuotaResource, Resource } from '../constructs/model/index.ts';
import { tenantKey, parentAddress, projectOwner, RETIRED_TAG } from '../constructs/model/index.ts';
import type { Change } from './change.ts';
import { deleteChange, updateChange } from './change-builders.ts';
import type { DiffContext, DiffSink } from './diff-context.ts';
import { parentsOf } from './parents.ts';
import { sortedTags } from './tags.ts';

/**
 * Plans the live resources the configuration no longer has (`gone`). Children first, so that a
 * domain can look at what happens to its projects: it follows its last tenant.
 *
 * - membership, assignment, group: deleted (a hand-added member is removed);
 * - quota: deleted (back to the cloud's default), unless its tenant is retained;
 * - project: by the deletion policy recorded on the live project (the config no longer
 *   says): `retain` disables it and tags it `keyform.retired`; `delete` deletes it;
 * - domain: left alone when desired projects or groups live in it (it became the shared
 *   domain); deleted when every project and group in it is deleted and Keystone shows nothing
 *   keyform did not create in it (projects, groups, users, domain roles: Keystone deletes a
 *   domain's users with it); otherwise disabled, and the reason names what stays.
 */
export function planRemovals(gone: readonly Resource[], ctx: DiffContext, sink: DiffSink): void {
  for (const r of gone) {
    if (r.kind === 'membership') sink.add(deleteChange(r, `${JSON.stringify(r.key.euid)} is in this group but not bound to role ${r.key.role} of ${tenantKey(r.key)} in the configuration`));
    else if (r.kind === 'assignment' || r.kind === 'group') sink.add(deleteChange(r, roleGone(r, ctx)));
  }
  for (const r of gone) if (r.kind === 'quota') planQuota(r, ctx, sink);
  for (const r of gone) if (r.kind === 'project') addOrCount(planProject(r), sink);
  const domains = gone.filter((r): r is DomainResource => r.kind === 'domain');
  if (domains.length === 0) return;
  const inside = objectsByDomain(ctx);
  for (const d of domains) addOrCount(planDomain(d, inside.get(d.address) ?? [], ctx, sink), sink);
}

/** The live projects and groups in each domain keyform manages, by the domain's address. */
function objectsByDomain(ctx: DiffContext): ReadonlyMap<string, readonly Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const r of ctx.live.resources) {
    if (r.kind !== 'project' && r.kind !== 'group') continue;
    for (const d of parentsOf(r, ctx.live)) {
      const list = out.get(d);
      if (list === undefined) out.set(d, [r]);
      else list.push(r);
    }
  }
  return out;
}

function roleGone(r: Resource & { key: { workspace: string; project: string; role: string } }, ctx: DiffContext): string {
  const tenant = tenantKey(r.key);
  return ctx.desired.has(parentAddress(r, 'project'))
    ? `role ${r.key.role} is no longer in the configuration of ${tenant}`
    : `tenant ${tenant} was removed from the configuration`;
}

function addOrCount(c: Change | undefined, sink: DiffSink): void {
  if (c === undefined) sink.unchanged++;
  else sink.add(c);
}

function planQuota(q: QuotaResource, ctx: DiffContext, sink: DiffSink): void {
  const p = ctx.live.get(parentAddress(q, 'project'));
  const retained = p?.kind === 'project' && !ctx.desired.has(p.address) && policyOf(p) === 'retain';
  addOrCount(retained ? undefined : deleteChange(q, `quota ${q.key.quotaKey} is not in the configuration: it goes back to the cloud's default`), sink);
}

function policyOf(p: ProjectResource): 'retain' | 'delete' {
  return projectOwner(p.attrs.tags)?.deletionPolicy ?? 'retain';
}

function planProject(p: ProjectResource): Change | undefined {
  const tenant = tenantKey(p.key);
  if (policyOf(p) === 'delete') return deleteChange(p, `tenant ${tenant} was removed from the configuration and its deletion policy is delete`);
  const after: ProjectResource = { ...p, attrs: { ...p.attrs, enabled: false, tags: sortedTags([...p.attrs.tags, RETIRED_TAG]) } };
  const changed = [...(p.attrs.enabled ? ['enabled'] : []), ...(p.attrs.tags.includes(RETIRED_TAG) ? [] : ['tags'])];
  if (changed.length === 0) return undefined;
  return updateChange(p, after, changed, `tenant ${tenant} was removed from the configuration; deletion policy retain: the project is disabled and tagged ${RETIRED_TAG}, not deleted`);
}

function planDomain(d: DomainResource, inside: readonly Resource[], ctx: DiffContext, sink: DiffSink): Change | undefined {
  // The platform now puts tenants in this very domain (as its shared domain): it stays as it is.
  if (ctx.desired.resources.some((r) => (r.kind === 'project' || r.kind === 'group') && r.attrs.domain === d.attrs.name)) return undefined;
  const foreign = foreignIn(d, ctx);
  if (foreign.length === 0 && inside.every((r) => deletes(sink.changes.get(r.address)))) {
    return deleteChange(d, `workspace ${d.key.workspace} has no tenant left on this platform: its domain goes with its last project`);
  }
  if (!d.attrs.enabled) return undefined;
  const after: DomainResource = { ...d, attrs: { ...d.attrs, enabled: false } };
  const why = foreign.length > 0
    ? `its domain holds what keyform did not create (${shortList(foreign)}), which Keystone would delete with it`
    : 'its domain still holds projects or groups that stay';
  return updateChange(d, after, ['enabled'], `workspace ${d.key.workspace} has no tenant left on this platform, but ${why}: disabled, not deleted`);
}

/** What keyform did not create in domain `d` (projects, groups, users, domain roles), sorted. */
function foreignIn(d: DomainResource, ctx: DiffContext): readonly string[] {
  const objects = ctx.unmanaged.filter((u) => u.kind !== 'domain' && u.domain === d.attrs.name).map((u) => `${u.kind} ${JSON.stringify(u.name)}`);
  return [...objects, ...(ctx.foreignInDomains[d.attrs.name] ?? [])].sort();
}

function shortList(items: readonly string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

function deletes(c: Change | undefined): boolean {
  return c?.operations.some((o) => o.op === 'delete') ?? false;
}
