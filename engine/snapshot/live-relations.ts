import {
  address,
  keystoneId,
  type AssignmentResource,
  type GroupResource,
  type MembershipResource,
  type ProjectResource,
} from '../../constructs/model/index.ts';
import type { Group, Project, User } from '../keystone/index.ts';
import type { KeystoneLists, KeystoneView } from './read-keystone.ts';

type Live<R, K> = ReadonlyMap<string, { readonly resource: R; readonly object: K }>;

/**
 * How a member shows in a membership address: the user's name (the euid) for users of the
 * user domain; `name@domain (id)` for anyone else, so that a member from another domain
 * added by hand can never pass for a bound user of the same name.
 */
export function memberLabel(u: User | undefined, userId: string, userDomainId: string, domainName: (id: string) => string): string {
  if (!u) return `(${userId})`;
  return u.domain_id === userDomainId ? u.name : `${u.name}@${domainName(u.domain_id)} (${u.id})`;
}

/** One membership per member of each of the platform's groups, bound users and hand-added members alike. */
export function liveMemberships(v: KeystoneView, groups: Live<GroupResource, Group>, domainName: (id: string) => string): MembershipResource[] {
  const users = new Map(v.users.map((u) => [u.id, u]));
  // Few users, many memberships (9,000 at 1,000 tenants): each label is made once.
  const labels = new Map<string, string>();
  const labelOf = (userId: string): string => {
    let label = labels.get(userId);
    if (label === undefined) labels.set(userId, (label = memberLabel(users.get(userId), userId, v.userDomainId, domainName)));
    return label;
  };
  const out = new Map<string, MembershipResource>();
  for (const { resource: g, object } of groups.values()) {
    const { workspace, project, role } = g.key;
    for (const userId of v.members.get(object.id) ?? []) {
      const euid = labelOf(userId);
      const addr = address('membership', [g.platform, workspace, project, role, euid]);
      if (!out.has(addr)) out.set(addr, { kind: 'membership', address: addr, platform: g.platform, key: { workspace, project, role, euid }, attrs: {}, ids: { groupId: keystoneId('group', object.id), userId: keystoneId('user', userId) }, managed: true });
    }
  }
  return [...out.values()];
}

/**
 * The role each of the platform's groups holds on its own tenant's project. keyform gives a
 * group exactly one role; should it hold several (added by hand, or an apply stopped between
 * granting a new role and revoking the old one), one the config does not want (`desiredRoles`,
 * by address) is reported, the first by role name among those: the next plan then replaces it
 * with the wanted one (granting again what is held is a no-op) and converges.
 */
export function liveAssignments(v: KeystoneLists, groups: Live<GroupResource, Group>, projects: Live<ProjectResource, Project>, desiredRoles: Readonly<Record<string, string>> = {}): AssignmentResource[] {
  const roleName = new Map(v.roles.map((r) => [r.id, r.name]));
  const groupById = new Map([...groups.values()].map((g) => [g.object.id, g]));
  const projectById = new Map([...projects.values()].map((p) => [p.object.id, p.resource]));
  const best = new Map<string, AssignmentResource>();
  for (const a of v.assignments) {
    const g = a.group ? groupById.get(a.group.id) : undefined;
    const p = a.scope.project ? projectById.get(a.scope.project.id) : undefined;
    if (!g || !p || a.scope['OS-INHERIT:inherited_to'] || p.key.workspace !== g.resource.key.workspace || p.key.project !== g.resource.key.project) continue;
    const keystoneRole = roleName.get(a.role.id) ?? a.role.id;
    const r = g.resource;
    const candidate: AssignmentResource = {
      kind: 'assignment', address: address('assignment', [r.platform, r.key.workspace, r.key.project, r.key.role]), platform: r.platform,
      key: r.key, attrs: { keystoneRole }, ids: { groupId: keystoneId('group', g.object.id), projectId: p.ids!.id, roleId: keystoneId('role', a.role.id) }, managed: true,
    };
    const prev = best.get(candidate.address);
    const rank = (x: AssignmentResource): string => `${x.attrs.keystoneRole === desiredRoles[x.address] ? 1 : 0}${x.attrs.keystoneRole}`;
    if (!prev || rank(candidate) < rank(prev)) best.set(candidate.address, candidate);
  }
  return [...best.values()];
}
