import { ResultAsync, err, ok, type Result } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { listUserGroups, type Group, type KeystoneError, type User } from '../keystone/index.ts';

/**
 * The groups (ids) of every user, read as `GET /v3/users/{id}/groups`: with `membersOf`, the
 * members of the platform's groups.
 *
 * Why this way (measured on Zed, 1,000 tenants = 3,000 groups, 20 users; see the snapshot
 * benchmark): Keystone has no list of all memberships. `role_assignments?effective` is one
 * call but Keystone expands it with one query per assigned group, 40× the largest plain
 * list, and it cannot see members of a group that has lost its role assignment.
 * `GET /v3/groups/{id}/users` per group costs 3 calls per tenant. Reading each user's
 * groups costs one call per user, whatever the number of tenants, and sees every member,
 * including those added by hand who are not bound users: keyform owns its groups'
 * membership and must show those as removals.
 */
export function readUserGroups(s: OpenStackSession, users: readonly User[], concurrency: number): ResultAsync<ReadonlyMap<string, readonly string[]>, KeystoneError> {
  return mapPool(users, concurrency, (u) =>
    listUserGroups(s, u.id)
      // A user deleted between the user list and this read is in no group any more.
      .orElse((e) => (e.kind === 'NotFound' ? ok<readonly Group[], KeystoneError>([]) : err(e)))
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

/**
 * Runs `work` over `items` with at most `width` in flight; stops starting new work at the
 * first error and fails with it.
 */
export function mapPool<T, R, E>(items: readonly T[], width: number, work: (item: T) => ResultAsync<R, E>): ResultAsync<readonly R[], E> {
  const run = async (): Promise<{ ok: true; value: R[] } | { ok: false; error: E }> => {
    const out: R[] = new Array<R>(items.length);
    let next = 0;
    let failure: { ok: false; error: E } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < items.length) {
        const i = next++;
        const r = await work(items[i]!);
        if (r.isErr()) failure ??= { ok: false, error: r.error };
        else out[i] = r.value;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
    return failure ?? { ok: true, value: out };
  };
  return new ResultAsync(run().then((r): Result<readonly R[], E> => (r.ok ? ok(r.value) : err(r.error))));
}
