import { objectIdOf, type MembershipResource, type ProjectResource, type Resource } from '../constructs/model/index.ts';
import { deletionPolicyOf } from '../constructs/model/index.ts';
import type { Change } from './change.ts';
import { compareAttributes, type AttributeDiff } from './attributes.ts';
import { createChange, replaceChange, retiredName, swapChange, updateChange, type ReplaceOrder } from './change-builders.ts';
import { tenantOf, type DiffContext, type DiffSink } from './diff-context.ts';
import { ownership, resourceNameKey } from './ownership.ts';
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
    : diff.impact === 'replace' && after.kind === 'assignment' ? swapChange(before, after, diff, `${replaceReason(before, after, diff, ctx)}; the new role is granted before the old one is revoked`)
    : diff.impact === 'replace' ? replaceChange(before, after, diff, replaceReason(before, after, diff, ctx), replaceOrder(before, after, ctx))
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
  const why = `its ${renewed.map((p) => sink.changes.get(p)!.kind).join(' and ')} is new in Keystone, so it must be recreated there; the new one is made before the old one is removed`;
  return replaceChange(before, after, { changed: diff.changed, replacePaths }, why, { retire: false, createFirst: true });
}

/**
 * How a replace runs. A project or group is replaced create-before-destroy: the new object,
 * then the grants and memberships on it, and only then are the old ones removed, so a user
 * never lacks access in between (see `order.ts`). When the new object needs the old one's
 * name in the same domain (Keystone keeps names unique per domain), the old one is renamed
 * first. A quota moving between backends has no children and no name: its old record goes first.
 */
function replaceOrder(before: Resource, after: Resource, ctx: DiffContext): ReplaceOrder {
  if (after.kind !== 'project' && after.kind !== 'group') return { retire: false, createFirst: false };
  return { retire: retains(after), createFirst: true, ...(keepsName(before, after, ctx) ? { retiredName: retiredName(nameOf(before), objectIdOf(before) ?? '') } : {}) };
}

/** True when `after` would hold the name `before` holds in the same domain. */
function keepsName(before: Resource, after: Resource, ctx: DiffContext): boolean {
  return ctx.liveNameKey(before) === resourceNameKey(after);
}

function nameOf(r: Resource): string {
  return r.kind === 'project' || r.kind === 'group' || r.kind === 'domain' ? r.attrs.name : '';
}

/** A project replaced under deletion policy `retain` keeps its old project (retired); every other replace deletes. */
function retains(after: Resource): boolean {
  return after.kind === 'project' && deletionPolicyOf(after.attrs.tags) === 'retain';
}

function replaceReason(before: Resource, after: Resource, diff: AttributeDiff, ctx: DiffContext): string {
  const why = `${diff.replacePaths.join(', ')} cannot be changed in place in Keystone`;
  if (after.kind !== 'project' && after.kind !== 'group') return why;
  const rename = keepsName(before, after, ctx)
    ? `; Keystone names are unique per domain, so the old ${after.kind} is first renamed ${JSON.stringify(retiredName(nameOf(before), objectIdOf(before) ?? ''))}` : '';
  const order = `; the new ${after.kind} and its grants and memberships are created before the old ones are removed`;
  const old = retains(after) ? '; deletion policy retain: the old project is then disabled, tagged keyform.retired and released, not deleted'
    : after.kind === 'project' ? '; deletion policy delete: the old project is then deleted' : '';
  return `${why}${rename}${order}${old}`;
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
