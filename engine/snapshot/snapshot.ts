import { ResultAsync } from 'neverthrow';
import { compareCodeUnits, sortResources, type LiveState, type Resource, type UnmanagedObject } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';
import { readKeystone, type KeystoneView } from './read-keystone.ts';
import type { MembershipRead } from './read-memberships.ts';
import { liveDomains, liveGroups, liveProjects } from './live-objects.ts';
import { liveAssignments, liveMemberships, liveQuotas } from './live-relations.ts';
import type { SnapshotError } from './snapshot-error.ts';
import { withLiveQuotas } from '../quota/live-quotas.ts';

export interface SnapshotOptions {
  /** The euids the config binds; `live.users` maps those found in the user domain to user ids. */
  readonly euids: readonly string[];
  /**
   * Assignment address → the Keystone role the config maps it to. A group holding several
   * roles on its project (an apply stopped between granting a new role and revoking the old
   * one) is reported with a role the config does not want, so the next plan revokes it.
   * @default none: the first role by name
   */
  readonly desiredRoles?: Readonly<Record<string, string>>;
  /** Parallel requests for the per-user membership reads. @default 8 */
  readonly concurrency?: number;
  /** How memberships are read. @default the cheaper one, see `chooseMembershipRead` */
  readonly membershipRead?: MembershipRead;
  /** A system-scoped session for reading unified limits, when `session` is not system-scoped. */
  readonly limitsSession?: OpenStackSession;
}

export interface SnapshotResult {
  readonly live: LiveState;
  /** HTTP requests the snapshot sent, retries and re-authentication included. */
  readonly calls: number;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/**
 * The live state of `platform`: every object carrying its marker, the look-alikes that don't
 * (for name-clash checks), and the users, roles and domains a plan must resolve.
 *
 * Cost: 8 list calls (domains, projects, groups, users, roles, role assignments, services,
 * limits), the registered limits, and the memberships: one `GET /v3/users/{id}/groups` per
 * Keystone user, or, when users outnumber what that is worth, one effective role assignment
 * list (see `MembershipRead`), whatever the number of tenants. A list Keystone truncates is
 * narrowed (per domain, by tag, by enabled) or fails. With one domain per workspace, one role
 * list per workspace domain adds its domain roles (a domain holding any is never deleted).
 * Quotas add the backend's defaults and, for `service-apis`, the per-project reads of the
 * keys keyform recorded (see `withLiveQuotas`).
 *
 * Scope: with `quotaBackend: 'unified-limits'` the session, or `opts.limitsSession`, must
 * be system-scoped, since Keystone shows other projects' limits to system scope only.
 * @example snapshot(session, platform, { euids: ['alice@acme.example'] }).map((s) => s.live.resources.length)
 */
export function snapshot(session: OpenStackSession, platform: PlatformSettingsForSnapshot, opts: SnapshotOptions): ResultAsync<SnapshotResult, SnapshotError> {
  const started = performance.now();
  const sessions = opts.limitsSession && opts.limitsSession !== session ? [session, opts.limitsSession] : [session];
  const calls = (): number => sessions.reduce((n, x) => n + x.stats.calls, 0);
  const callsBefore = calls();
  const limitsSession = opts.limitsSession ? { limitsSession: opts.limitsSession } : {};
  return readKeystone(session, platform, { concurrency: opts.concurrency ?? 8, ...limitsSession, ...(opts.membershipRead ? { membershipRead: opts.membershipRead } : {}) })
    .andThen((view) => withLiveQuotas(toLiveState(view, platform, opts.euids, opts.desiredRoles), {
      platform, session, services: view.services, registeredLimits: view.registeredLimits, concurrency: opts.concurrency ?? 8,
    }))
    .map((live) => ({
      live,
      calls: calls() - callsBefore,
      ms: Math.round(performance.now() - started),
    }));
}

/** Turns what was read into the platform's LiveState. Pure: no I/O. */
export function toLiveState(v: KeystoneView, p: PlatformSettingsForSnapshot, euids: readonly string[], desiredRoles: Readonly<Record<string, string>> = {}): LiveState {
  const names = new Map(v.domains.map((d) => [d.id, d.name]));
  const domainName = (id: string): string => names.get(id) ?? id;
  const domains = liveDomains(v, p.id, p.domainPerWorkspace);
  const projects = liveProjects(v, p.id, domainName);
  const groups = liveGroups(v, p.id, domainName);
  const resources: Resource[] = [
    ...[...domains.resources.values()].map((x) => x.resource),
    ...[...projects.resources.values()].map((x) => x.resource),
    ...[...groups.resources.values()].map((x) => x.resource),
    ...liveMemberships(v, groups.resources, domainName),
    ...liveAssignments(v, groups.resources, projects.resources, desiredRoles),
    ...liveQuotas(v, p.id, p.region, projects.resources),
  ];
  const wanted = new Set(euids);
  const users = v.users.filter((u) => u.domain_id === v.userDomainId && wanted.has(u.name)).map((u) => [u.name, u.id] as const);
  return {
    platform: p.id,
    resources: sortResources(resources),
    unmanaged: [...domains.unmanaged, ...projects.unmanaged, ...groups.unmanaged].sort(compareUnmanaged),
    users: sortedRecord(users),
    roles: sortedRecord(v.roles.map((r) => [r.name, r.id] as const)),
    domains: sortedRecord(v.domains.map((d) => [d.name, d.id] as const)),
    ...(p.domainPerWorkspace ? { foreignInDomains: foreignInDomains(v, domainName) } : {}),
  };
}

/** The users and domain roles in the platform's own domains, by domain name (see `LiveState.foreignInDomains`). */
function foreignInDomains(v: KeystoneView, domainName: (id: string) => string): Readonly<Record<string, readonly string[]>> {
  const out = new Map<string, string[]>();
  const add = (domainId: string | null | undefined, what: string): void => {
    if (domainId === null || domainId === undefined || !v.platformDomainIds.has(domainId)) return;
    const name = domainName(domainId);
    out.set(name, [...(out.get(name) ?? []), what]);
  };
  for (const u of v.users) add(u.domain_id, `user ${JSON.stringify(u.name)}`);
  for (const r of v.domainRoles) add(r.domain_id, `role ${JSON.stringify(r.name)}`);
  return Object.fromEntries([...out].sort(([a], [b]) => compareCodeUnits(a, b)).map(([d, list]) => [d, list.sort()]));
}

function compareUnmanaged(a: UnmanagedObject, b: UnmanagedObject): number {
  const ka = `${a.kind}\u0000${a.domain}\u0000${a.name}\u0000${a.id}`;
  const kb = `${b.kind}\u0000${b.domain}\u0000${b.name}\u0000${b.id}`;
  return compareCodeUnits(ka, kb);
}

function sortedRecord(entries: readonly (readonly [string, string])[]): Readonly<Record<string, string>> {
  return Object.fromEntries([...entries].sort(([a], [b]) => compareCodeUnits(a, b)));
}
