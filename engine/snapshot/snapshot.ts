import { ResultAsync } from 'neverthrow';
import { compareAddresses, compareCodeUnits, NO_TWINS, sortResources, twinsOf, type GroupResource, type LiveState, type Resource, type Twins, type UnmanagedObject } from '../../constructs/model/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';
import { findDomain, markedDomainIds, readKeystone, type KeystoneLists, type KeystoneView } from './read-keystone.ts';
import type { Group } from '../keystone/index.ts';
import type { MembershipRead } from './read-memberships.ts';
import { liveDomains, liveGroups, liveProjects, type Claimed } from './live-objects.ts';
import { liveAssignments, liveMemberships, sortedByAddress } from './live-relations.ts';
import type { SnapshotError } from './snapshot-error.ts';
import { quotaBackendOf, type LiveQuotas } from '../quota/quota-backend.ts';

export interface SnapshotOptions {
  /** The euids the config binds; `live.users` maps those found in the user domain to user ids. */
  readonly euids: readonly string[];
  /**
   * Assignment address → the Keystone role the config maps it to. A group holding several
   * roles on its project (an apply stopped between granting a new role and revoking the old
   * one) is reported with a role the config does not want, so the next plan revokes it.
   * `desired` gives the same for its assignments.
   * @default none: the first role by name
   */
  readonly desiredRoles?: Readonly<Record<string, string>>;
  /** Parallel requests for the per-user membership reads. @default 8 */
  readonly concurrency?: number;
  /** How memberships are read. @default the cheapest, see `chooseMembershipRead` */
  readonly membershipRead?: MembershipRead;
  /** Requests Keystone serves at once (its API workers), for the choice of `membershipRead`. @default 1 */
  readonly keystoneWorkers?: number;
  /** A system-scoped session for reading unified limits, when `session` is not system-scoped. */
  readonly limitsSession?: OpenStackSession;
  /**
   * The desired resources the live state will be diffed with, sorted by address: a live record
   * whose address one of them has holds that resource's address, and its key and attributes
   * where equal (see `Twins`), so that the plan keeps one copy. The live state's values are the
   * same with or without. @default none
   */
  readonly desired?: readonly Resource[];
}

