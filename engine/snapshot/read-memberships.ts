import { ResultAsync, err, ok } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { mapPool } from '../util/map-pool.ts';
import { listGroupUsers, listRoleAssignments, listUserGroups, type Group, type KeystoneError, type RoleAssignment, type User } from '../keystone/index.ts';

/**
 * How the members of the platform's groups are read. Keystone has no list of all
 * memberships; two ways cost a number of calls that does not grow with the tenants:
 * - `per-user`: `GET /v3/users/{id}/groups` for every Keystone user: one call per user.
 * - `effective`: one `GET /v3/role_assignments?effective`, whose entries name the group a
 *   user's role comes through (`links.membership`); Keystone expands it with one query per
 *   assigned group. It cannot see the members of a group without a direct role assignment
 *   (lost by hand, an apply stopped between the group and its grant, or only inherited
 *   grants): those few of the platform's groups are read one by one (`GET /v3/groups/{id}/users`).
 * Both see every member, bound or added by hand: keyform owns its groups' membership and
 * must show hand-added members as removals.
 */
export type MembershipRead = 'per-user' | 'effective';

/**
 * Measured on Zed with one worker (snapshot benchmark): a user's groups cost ~15 ms a call
 * (10–30 ms: more for users in hundreds of groups); the effective list ~7 ms per assigned
 * group (21.8 s for 3,000 groups; 6.0 s for 900). 1,000 tenants and 20 users: per-user
 * 0.64 s vs effective 21.8 s; 300 tenants and 900 users in 3 groups each: per-user 12.9 s vs
 * effective 6.0 s. Whole snapshots forced each way at that shape (8 reads in flight, two
 * benchmark runs): 8.4–11.9 s vs 3.9–5.2 s with one worker, 7.8–9.0 s vs 3.8–4.6 s with two
 * on two cores: the per-user reads spread over workers, but not enough to change the choice.
 */
const MS_PER_USER_READ = 15;
const MS_PER_EXPANDED_GROUP = 7;

/**
 * The cheaper way for `users` Keystone users and `groups` groups (every group of the cloud:
 * an upper bound of the assigned ones, so a tie goes to per-user reads, which several
 * Keystone workers serve side by side).
 * @example chooseMembershipRead(20, 3000) // 'per-user'
 */
export function chooseMembershipRead(users: number, groups: number): MembershipRead {
  return users * MS_PER_USER_READ <= groups * MS_PER_EXPANDED_GROUP ? 'per-user' : 'effective';
}

/** The members (sorted user ids) of each of the platform's `groups`, read the `how` way. */
export function readMembers(
  s: OpenStackSession,
  how: MembershipRead,
  x: { readonly users: readonly User[]; readonly groups: readonly Group[]; readonly assignments: ResultAsync<readonly RoleAssignment[], KeystoneError> },
  concurrency: number,
): ResultAsync<ReadonlyMap<string, readonly string[]>, KeystoneError> {
  if (how === 'per-user') return readUserGroups(s, x.users, concurrency).map((byUser) => membersOf(byUser, x.groups));
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
    const alone = x.groups.filter((g) => !expanded.has(g.id));
    return mapPool(alone, concurrency, (g) => listGroupUsers(s, g.id).map((us) => [g.id, us.map((u) => u.id)] as const)).map((lists) => {
      for (const [groupId, userIds] of lists) for (const u of userIds) members.get(groupId)!.add(u);
      return new Map([...members].map(([g, us]) => [g, [...us].sort()] as const));
    });
  });
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
