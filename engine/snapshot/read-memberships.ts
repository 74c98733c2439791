import { ResultAsync, err, ok } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { mapPool } from '../util/map-pool.ts';
import { listGroupUsers, listRoleAssignments, listUserGroups, type Group, type KeystoneError, type RoleAssignment, type User } from '../keystone/index.ts';

/**
 * How the members of the platform's groups are read. Keystone has no list of all
 * memberships; three ways, each complete on its own:
 * - `per-user`: `GET /v3/users/{id}/groups` for every Keystone user: one call per user,
 *   none per tenant.
 * - `per-group`: `GET /v3/groups/{id}/users` for each of the platform's groups only: one
 *   call per group (3 per tenant), whatever the users and the cloud's other groups.
 * - `effective`: one `GET /v3/role_assignments?effective`, whose entries name the group a
 *   user's role comes through (`links.membership`); Keystone expands it with one query per
 *   assigned group of the whole cloud, in one request that one worker serves alone. It cannot
 *   see the members of a group without a direct role assignment (lost by hand, an apply stopped
 *   between the group and its grant, or only inherited grants): those few of the platform's
 *   groups are read one by one (`GET /v3/groups/{id}/users`).
 * The per-call ways spread over Keystone's workers. All see every member, bound or added by
 * hand: keyform owns its groups' membership and must show hand-added members as removals.
 */
export type MembershipRead = 'per-user' | 'per-group' | 'effective';

/**
 * Keystone's CPU per unit, measured on Zed (snapshot benchmark, sqlite): a user's groups
 * ~15 ms a call (10–30 ms: more for users in hundreds of groups); a group's users ~0.75 of
 * that (10,000 tenants and 20,000 users, 200 calls each way in one run: 25 vs 19 ms of
 * Keystone's CPU on a loaded machine); the effective list ~7 ms per assigned group (21.8 s for
 * 3,000 groups; 6.0 s for 900). Most of a call is Keystone's fixed cost per request (token,
 * policy: ~13 ms for `GET /roles`).
 */
const MS_PER_USER_READ = 15;
const MS_PER_GROUP_READ = 11;
const MS_PER_EXPANDED_GROUP = 7;

/** What the choice of `MembershipRead` is made from. */
export interface MembershipCounts {
  /** Keystone users (every domain): `per-user` reads each. */
  readonly users: number;
  /** Every group of the cloud: an upper bound of those `effective` expands. */
  readonly groups: number;
  /** The platform's groups: `per-group` reads each. */
  readonly platformGroups: number;
  /** Reads Keystone serves side by side: the fewer of its workers and the reads in flight. @default 1 */
  readonly parallel?: number;
}

/** Estimated wall ms of each way, in the order ties are broken (per-call ways first: they spread over workers). */
export function membershipCosts(c: MembershipCounts): Readonly<Record<MembershipRead, number>> {
  const parallel = Math.max(1, c.parallel ?? 1);
  return {
    'per-user': (c.users * MS_PER_USER_READ) / parallel,
    'per-group': (c.platformGroups * MS_PER_GROUP_READ) / parallel,
    effective: c.groups * MS_PER_EXPANDED_GROUP,
  };
}

/**
 * The way with the least estimated wall time (see `membershipCosts`).
 * @example chooseMembershipRead({ users: 20, groups: 3000, platformGroups: 3000 }) // 'per-user'
 * @example chooseMembershipRead({ users: 20000, groups: 30000, platformGroups: 900 }) // 'per-group'
 */
export function chooseMembershipRead(c: MembershipCounts): MembershipRead {
  const costs = membershipCosts(c);
  return (Object.keys(costs) as MembershipRead[]).reduce((best, way) => (costs[way] < costs[best] ? way : best));
}

