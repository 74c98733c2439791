import { projectMarkerTags, withDescriptionMarker } from '../model/markers.ts';
import { flatString } from '../model/flat-string.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import type { ConfigPath } from '../problems/source.ts';
import { choiceHint } from '../problems/problem-at.ts';
import { roleAliasProblems } from '../naming/identifiers.ts';
import { renderNamePattern, type NamePattern, type PatternValues } from '../naming/name-pattern.ts';
import type { Platform, PatternField } from '../l2/platform.ts';
import type { UserBinding } from '../l2/user-binding.ts';
import type { RoleMapping } from '../l2/declaration-rules.ts';
import { keystoneProject } from '../l1/keystone-project.ts';
import { keystoneGroup } from '../l1/keystone-group.ts';
import { keystoneRoleAssignment } from '../l1/keystone-role-assignment.ts';
import { keystoneGroupMembership } from '../l1/keystone-group-membership.ts';
import { keystoneQuota } from '../l1/keystone-quota.ts';
import type { KeystoneRecord, Origin } from '../l1/keystone-record.ts';
import type { ResolvedTenant } from './resolve-references.ts';
import { effectiveRoleMapping, tenantQuotas, tenantTags } from './tenant-inputs.ts';

/** What a tenant expands into: its records, or the problems that stopped it. */
export type ExpandedTenant = { readonly records: readonly KeystoneRecord[] } | { readonly problems: readonly ConfigProblem[] };

/**
 * Expands a tenant into its L1 records: the project, per mapped role a group and its role
 * assignment, per bound user and role a membership, per quota key a quota, each kind in
 * address order. This is the one place that decides what a tenant becomes; `synth()` keeps
 * the records as plain data or adds them to the tree as L1 constructs. With any problem found
 * on the way the tenant yields no record (its rendered names would be meaningless).
 */
export function expandTenant(r: ResolvedTenant, users: readonly UserBinding[], domain: string): ExpandedTenant {
  const { tenant: t, platform, landingZone } = r;
  const project = platform.patterns.project_name_pattern;
  const group = platform.patterns.group_name_pattern;
  if (project.isErr() || group.isErr()) return { problems: [] };
  const values = patternValues(r, [project.value, group.value]);
  if ('problem' in values) return { problems: [values.problem] };
  const mapping = effectiveRoleMapping(platform, landingZone);
  const tags = tenantTags(t, platform, landingZone);
  const quotas = tenantQuotas(t, platform, landingZone);
  const problems = roleProblems(users, mapping, platform);
  if (problems.length + tags.problems.length + quotas.problems.length > 0) return { problems: problems.concat(tags.problems, quotas.problems) };

  // Props are written out, not spread from a shared object: 125,000 records at 10,000 tenants.
  const ws = t.project.workspace;
  const [p, w, pr] = [platform.identifier, ws.identifier, t.project.identifier];
  const tenantName = t.tenantName;
  const path = t.configPath;
  const records: KeystoneRecord[] = [
    keystoneProject({
      platform: p,
      workspace: w,
      project: pr,
      name: renderNamePattern(project.value, values),
      domain,
      description: flatString([ws.name, ' / ', pr]),
      tags: projectMarkerTags(p, w, pr, t.deletionPolicy).concat(tags.tags),
      adopt: t.adopt,
      origin: origin(r, path, 'project_name_pattern', '#{projectIdentifier:%.20s}'),
    }),
  ];
  const groupOrigin = origin(r, path, 'group_name_pattern', '#{projectIdentifier:%.20s}');
  const aliases = sortedAliases(mapping);
  for (const alias of aliases) {
    records.push(
      keystoneGroup({
        platform: p,
        workspace: w,
        project: pr,
        role: alias,
        name: renderNamePattern(group.value, { ...values, platformGroupAlias: alias }),
        domain,
        description: withDescriptionMarker(flatString([tenantName, ' ', alias]), { platform: p, tenant: tenantName, role: alias }),
        origin: groupOrigin,
      }),
      keystoneRoleAssignment({ platform: p, workspace: w, project: pr, role: alias, keystoneRole: mapping[alias]!, origin: groupOrigin }),
    );
  }
  // By role, then by user (`users` is sorted by euid): the order of their addresses.
  for (const role of aliases) {
    for (const u of users) if (u.roles.includes(role)) records.push(keystoneGroupMembership({ platform: p, workspace: w, project: pr, role, euid: u.euid, origin: groupOrigin }));
  }
  for (const q of quotas.quotas) {
    records.push(keystoneQuota({ platform: p, workspace: w, project: pr, quotaKey: q.key, value: q.value, backend: platform.quotaBackend, origin: groupOrigin }));
  }
  return { records };
}

// The mappings of a config are few (a platform's, or a landing zone's over it): their aliases are sorted once each.
const ALIASES = new WeakMap<RoleMapping, readonly string[]>();

function sortedAliases(mapping: RoleMapping): readonly string[] {
  let aliases = ALIASES.get(mapping);
  if (!aliases) ALIASES.set(mapping, (aliases = Object.keys(mapping).sort()));
  return aliases;
}

/** The placeholder values of a tenant; a pattern that needs `#{tenantPlatformNumber}` needs the tenant to have one. */
function patternValues(r: ResolvedTenant, patterns: readonly NamePattern[]): PatternValues | { problem: ConfigProblem } {
  const t = r.tenant;
  const values = { workspaceIdentifier: t.project.workspace.identifier, projectIdentifier: t.project.identifier };
  const needsNumber = patterns.some((p) => p.placeholders.includes('tenantPlatformNumber'));
  if (!needsNumber) return values;
  if (t.platformNumber === undefined || !Number.isInteger(t.platformNumber) || t.platformNumber < 0) {
    return {
      problem: t.problem([], `tenant ${t.tenantName} on ${JSON.stringify(r.platform.identifier)} has no platform_number, but the platform's name patterns use #{tenantPlatformNumber}`, 'set platform_number = N (a whole number) in the tenant block', 'key'),
    };
  }
  return { ...values, tenantPlatformNumber: t.platformNumber };
}

/** Every bound role must be an alias of the tenant's role mapping. */
function roleProblems(users: readonly UserBinding[], mapping: RoleMapping, platform: Platform): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const u of users) {
    for (let i = 0; i < u.roles.length; i++) {
      const role = u.roles[i]!;
      if (Object.hasOwn(mapping, role) || roleAliasProblems(role).length > 0) continue;
      out.push(u.problem(['roles', String(i)], `user ${JSON.stringify(u.euid)}: role ${JSON.stringify(role)} is not in the role mapping of platform ${JSON.stringify(platform.identifier)}`, choiceHint(role, Object.keys(mapping), 'mapped roles')));
    }
  }
  return out;
}

function origin(r: ResolvedTenant, path: ConfigPath, field: PatternField, example: string): Origin {
  return { source: r.tenant.source, path, hint: patternHint(r.platform, field, example) };
}

// One hint per platform and pattern, not one copy per tenant: 10,000 tenants share it.
const HINTS = new WeakMap<Platform, Map<PatternField, string>>();

function patternHint(platform: Platform, field: PatternField, example: string): string {
  let hints = HINTS.get(platform);
  if (!hints) HINTS.set(platform, (hints = new Map()));
  let hint = hints.get(field);
  if (hint === undefined) hints.set(field, (hint = `shorten ${field} ${JSON.stringify(platform.patternTexts[field])} of platform ${JSON.stringify(platform.identifier)}, e.g. with ${example}`));
  return hint;
}
