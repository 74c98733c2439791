import { Result, ResultAsync, err, ok } from 'neverthrow';
import { descriptionMarker } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import * as ks from '../keystone/index.ts';
import type { Domain, Group, Project, Role, RoleAssignment, User } from '../keystone/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';
import { domainNotFound, type SnapshotError } from './snapshot-error.ts';
import { chooseMembershipRead, readMembers, type MembershipRead } from './read-memberships.ts';
import { mapPool } from '../util/map-pool.ts';

/** Everything the snapshot reads from Keystone, before it is turned into resources. */
export interface KeystoneView {
  readonly domains: readonly Domain[];
  /**
   * Domains where this platform's markers are honoured: where its tenants live now (the shared
   * domain, or the workspace domains it marked) and where they lived before a switch of
   * placement (the workspace domains it marked, with a shared domain; the `domain` setting,
   * with one domain per workspace), so that a tenant that moved is replaced, not forgotten.
   */
  readonly platformDomainIds: ReadonlySet<string>;
  readonly userDomainId: string;
  readonly projects: readonly Project[];
  readonly groups: readonly Group[];
  readonly users: readonly User[];
  readonly roles: readonly Role[];
  /**
   * The roles defined inside the workspace domains the platform marked (keyform never creates
   * any): a domain holding one is never deleted. Empty when there are none.
   */
  readonly domainRoles: readonly Role[];
  readonly assignments: readonly RoleAssignment[];
  /** Members (user ids) of each group carrying this platform's marker. */
  readonly members: ReadonlyMap<string, readonly string[]>;
}

export interface ReadOptions {
  /** Parallel requests for the per-user membership reads. @default 8 */
  readonly concurrency?: number;
  /** How memberships are read. @default the cheapest for the numbers of users and groups, see `chooseMembershipRead` */
  readonly membershipRead?: MembershipRead;
  /**
   * Requests Keystone serves at once (its API workers: devstack and kolla run one per CPU),
   * which the per-call membership reads spread over. @default 1: they are not assumed to overlap
   */
  readonly keystoneWorkers?: number;
}

/**
 * A domain by id, else by name, as the openstack CLI resolves `--domain` (`default` is the id
 * of the domain named `Default`): a domain later *named* like another's id never takes its place.
 */
export function findDomain(domains: readonly Domain[], idOrName: string): Domain | undefined {
  return domains.find((d) => d.id === idOrName) ?? domains.find((d) => d.name === idOrName);
}

/** `KeystoneView` but the memberships: what the list calls answer. */
export type KeystoneLists = Omit<KeystoneView, 'members'>;

/**
 * What `readKeystone` reads, in two parts that resolve apart: the lists, and the memberships,
 * which start once the users and groups are in and come last. A snapshot turns the lists into
 * resources while Keystone still serves the memberships.
 */
export interface KeystoneReads {
  readonly lists: ResultAsync<KeystoneLists, SnapshotError>;
  /** Members (user ids) of each group carrying this platform's marker. */
  readonly members: ResultAsync<ReadonlyMap<string, readonly string[]>, SnapshotError>;
}

/**
 * Reads the platform's part of Keystone with list calls only: domains, projects, groups,
 * users, roles, role assignments, all at once, and the memberships as
 * soon as users and groups are known, the cheapest of three ways (see `MembershipRead`). None
 * of these grows with the number of tenants.
 *
 * Scopes: identity lists work with a project-scoped admin token (Zed's default policies)
 * and cost Keystone less than system-scoped ones (~64 ms less per request, measured from
 * Keystone's CPU: GET /roles 11 ms project-scoped vs 71 ms system-scoped), so the session may be
 * project-scoped; quotas are read beside these lists by the platform's quota backend (see `snapshot`).
 */