export interface SnapshotResult {
  readonly live: LiveState;
  /** What the platform's quota backend read: an apply against `live` writes quotas through it. */
  readonly quotas: LiveQuotas;
  /** HTTP requests the snapshot sent, retries and re-authentication included. */
  readonly calls: number;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/**
 * The live state of `platform`: every object carrying its marker, the look-alikes that don't
 * (for name-clash checks), and the users, roles and domains a plan must resolve.
 *
 * Cost: 6 list calls (domains, projects, groups, users, roles, role assignments), the
 * quota backend's (unified limits: services, limits, registered limits), and the memberships,
 * the cheapest way of three (see `MembershipRead`): one `GET /v3/users/{id}/groups` per
 * Keystone user, one `GET /v3/groups/{id}/users` per group of the platform (the one way that
 * grows with the tenants: chosen when Keystone users are many more), or one effective role
 * assignment list. A list Keystone truncates is narrowed (per domain, by tag, by enabled) or fails. With one domain per workspace, one role
 * list per workspace domain adds its domain roles (a domain holding any is never deleted).
 * Quotas add the backend's defaults and, for `service-apis`, the per-project reads of the
 * keys keyform recorded (see `QuotaBackend`).
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
  const concurrency = opts.concurrency ?? 8;
  // The backend's lists start now, beside Keystone's; a session that cannot read them is reported first.
  const twins = opts.desired ? twinsOf(opts.desired) : NO_TWINS;
  const quotas = quotaBackendOf(platform.quotaBackend).read({ platform, sessions: { session, limitsSession: opts.limitsSession ?? session }, concurrency, twins });
  const reads = readKeystone(session, platform, { concurrency, ...(opts.membershipRead ? { membershipRead: opts.membershipRead } : {}), ...(opts.keystoneWorkers ? { keystoneWorkers: opts.keystoneWorkers } : {}) });
  // The lists become resources as soon as they are in, while Keystone still serves the memberships.
  const objects = reads.lists.map((lists) => liveObjects(lists, platform, opts.euids, opts.desiredRoles ?? {}, twins));
  return ResultAsync.combine([quotas, objects, reads.members] as const)
    .andThen(([q, o, members]) => q.complete(withMemberships(o, members)).map((live) => ({
      live,
      quotas: q,
      calls: calls() - callsBefore,
      ms: Math.round(performance.now() - started),
    })));
}

/** Turns what was read into the platform's LiveState (its records sharing parts with `twins`, see `SnapshotOptions.desired`). Pure: no I/O. */
export function toLiveState(v: KeystoneView, p: PlatformSettingsForSnapshot, euids: readonly string[], desiredRoles: Readonly<Record<string, string>> = {}, twins: Twins = NO_TWINS): LiveState {
  return withMemberships(liveObjects(v, p, euids, desiredRoles, twins), v.members);
}

/** The live state but the memberships, and what they are made from. */
interface LiveObjects {
  readonly state: Omit<LiveState, 'resources'>;
  /** Every resource but the memberships, sorted by address. */
  readonly resources: readonly Resource[];
  readonly lists: KeystoneLists;
  readonly groups: Claimed<GroupResource, Group>['resources'];
  readonly domainName: (id: string) => string;
  readonly twins: Twins;
}

/** Everything of the live state the lists give: all but the memberships. */
function liveObjects(v: KeystoneLists, p: PlatformSettingsForSnapshot, euids: readonly string[], desiredRoles: Readonly<Record<string, string>>, twins: Twins): LiveObjects {
  const names = new Map(v.domains.map((d) => [d.id, d.name]));
  const domainName = (id: string): string => names.get(id) ?? id;
  const shared = p.domainPerWorkspace ? undefined : findDomain(v.domains, p.domain)?.id;
  // Where the platform places tenants now; the rest of `platformDomainIds` is where they were.
  const current = new Set(p.domainPerWorkspace ? markedDomainIds(v.domains, p.id) : shared === undefined ? [] : [shared]);
  const domains = liveDomains(v, p.id, p.domainPerWorkspace ? { perWorkspace: true } : { perWorkspace: false, shared }, twins);
  const projects = liveProjects(v, p.id, domainName, current, twins);
  const groups = liveGroups(v, p.id, domainName, current, twins);
  const resources: Resource[] = [
    ...[...domains.resources.values()].map((x) => x.resource),
    ...[...projects.resources.values()].map((x) => x.resource),
    ...[...groups.resources.values()].map((x) => x.resource),
    ...liveAssignments(v, groups.resources, projects.resources, desiredRoles, twins),
  ];
  const wanted = new Set(euids);
  const users = v.users.filter((u) => u.domain_id === v.userDomainId && wanted.has(u.name)).map((u) => [u.name, u.id] as const);
  return {
    state: {
      platform: p.id,
      unmanaged: [...domains.unmanaged, ...projects.unmanaged, ...groups.unmanaged].sort(compareUnmanaged),
      users: sortedRecord(users),
      roles: sortedRecord(v.roles.map((r) => [r.name, r.id] as const)),
      domains: sortedRecord(v.domains.map((d) => [d.name, d.id] as const)),
      ...(domains.resources.size > 0 ? { foreignInDomains: foreignInDomains(v, p.id, domainName) } : {}),
    },
    resources: sortResources(resources),
    lists: v,
    groups: groups.resources,
    domainName,
    twins,
  };
}

/** `o` with the members of the platform's groups (`members`, by group id), as a LiveState. */
function withMemberships(o: LiveObjects, members: ReadonlyMap<string, readonly string[]>): LiveState {
  const memberships = sortedByAddress(liveMemberships({ ...o.lists, members }, o.groups, o.domainName, o.twins));
  const { platform, ...rest } = o.state;
  return { platform, resources: mergeSorted(o.resources, memberships), ...rest };
}

/** Two lists sorted by address, of different addresses, as one sorted list. */
function mergeSorted<R extends Resource>(a: readonly R[], b: readonly R[]): readonly R[] {
  const out: R[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareAddresses(a[i]!.address, b[j]!.address) < 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** The users and domain roles in the workspace domains the platform marked, by domain name (see `LiveState.foreignInDomains`). */
function foreignInDomains(v: KeystoneLists, platform: string, domainName: (id: string) => string): Readonly<Record<string, readonly string[]>> {
  const out = new Map<string, string[]>();
  const marked = new Set(markedDomainIds(v.domains, platform));
  const add = (domainId: string | null | undefined, what: string): void => {
    if (domainId === null || domainId === undefined || !marked.has(domainId)) return;
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
