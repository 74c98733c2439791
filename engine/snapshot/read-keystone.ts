import { Result, ResultAsync, err, errAsync, ok, okAsync } from 'neverthrow';
import { descriptionMarker } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import * as ks from '../keystone/index.ts';
import type { Domain, Group, Limit, Project, Role, RoleAssignment, Service, User } from '../keystone/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';
import { domainNotFound, scopeRequired, type SnapshotError } from './snapshot-error.ts';
import { readMemberships } from './read-memberships.ts';

/** Everything the snapshot reads from Keystone, before it is turned into resources. */
export interface KeystoneView {
  readonly domains: readonly Domain[];
  /** Domains where this platform's tenants live: the shared one, or the workspace domains it marked. */
  readonly platformDomainIds: ReadonlySet<string>;
  readonly userDomainId: string;
  readonly projects: readonly Project[];
  readonly groups: readonly Group[];
  readonly users: readonly User[];
  readonly roles: readonly Role[];
  readonly assignments: readonly RoleAssignment[];
  /** Undefined when the platform does not keep quotas in unified limits. */
  readonly limits: readonly Limit[] | undefined;
  readonly services: readonly Service[];
  /** Members (user ids) of each group carrying this platform's marker. */
  readonly members: ReadonlyMap<string, readonly string[]>;
}

export interface ReadOptions {
  /** Parallel requests for the per-user membership reads. @default 8 */
  readonly concurrency?: number;
  /**
   * A system-scoped session for `GET /v3/limits` (Keystone shows other projects' limits to
   * system scope only). @default the main session, which must then be system-scoped
   */
  readonly limitsSession?: OpenStackSession;
}

/** A domain by name, else by id (`default` is the id of the domain named `Default`). */
export function findDomain(domains: readonly Domain[], nameOrId: string): Domain | undefined {
  return domains.find((d) => d.name === nameOrId) ?? domains.find((d) => d.id === nameOrId);
}

/**
 * Reads the platform's part of Keystone with list calls only: domains, projects, groups,
 * users, roles, role assignments, (services and limits), then memberships. None of these
 * grows with the number of tenants; see `read-memberships.ts` for the one that grows with
 * the number of users.
 *
 * Scopes: identity lists work with a project-scoped admin token (Zed's default policies)
 * and cost Keystone less to validate than a system-scoped one (~4× less, measured: each
 * system-scoped request recomputes the user's system roles), so the main session may be
 * project-scoped while `limitsSession` is system-scoped.
 */
export function readKeystone(s: OpenStackSession, p: PlatformSettingsForSnapshot, opts: ReadOptions = {}): ResultAsync<KeystoneView, SnapshotError> {
  const unified = (p.quotaBackend ?? 'unified-limits') === 'unified-limits';
  const limitsSession = opts.limitsSession ?? s;
  if (unified && limitsSession.scope.kind !== 'system') return errAsync(scopeRequired(p.id, limitsSession.scope.kind));
  return ks.listDomains(s).andThen((domains) => {
    const userDomain = findDomain(domains, p.userDomain);
    if (!userDomain) return errAsync<KeystoneView, SnapshotError>(domainNotFound(p.id, 'user_domain', p.userDomain, domains.map((d) => d.name)));
    const platformDomains = platformDomainIds(domains, p);
    if (platformDomains.isErr()) return errAsync<KeystoneView, SnapshotError>(platformDomains.error);
    const inDomains = [...platformDomains.value].sort().map((id) => ({ domain_id: id }));
    const everyDomain = domains.map((d) => ({ domain_id: d.id }));
    const users = ks.listUsers(s, {}, [everyDomain]);
    // Truncated? Then each of the platform's domains is what the snapshot needs. (Not a tag query:
    // Zed truncates the unfiltered list first and filters by tag after, so it stays truncated.)
    const groups = ks.listGroups(s, {}, [inDomains]);
    // Memberships start as soon as users and groups are in, while the larger lists are still
    // being served: a Keystone with several workers answers them side by side.
    const members = ResultAsync.combine([users, groups] as const).andThen(([us, gs]) =>
      readMemberships(s, us, gs.filter((g) => descriptionMarker(g.description)?.platform === p.id), opts.concurrency ?? 8));
    const lists = ResultAsync.combine([
      ks.listProjects(s, {}, [inDomains]),
      groups,
      users,
      ks.listRoles(s),
      ks.listRoleAssignments(s),
      unified ? ks.listServices(s) : okAsync<readonly Service[], ks.KeystoneError>([]),
      unified ? ks.listLimits(limitsSession, {}, [[{ region_id: p.region }]]) : okAsync<readonly Limit[], ks.KeystoneError>([]),
      members,
    ] as const);
    return lists.map(([projects, groups, users, roles, assignments, services, limits, members]): KeystoneView => ({
      domains,
      platformDomainIds: platformDomains.value,
      userDomainId: userDomain.id,
      projects,
      groups,
      users,
      roles,
      assignments,
      limits: unified ? limits : undefined,
      services,
      members,
    }));
  });
}

function platformDomainIds(domains: readonly Domain[], p: PlatformSettingsForSnapshot): Result<ReadonlySet<string>, SnapshotError> {
  if (p.domainPerWorkspace) return ok(new Set(domains.filter((d) => descriptionMarker(d.description)?.platform === p.id).map((d) => d.id)));
  const shared = findDomain(domains, p.domain);
  return shared ? ok(new Set([shared.id])) : err(domainNotFound(p.id, 'domain', p.domain, domains.map((d) => d.name)));
}
