import {
  address,
  compareAddresses,
  compareCodeUnits,
  keystoneId,
  NO_MEMBERSHIP_ATTRS,
  shareWithTwin,
  sortResources,
  type AssignmentResource,
  type GroupResource,
  type MembershipResource,
  type ProjectResource,
  type Resource,
  type Twins,
} from '../../constructs/model/index.ts';
import type { Group, Project, User } from '../keystone/index.ts';
import type { KeystoneLists, KeystoneView } from './read-keystone.ts';
import { stringPool } from '../util/string-pool.ts';

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

/**
 * One membership per member of each of the platform's groups, bound users and hand-added
 * members alike; by group and member, in the order their addresses almost always sort (see
 * `sortedByAddress`).
 */
export function liveMemberships(v: KeystoneView, groups: Live<GroupResource, Group>, domainName: (id: string) => string, twins: Twins): MembershipResource[] {
  const users = new Map(v.users.map((u) => [u.id, u]));
  // Few users, many memberships (9,000 at 1,000 tenants): each label is made once.
  const labels = new Map<string, string>();
  const labelOf = (userId: string): string => {
    let label = labels.get(userId);
    if (label === undefined) labels.set(userId, (label = memberLabel(users.get(userId), userId, v.userDomainId, domainName)));
    return label;
  };
  // A membership's address path is its group's path, `/`, and the member's label: groups in the
  // order of `path/`, members in the order of their labels give the addresses in order, unless
  // a character JSON escapes in an address (a quote or backslash in a name) changes it.
  const ordered = [...groups.values()].map((g) => ({ g, path: `${g.resource.platform}/${g.resource.key.workspace}/${g.resource.key.project}/${g.resource.key.role}/` })).sort((a, b) => compareCodeUnits(a.path, b.path));
  const out = new Map<string, MembershipResource>();
  // Each member list holds its own copy of a user's id.
  const pooled = stringPool();
  for (const { g: { resource: g, object } } of ordered) {
    const { workspace, project, role } = g.key;
    const members = (v.members.get(object.id) ?? []).map((userId) => ({ userId, euid: labelOf(userId) })).sort((a, b) => compareCodeUnits(a.euid, b.euid));
    for (const { userId, euid } of members) {
      const addr = address('membership', [g.platform, workspace, project, role, euid]);
      if (out.has(addr)) continue;
      // The user list's own copy of the id when there is one (the live state's `users` holds it too).
      const id = users.get(userId)?.id ?? pooled(userId);
      const m = shareWithTwin<MembershipResource>({ kind: 'membership', address: addr, platform: g.platform, key: { workspace, project, role, euid }, attrs: NO_MEMBERSHIP_ATTRS, ids: { groupId: keystoneId('group', object.id), userId: keystoneId('user', id) }, managed: true }, twins);
      out.set(m.address, m);
    }
  }
  return [...out.values()];
}

/**
 * `resources` if they are sorted by address already (checked in one pass), else sorted: the
 * memberships come almost always in order, and sorting 90,000 long addresses (10,000 tenants)
 * was most of turning the memberships into resources.
 */
export function sortedByAddress<R extends Resource>(resources: readonly R[]): readonly R[] {
  for (let i = 1; i < resources.length; i++) {
    if (compareAddresses(resources[i - 1]!.address, resources[i]!.address) >= 0) return sortResources(resources);
  }
  return resources;
}

/**
 * The role each of the platform's groups holds on its own tenant's project. keyform gives a
 * group exactly one role; should it hold several (added by hand, or an apply stopped between
 * granting a new role and revoking the old one), one the config does not want (`desiredRoles`,
 * by address, or the desired twin's role) is reported, the first by role name among those: the next plan then replaces it
 * with the wanted one (granting again what is held is a no-op) and converges.
 */
export function liveAssignments(v: KeystoneLists, groups: Live<GroupResource, Group>, projects: Live<ProjectResource, Project>, desiredRoles: Readonly<Record<string, string>>, twins: Twins): AssignmentResource[] {
  const roleName = new Map(v.roles.map((r) => [r.id, r.name]));
  const groupById = new Map([...groups.values()].map((g) => [g.object.id, g]));
  const projectById = new Map([...projects.values()].map((p) => [p.object.id, p.resource]));
  const best = new Map<string, AssignmentResource>();
  const wantedRole = (address: string): string | undefined => {
    const twin = twins.of(address);
    return desiredRoles[address] ?? (twin?.kind === 'assignment' ? twin.attrs.keystoneRole : undefined);
  };
  // Few roles, many assignments, each with its own copy of the role's id.
  const pooled = stringPool();
  for (const a of v.assignments) {
    const g = a.group ? groupById.get(a.group.id) : undefined;
    const p = a.scope.project ? projectById.get(a.scope.project.id) : undefined;
    if (!g || !p || a.scope['OS-INHERIT:inherited_to'] || p.key.workspace !== g.resource.key.workspace || p.key.project !== g.resource.key.project) continue;
    const keystoneRole = roleName.get(a.role.id) ?? a.role.id;
    const r = g.resource;
    const candidate = shareWithTwin<AssignmentResource>({
      kind: 'assignment', address: address('assignment', [r.platform, r.key.workspace, r.key.project, r.key.role]), platform: r.platform,
      key: r.key, attrs: { keystoneRole }, ids: { groupId: keystoneId('group', g.object.id), projectId: p.ids!.id, roleId: keystoneId('role', pooled(a.role.id)) }, managed: true,
    }, twins);
    const prev = best.get(candidate.address);
    const rank = (x: AssignmentResource): string => `${x.attrs.keystoneRole === wantedRole(x.address) ? 1 : 0}${x.attrs.keystoneRole}`;
    if (!prev || rank(candidate) < rank(prev)) best.set(candidate.address, candidate);
  }
  return [...best.values()];
}
