import { Result, ResultAsync, err, errAsync, ok, okAsync } from 'neverthrow';
import { descriptionMarker } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import * as ks from '../keystone/index.ts';
import type { Domain, Group, Limit, Project, RegisteredLimit, Role, RoleAssignment, Service, User } from '../keystone/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';
import { domainNotFound, scopeRequired, type SnapshotError } from './snapshot-error.ts';
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
  /** Undefined when the platform does not keep quotas in unified limits. */
  readonly limits: readonly Limit[] | undefined;
  /** The unified limits' defaults; undefined as `limits`. */
  readonly registeredLimits: readonly RegisteredLimit[] | undefined;
  readonly services: readonly Service[];
  /** Members (user ids) of each group carrying this platform's marker. */
  readonly members: ReadonlyMap<string, readonly string[]>;
}

export interface ReadOptions {
  /** Parallel requests for the per-user membership reads. @default 8 */
  readonly concurrency?: number;
  /** How memberships are read. @default the cheaper for the numbers of users and groups, see `chooseMembershipRead` */
  readonly membershipRead?: MembershipRead;
  /**
   * A system-scoped session for `GET /v3/limits` (Keystone shows other projects' limits to
   * system scope only). @default the main session, which must then be system-scoped
   */
  readonly limitsSession?: OpenStackSession;
}

/**
 * A domain by id, else by name, as the openstack CLI resolves `--domain` (`default` is the id
 * of the domain named `Default`): a domain later *named* like another's id never takes its place.
 */
export function findDomain(domains: readonly Domain[], idOrName: string): Domain | undefined {
  return domains.find((d) => d.id === idOrName) ?? domains.find((d) => d.name === idOrName);
}

/**
 * Reads the platform's part of Keystone with list calls only: domains, projects, groups,
 * users, roles, role assignments, (services, limits and registered limits), all at once, and the memberships as
 * soon as users and groups are known, the cheaper of two ways (see `MembershipRead`). None
 * of these grows with the number of tenants.
 *
 * Scopes: identity lists work with a project-scoped admin token (Zed's default policies)
 * and cost Keystone less than system-scoped ones (~64 ms less per request, measured from
 * Keystone's CPU: GET /roles 11 ms project-scoped vs 71 ms system-scoped), so the main session may be
 * project-scoped while `limitsSession`, used for `GET /v3/limits` alone, is system-scoped.
 */
export function readKeystone(s: OpenStackSession, p: PlatformSettingsForSnapshot, opts: ReadOptions = {}): ResultAsync<KeystoneView, SnapshotError> {
  const unified = (p.quotaBackend ?? 'unified-limits') === 'unified-limits';
  const limitsSession = opts.limitsSession ?? s;
  if (unified && limitsSession.scope.kind !== 'system') return errAsync(scopeRequired(p.id, limitsSession.scope.kind));
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
    const how = opts.membershipRead ?? chooseMembershipRead(us.length, gs.length);
    const ours = gs.filter((g) => descriptionMarker(g.description)?.platform === p.id);
    return readMembers(s, how, { users: us, groups: ours, assignments }, opts.concurrency ?? 8);
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
    unified ? ks.listServices(s) : okAsync<readonly Service[], ks.KeystoneError>([]),
    unified ? ks.listLimits(limitsSession, {}, [[{ region_id: p.region }]]) : okAsync<readonly Limit[], ks.KeystoneError>([]),
    // Any scope lists the registered limits (they are global): through the cheaper main session.
    unified ? ks.listRegisteredLimits(s) : okAsync<readonly RegisteredLimit[], ks.KeystoneError>([]),
    members,
  ] as const);
  return lists.map(([where, inDomainRoles, projects, groups, users, roles, assignments, services, limits, registeredLimits, members]): KeystoneView => ({
    domains: where.domains,
    platformDomainIds: where.platformDomainIds,
    userDomainId: where.userDomainId,
    projects,
    groups,
    users,
    roles,
    domainRoles: inDomainRoles,
    assignments,
    limits: unified ? limits : undefined,
    registeredLimits: unified ? registeredLimits : undefined,
    services,
    members,
  }));
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