/** The members (sorted user ids) of each of the platform's `groups`, read the `how` way. */
export function readMembers(
  s: OpenStackSession,
  how: MembershipRead,
  x: { readonly users: readonly User[]; readonly groups: readonly Group[]; readonly assignments: ResultAsync<readonly RoleAssignment[], KeystoneError> },
  concurrency: number,
): ResultAsync<ReadonlyMap<string, readonly string[]>, KeystoneError> {
  if (how === 'per-user') return readUserGroups(s, x.users, concurrency).map((byUser) => membersOf(byUser, x.groups));
  if (how === 'per-group') return readGroupUsers(s, x.groups, concurrency).map((lists) => new Map(lists.map(([g, us]) => [g, [...us].sort()] as const)));
  return ResultAsync.combine([listRoleAssignments(s, { effective: true }), x.assignments] as const).andThen(([effective, plain]) => {
    const members = new Map<string, Set<string>>(x.groups.map((g) => [g.id, new Set<string>()]));
    for (const e of effective) {
      const m = membershipOf(e.links.membership);
      if (m) members.get(m.groupId)?.add(m.userId);
    }
    // Keystone expands direct group assignments on projects and domains; a group with none is
    // read by itself. An inherited one expands only onto the projects below its target, which a
    // leaf project or an empty domain does not have: a group holding only those is read by itself too.
    const expanded = new Set(plain.flatMap((a) => (a.group && (a.scope.project || a.scope.domain) && !a.scope['OS-INHERIT:inherited_to'] ? [a.group.id] : [])));
    return readGroupUsers(s, x.groups.filter((g) => !expanded.has(g.id)), concurrency).map((lists) => {
      for (const [groupId, userIds] of lists) for (const u of userIds) members.get(groupId)!.add(u);
      return new Map([...members].map(([g, us]) => [g, [...us].sort()] as const));
    });
  });
}

/** The members (user ids) of each of `groups`, one `GET /v3/groups/{id}/users` each; a group deleted meanwhile has none. */
function readGroupUsers(s: OpenStackSession, groups: readonly Group[], concurrency: number): ResultAsync<readonly (readonly [string, readonly string[]])[], KeystoneError> {
  return mapPool(groups, concurrency, (g) =>
    listGroupUsers(s, g.id)
      .orElse((e) => (e.kind === 'not-found' ? ok<readonly User[], KeystoneError>([]) : err(e)))
      .map((us) => [g.id, us.map((u) => u.id)] as const),
  );
}

/** `…/groups/{group}/users/{user}` (an effective assignment's `links.membership`) as ids. */
export function membershipOf(link: string | undefined): { groupId: string; userId: string } | undefined {
  const m = link === undefined ? null : /\/groups\/([^/]+)\/users\/([^/?#]+)$/.exec(link);
  return m ? { groupId: decodeURIComponent(m[1]!), userId: decodeURIComponent(m[2]!) } : undefined;
}

/** The groups (ids) of every user, read as `GET /v3/users/{id}/groups`. */
export function readUserGroups(s: OpenStackSession, users: readonly User[], concurrency: number): ResultAsync<ReadonlyMap<string, readonly string[]>, KeystoneError> {
  return mapPool(users, concurrency, (u) =>
    listUserGroups(s, u.id)
      // A user deleted between the user list and this read is in no group any more.
      .orElse((e) => (e.kind === 'not-found' ? ok<readonly Group[], KeystoneError>([]) : err(e)))
      .map((gs) => [u.id, gs.map((g) => g.id)] as const),
  ).map((pairs) => new Map(pairs));
}

/** The members (sorted user ids) of each of `groups`, from each user's groups. */
export function membersOf(groupsOfUser: ReadonlyMap<string, readonly string[]>, groups: readonly Group[]): ReadonlyMap<string, readonly string[]> {
  const members = new Map<string, string[]>(groups.map((g) => [g.id, []]));
  for (const [userId, groupIds] of groupsOfUser) {
    for (const g of groupIds) members.get(g)?.push(userId);
  }
  for (const list of members.values()) list.sort();
  return members;
}
