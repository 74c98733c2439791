import { projectMarkerTags, withDescriptionMarker } from '../model/markers.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { choiceHint } from '../problems/problem-at.ts';
import { roleAliasProblems } from '../naming/identifiers.ts';
import { renderNamePattern, type NamePattern, type PatternValues } from '../naming/name-pattern.ts';
import type { Platform, PatternField } from '../l2/platform.ts';
import type { UserBinding } from '../l2/user-binding.ts';
import type { RoleMapping } from '../l2/declaration-rules.ts';
import { idSegment } from '../l2/declaration.ts';
import { KeystoneProject } from '../l1/keystone-project.ts';
import { KeystoneGroup } from '../l1/keystone-group.ts';
import { KeystoneRoleAssignment } from '../l1/keystone-role-assignment.ts';
import { KeystoneGroupMembership } from '../l1/keystone-group-membership.ts';
import { KeystoneQuota } from '../l1/keystone-quota.ts';
import type { Origin } from '../l1/keystone-resource.ts';
import type { ResolvedTenant } from './resolve-references.ts';
import { effectiveRoleMapping, tenantQuotas, tenantTags } from './tenant-inputs.ts';

/**
 * Expands a tenant into its L1 constructs (children of the tenant): the project, per
 * mapped role a group and its role assignment, per bound user and role a membership, per
 * quota key a quota. Returns the problems found on the way; with any, the tenant adds
 * nothing (its rendered names would be meaningless).
 */
export function expandTenant(r: ResolvedTenant, users: readonly UserBinding[], domain: string): ConfigProblem[] {
  const { tenant: t, platform, landingZone } = r;
  const project = platform.patterns.project_name_pattern;
  const group = platform.patterns.group_name_pattern;
  if (project.isErr() || group.isErr()) return [];
  const values = patternValues(r, [project.value, group.value]);
  if ('problem' in values) return [values.problem];
  const mapping = effectiveRoleMapping(platform, landingZone);
  const tags = tenantTags(t, platform, landingZone);
  const quotas = tenantQuotas(t, platform, landingZone);
  const problems = [...roleProblems(users, mapping, platform), ...tags.problems, ...quotas.problems];
  if (problems.length > 0) return problems;

  const ws = t.project.workspace;
  const ids = { platform: platform.identifier, workspace: ws.identifier, project: t.project.identifier };
  new KeystoneProject(t, 'project', {
    ...ids,
    name: renderNamePattern(project.value, values),
    domain,
    description: `${ws.name} / ${t.project.identifier}`,
    tags: [...projectMarkerTags(ids.platform, ids.workspace, ids.project, t.deletionPolicy), ...tags.tags],
    adopt: t.adopt,
    origin: origin(r, 'project_name_pattern', '#{projectIdentifier:%.20s}'),
  });
  const groupOrigin = origin(r, 'group_name_pattern', '#{projectIdentifier:%.20s}');
  for (const alias of Object.keys(mapping).sort()) {
    new KeystoneGroup(t, `group.${alias}`, {
      ...ids,
      role: alias,
      name: renderNamePattern(group.value, { ...values, platformGroupAlias: alias }),
      domain,
      description: withDescriptionMarker(`${t.tenantName} ${alias}`, { platform: ids.platform, tenant: t.tenantName, role: alias }),
      origin: groupOrigin,
    });
    new KeystoneRoleAssignment(t, `assignment.${alias}`, { ...ids, role: alias, keystoneRole: mapping[alias]!, origin: groupOrigin });
  }
  for (const u of users) {
    for (const role of new Set(u.roles)) {
      new KeystoneGroupMembership(t, `member.${role}.${idSegment(u.euid)}`, { ...ids, role, euid: u.euid, origin: groupOrigin });
    }
  }
  for (const q of quotas.quotas) {
    new KeystoneQuota(t, `quota.${q.key}`, { ...ids, quotaKey: q.key, value: q.value, backend: platform.quotaBackend, origin: groupOrigin });
  }
  return [];
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
  const aliases = Object.keys(mapping);
  const out: ConfigProblem[] = [];
  for (const u of users) {
    u.roles.forEach((role, i) => {
      if (Object.hasOwn(mapping, role) || roleAliasProblems(role).length > 0) return;
      out.push(u.problem(['roles', String(i)], `user ${JSON.stringify(u.euid)}: role ${JSON.stringify(role)} is not in the role mapping of platform ${JSON.stringify(platform.identifier)}`, choiceHint(role, aliases, 'mapped roles')));
    });
  }
  return out;
}

function origin(r: ResolvedTenant, field: PatternField, example: string): Origin {
  const text = r.platform.patternTexts[field];
  return { source: r.tenant.source, path: r.tenant.configPath, hint: `shorten ${field} ${JSON.stringify(text)} of platform ${JSON.stringify(r.platform.identifier)}, e.g. with ${example}` };
}
