import { deletionPolicyOf, userTags, type Resource } from '../../constructs/index.ts';
import type { Change, PlatformPlan } from '../../plans/index.ts';

/**
 * What a plan does to a tenant, in words its project owner reads: who gains or loses which
 * role, which tag or quota changes, what happens to the project. One line per change that
 * a project owner can see, in the plan's order; the Keystone plumbing that follows from
 * them (role assignments of a new group, keyform's own marker tags) says nothing new and
 * is left out. Empty when the plan changes nothing.
 * @example ownerChanges(plan) // ['bob@acme.example loses role user.', 'Quota compute.cores: 20 → 40.']
 */
export function ownerChanges(p: Pick<PlatformPlan, 'changes'>): readonly string[] {
  return p.changes.flatMap(describe);
}

function describe(c: Change): readonly string[] {
  const r = (c.after ?? c.before)!;
  switch (r.kind) {
    case 'membership':
      return c.action === 'create' ? [`${r.key.euid} gets role ${r.key.role}.`] : c.action === 'delete' ? [`${r.key.euid} loses role ${r.key.role}.`] : [];
    case 'group':
      if (c.action === 'create') return [`Role ${r.key.role} is set up (group ${r.attrs.name}).`];
      if (c.action === 'delete') return [`Role ${r.key.role} is removed (group ${r.attrs.name}): nobody gets access through it any more.`];
      return c.action === 'no-op' ? [] : [`Group ${r.attrs.name} of role ${r.key.role} is ${c.action === 'replace' ? 'replaced' : 'updated'}.`];
    case 'assignment':
      return c.action === 'replace' ? [`Role ${r.key.role} now grants the cloud role ${(c.after as typeof r).attrs.keystoneRole}.`] : [];
    case 'quota':
      return quotaLine(c, r.key.quotaKey);
    case 'project':
      return projectLines(c);
    case 'domain':
      if (c.action === 'create') return [`Domain ${r.attrs.name} is created for workspace ${r.key.workspace}.`];
      if (c.action === 'delete') return [`Domain ${r.attrs.name} of workspace ${r.key.workspace} is deleted: nothing else is left in it.`];
      return c.action === 'update' && c.changed.includes('enabled') ? [`Domain ${r.attrs.name} is ${(c.after as typeof r).attrs.enabled ? 'enabled again' : 'disabled'}.`] : [];
  }
}

function quotaLine(c: Change, key: string): readonly string[] {
  const value = (x: Resource | null): string => {
    const v = x?.kind === 'quota' ? x.attrs.value : undefined;
    return v === -1 ? 'unlimited' : String(v);
  };
  if (c.action === 'create') return [`Quota ${key} is set to ${value(c.after)}.`];
  if (c.action === 'delete') return [`Quota ${key} goes back to the cloud's default (was ${value(c.before)}).`];
  if (c.action === 'no-op') return [];
  return [`Quota ${key}: ${value(c.before)} → ${value(c.after)}.`];
}

function projectLines(c: Change): readonly string[] {
  const before = c.before?.kind === 'project' ? c.before : undefined;
  const after = c.after?.kind === 'project' ? c.after : undefined;
  const name = (after ?? before)!.attrs.name;
  if (c.action === 'create') return [`Project ${name} is created.`];
  if (c.action === 'delete') return [`Project ${name} is deleted, as its deletion policy (delete) says.`];
  if (before === undefined || after === undefined || c.action === 'no-op') return [];
  if (c.action === 'replace') return [`Project ${before.attrs.name} is replaced by a new project ${name}.`];
  const out: string[] = [];
  if (c.changed.includes('name')) out.push(`Project ${before.attrs.name} is renamed to ${name}.`);
  if (c.changed.includes('description')) out.push(`The description of project ${name} changes.`);
  if (c.changed.includes('tags')) out.push(...tagLines(before.attrs.tags, after.attrs.tags), ...policyLine(before.attrs.tags, after.attrs.tags));
  if (c.changed.includes('enabled')) {
    out.push(after.attrs.enabled ? `Project ${name} is enabled again.` : `Project ${name} is disabled and marked retired, not deleted (deletion policy retain): nobody can use it any more.`);
  }
  return out;
}

/** The deletion policy, when the project's record of it changes. */
function policyLine(before: readonly string[], after: readonly string[]): readonly string[] {
  const [was, is] = [deletionPolicyOf(before), deletionPolicyOf(after)];
  return was === is ? [] : [`Deletion policy: ${was} → ${is}.`];
}

/** The owner's tags that change, by key (`kf_cost_center: cc-1 → cc-2`); keyform's own markers are not theirs. */
function tagLines(before: readonly string[], after: readonly string[]): readonly string[] {
  const was = userTags(before);
  const now = userTags(after);
  const keys = [...new Set([...was.keys(), ...now.keys()])].sort();
  return keys.flatMap((k) => {
    const a = was.get(k);
    const b = now.get(k);
    if (a === b) return [];
    if (a === undefined) return [`Tag ${k} is set to ${JSON.stringify(b)}.`];
    if (b === undefined) return [`Tag ${k} is removed (was ${JSON.stringify(a)}).`];
    return [`Tag ${k}: ${JSON.stringify(a)} → ${JSON.stringify(b)}.`];
  });
}
