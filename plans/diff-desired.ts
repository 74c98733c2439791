import type { MembershipResource, ProjectResource, Resource } from '../constructs/model/index.ts';
import { deletionPolicyOf } from '../constructs/model/index.ts';
import type { Change } from './change.ts';
import { compareAttributes, type AttributeDiff } from './attributes.ts';
import { createChange, replaceChange, swapChange, updateChange } from './change-builders.ts';
import { tenantOf, type DiffContext, type DiffSink } from './diff-context.ts';
import { ownership } from './ownership.ts';
import { parentsOf } from './parents.ts';
import { mergeTags } from './tags.ts';

/**
 * Plans one desired resource against its live counterpart `live`. Called parent kinds first, so a
 * parent's change is known when its children are planned: a child whose parent gets a new
 * Keystone object (create or replace) must be replaced too, since it points at the old id.
 */
export function planDesired(r: Resource, live: Resource | undefined, ctx: DiffContext, sink: DiffSink): void {
  if (r.kind === 'membership' && !(r.key.euid in ctx.users)) return planMissingUser(r, live, ctx, sink);
  const own = ownership(r, live, ctx);
  if (own.kind === 'error') {
    sink.errors.push(own.error);
    return;
  }
  if (own.kind === 'held') sink.heldNames.push({ address: r.address, holder: own.holder });
  const before = own.kind === 'adopt' ? own.before : live;
  const after = r.kind === 'project' ? withTags(r, mergeTags(r.attrs.tags, before?.kind === 'project' ? before.attrs.tags : [], ctx.tagPrefix)) : r;
  if (before === undefined) {
    sink.add(createChange(after, `${r.kind} is in the configuration but not in Keystone`));
    return;
  }
  const compared = compareAttributes(after, before, { after: ctx.desired, before: ctx.live });
  const diff = own.kind === 'adopt' ? withoutDomain(compared) : compared;
  const renewed = renewedParents(r, ctx, sink);
  const c = renewed.length > 0 ? cascadeReplace(before, after, diff, renewed, sink)
    : diff.impact === 'replace' && after.kind === 'assignment' ? swapChange(before, after, diff, `${replaceReason(after, diff)}; the new role is granted before the old one is revoked`)
    : diff.impact === 'replace' ? replaceChange(before, after, diff, replaceReason(after, diff), retains(after))
    : diff.impact === 'update' ? updateChange(before, after, diff.changed, updateReason(before, diff))
    : undefined;
  if (c === undefined) sink.unchanged++;
  else sink.add(c);
}

/**
 * An adoption never moves a project: its name was matched in the domain the tenant wants
 * (see `ownership`), so the domain is not compared again (the domain may be new to keyform).
 */
function withoutDomain(d: AttributeDiff): AttributeDiff {
  const changed = d.changed.filter((n) => n !== 'domain');
  return { changed, replacePaths: [], impact: changed.length > 0 ? 'update' : 'no-op' };
}

/** A bound user without a Keystone user: a remark, unless the membership already exists and stays. */
function planMissingUser(r: MembershipResource, live: Resource | undefined, ctx: DiffContext, sink: DiffSink): void {
  if (live !== undefined && renewedParents(r, ctx, sink).length === 0) {
    sink.unchanged++;
    return;
  }
  sink.remark(r);
}

/**
 * The parents of `r` that get a new Keystone object. A new domain is already a changed
 * `domain` attribute (compared by identity), so only groups and projects cascade; most
 * tenants have none, which one set lookup tells without building any address.
 */
function renewedParents(r: Resource, ctx: DiffContext, sink: DiffSink): readonly string[] {
  if (r.kind === 'domain' || r.kind === 'project' || r.kind === 'group' || !sink.renewedTenants.has(tenantOf(r))) return [];
  return parentsOf(r, ctx.desired).filter((p) => isRenewed(sink.changes.get(p)));
}

function isRenewed(c: Change | undefined): boolean {
  return c?.action === 'create' || c?.action === 'replace';
}

function cascadeReplace(before: Resource, after: Resource, diff: AttributeDiff, renewed: readonly string[], sink: DiffSink): Change {
  const paths = renewed.map((p) => `ids.${sink.changes.get(p)!.kind}`);
  const replacePaths = [...new Set([...diff.replacePaths, ...paths])].sort();
  return replaceChange(before, after, { changed: diff.changed, replacePaths }, `its ${renewed.map((p) => sink.changes.get(p)!.kind).join(' and ')} is new in Keystone, so it must be recreated there`, false);
}

/** A project replaced under deletion policy `retain` keeps its old project (retired); every other replace deletes. */
function retains(after: Resource): boolean {
  return after.kind === 'project' && deletionPolicyOf(after.attrs.tags) === 'retain';
}

function replaceReason(after: Resource, diff: AttributeDiff): string {
  const why = `${diff.replacePaths.join(', ')} cannot be changed in place in Keystone`;
  return retains(after) ? `${why}; deletion policy retain: the old project is disabled, tagged keyform.retired and released, not deleted` : why;
}

function updateReason(before: Resource, diff: AttributeDiff): string {
  if (before.kind === 'project' && before.managed === false) {
    return `adopts the existing project ${JSON.stringify(before.attrs.name)} (adopt = true): keyform's markers are added`;
  }
  if (before.kind === 'project' && diff.changed.includes('enabled') && before.attrs.enabled === false) {
    return 'the tenant is in the configuration again: the retired project is re-enabled';
  }
  return `${diff.changed.join(', ')} not as configured`;
}

function withTags(r: ProjectResource, tags: readonly string[]): ProjectResource {
  return { ...r, attrs: { ...r.attrs, tags } };
}
