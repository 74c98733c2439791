import type { DesiredState, LiveState, MembershipResource, Resource, UnmanagedObject } from '../constructs/model/index.ts';
import { tenantKey } from '../constructs/model/index.ts';
import type { Change, PlanError, Remark } from './change.ts';
import { nameIndex, nameKey, resourceNameKey, type NameIndex } from './ownership.ts';
import { resourceIndex, type SortedResources } from './parents.ts';
import { userNotFound } from './problems.ts';

/** What every step of one platform's diff reads. */
export interface DiffContext {
  readonly platform: string;
  readonly tagPrefix: string;
  readonly desired: SortedResources;
  readonly live: SortedResources;
  readonly users: Readonly<Record<string, string>>;
  readonly unmanaged: readonly UnmanagedObject[];
  readonly unmanagedByName: NameIndex<UnmanagedObject>;
  /** See `LiveState.foreignInDomains`. */
  readonly foreignInDomains: Readonly<Record<string, readonly string[]>>;
  /** The uniqueness key a live object will have once its domain's rename is applied. */
  readonly liveNameKey: (r: Resource) => string | undefined;
  /** Live managed objects by that key; built on first use (most plans never need it). */
  readonly liveByName: () => NameIndex<Resource>;
}

/** Builds the lookups of one platform's diff. */
export function diffContext(desired: DesiredState, live: LiveState): DiffContext {
  const desiredIndex = resourceIndex(desired.resources);
  const liveIndex = resourceIndex(live.resources);
  const future = domainRenames(desiredIndex.resources, liveIndex.resources);
  const liveNameKey = (r: Resource): string | undefined => resourceNameKey(r, future);
  let byName: NameIndex<Resource> | undefined;
  return {
    platform: desired.platform,
    tagPrefix: desired.tagPrefix,
    desired: desiredIndex,
    live: liveIndex,
    users: live.users,
    unmanaged: live.unmanaged,
    foreignInDomains: live.foreignInDomains ?? {},
    unmanagedByName: nameIndex(live.unmanaged, (u) => nameKey(u.kind === 'domain' ? u : { ...u, domain: future(u.domain) })),
    liveNameKey,
    liveByName: () => (byName ??= nameIndex(liveIndex.resources, liveNameKey)),
  };
}

/**
 * Names are unique per domain, and a domain keyform renames takes everything in it along:
 * live objects are indexed under the name their domain will have, so a desired object
 * clashes with an object in a renamed domain exactly when it would in Keystone.
 */
function domainRenames(desired: readonly Resource[], live: readonly Resource[]): (name: string) => string {
  const desiredNames = new Map<string, string>();
  for (const d of desired) if (d.kind === 'domain') desiredNames.set(d.address, d.attrs.name);
  const renames = new Map<string, string>();
  for (const d of live) {
    const next = d.kind === 'domain' ? desiredNames.get(d.address) : undefined;
    if (d.kind === 'domain' && next !== undefined && next !== d.attrs.name) renames.set(d.attrs.name, next);
  }
  return renames.size === 0 ? (name) => name : (name) => renames.get(name) ?? name;
}

/** Where the steps of a diff put what they find; read once at the end. */
export interface DiffSink {
  /** Changes so far, by address. */
  readonly changes: Map<string, Change>;
  readonly errors: PlanError[];
  /** Desired objects whose name another managed object holds: resolved once every removal is known. */
  readonly heldNames: { readonly address: string; readonly holder: Resource }[];
  /** `WORKSPACE.PROJECT` of every tenant with a group or project new in Keystone (created or replaced). */
  readonly renewedTenants: Set<string>;
  /** Resources that need nothing. */
  unchanged: number;
  add(c: Change): void;
  /** Records a membership left out because its user does not exist. */
  remark(m: MembershipResource): void;
  /** The remarks, one per (user, tenant), sorted. */
  remarks(): readonly Remark[];
}

/** An empty sink for `platform`. */
export function diffSink(platform: string): DiffSink {
  const missing = new Map<string, { euid: string; tenant: string; roles: Set<string>; addresses: string[] }>();
  const changes = new Map<string, Change>();
  const renewedTenants = new Set<string>();
  return {
    changes,
    errors: [],
    heldNames: [],
    renewedTenants,
    unchanged: 0,
    add: (c) => {
      changes.set(c.address, c);
      if ((c.kind === 'project' || c.kind === 'group') && (c.action === 'create' || c.action === 'replace')) renewedTenants.add(tenantOf(c.after!));
    },
    remark(m) {
      const tenant = tenantOf(m);
      const k = `${m.key.euid}\u0000${tenant}`;
      const entry = missing.get(k) ?? { euid: m.key.euid, tenant, roles: new Set<string>(), addresses: [] };
      entry.roles.add(m.key.role);
      entry.addresses.push(m.address);
      missing.set(k, entry);
    },
    remarks: () =>
      [...missing.keys()].sort().map((k) => {
        const e = missing.get(k)!;
        return userNotFound(platform, e.euid, e.tenant, [...e.roles].sort(), [...e.addresses].sort());
      }),
  };
}

/** `WORKSPACE.PROJECT` of a resource below a tenant. */
export function tenantOf(r: Resource): string {
  return tenantKey({ workspace: r.key.workspace, project: 'project' in r.key ? r.key.project : '' });
}