export function readKeystone(s: OpenStackSession, p: PlatformSettingsForSnapshot, opts: ReadOptions = {}): KeystoneReads {
  // Every list starts at once; the domains are needed only to narrow a list Keystone truncated.
  const placed = ks.listDomains(s).andThen((ds) => placeDomains(ds, p));
  const byDomain = (ids: (x: Placed) => readonly string[]) => (): ResultAsync<readonly (readonly ks.ListQuery[])[], ks.KeystoneError> =>
    // A domain that cannot be placed fails the snapshot below, with its own message; here it narrows nothing.
    placed.map((x) => [[...ids(x)].sort().map((id) => ({ domain_id: id }))]).orElse(() => ok([]));
  const inDomains = byDomain((x) => [...x.platformDomainIds]);
  const users = ks.listUsers(s, {}, byDomain((x) => x.domains.map((d) => d.id)));
  // Truncated? Then each of the platform's domains is what the snapshot needs. (Not a tag query:
  // Zed truncates the unfiltered list first and filters by tag after, so it stays truncated.)
  const groups = ks.listGroups(s, {}, inDomains);
  const assignments = ks.listRoleAssignments(s);
  // Memberships start as soon as users and groups are in, while the larger lists are still
  // being served: a Keystone with several workers answers them side by side.
  const members = ResultAsync.combine([users, groups] as const).andThen(([us, gs]) => {
    const ours = gs.filter((g) => descriptionMarker(g.description)?.platform === p.id);
    const concurrency = opts.concurrency ?? 8;
    const parallel = Math.min(concurrency, opts.keystoneWorkers ?? 1);
    const how = opts.membershipRead ?? chooseMembershipRead({ users: us.length, groups: gs.length, platformGroups: ours.length, parallel });
    return readMembers(s, how, { users: us, groups: ours, assignments }, concurrency);
  });
  // Domain roles are listed per domain (Keystone's role list shows global roles only); only
  // the workspace domains the platform marked are ever deleted, so only they are asked (none
  // for a shared domain that never had any); at most `concurrency` at once, as one workspace
  // domain each could otherwise flood Keystone.
  const domainRoles = placed.andThen((x) => mapPool(markedDomainIds(x.domains, p.id), opts.concurrency ?? 8, (id) => ks.listRoles(s, { domain_id: id })).map((rs) => rs.flat()));
  const lists = ResultAsync.combine([
    placed,
    domainRoles,
    ks.listProjects(s, {}, inDomains),
    groups,
    users,
    ks.listRoles(s),
    assignments,
  ] as const).map(([where, inDomainRoles, projects, groups, users, roles, assignments]): KeystoneLists => ({
    domains: where.domains,
    platformDomainIds: where.platformDomainIds,
    userDomainId: where.userDomainId,
    projects,
    groups,
    users,
    roles,
    domainRoles: inDomainRoles,
    assignments,
  }));
  return { lists, members };
}

/** The domains, and where the platform's users and tenants live among them. */
interface Placed {
  readonly domains: readonly Domain[];
  readonly userDomainId: string;
  readonly platformDomainIds: ReadonlySet<string>;
}

function placeDomains(domains: readonly Domain[], p: PlatformSettingsForSnapshot): Result<Placed, SnapshotError> {
  const userDomain = findDomain(domains, p.userDomain);
  if (!userDomain) return err(domainNotFound(p.id, 'user_domain', p.userDomain, domains.map((d) => d.name)));
  return platformDomainIds(domains, p).map((platformDomainIds) => ({ domains, userDomainId: userDomain.id, platformDomainIds }));
}

/**
 * Where the platform's markers are honoured (see `KeystoneView.platformDomainIds`). The
 * domains it marked are its own in either placement; with one domain per workspace, the
 * `domain` setting (`default` unless written) names where the tenants were before, and is
 * read only if it exists. Nothing else: a marker copied into any other domain is ignored.
 */
function platformDomainIds(domains: readonly Domain[], p: PlatformSettingsForSnapshot): Result<ReadonlySet<string>, SnapshotError> {
  const marked = markedDomainIds(domains, p.id);
  const shared = findDomain(domains, p.domain);
  if (p.domainPerWorkspace) return ok(new Set([...marked, ...(shared ? [shared.id] : [])]));
  return shared ? ok(new Set([shared.id, ...marked])) : err(domainNotFound(p.id, 'domain', p.domain, domains.map((d) => d.name)));
}

/** The ids of the workspace domains whose description marker names platform `id`, sorted. */
export function markedDomainIds(domains: readonly Domain[], id: string): readonly string[] {
  return domains.filter((d) => descriptionMarker(d.description)?.platform === id).map((d) => d.id).sort();
}
