import type { DesiredState, LiveState, MembershipResource, Resource, UnmanagedObject } from '../constructs/model/index.ts';
import { byAddress } from '../constructs/model/index.ts';
import type { Change, PlanError, Remark } from './change.ts';
import { nameIndex, namedObject, type NameIndex } from './ownership.ts';
import type { ResourceIndex } from './parents.ts';
import { userNotFound } from './problems.ts';

/** What every step of one platform's diff reads. */
export interface DiffContext {
  readonly platform: string;
  readonly tagPrefix: string;
  readonly desired: ResourceIndex;
  readonly live: ResourceIndex;
  readonly users: Readonly<Record<string, string>>;
  readonly unmanaged: readonly UnmanagedObject[];
  readonly unmanagedByName: NameIndex<UnmanagedObject>;
  readonly liveByName: NameIndex<Resource>;
}

/** Builds the lookups of one platform's diff. */
export function diffContext(desired: DesiredState, live: LiveState): DiffContext {
  const desiredIndex = byAddress(desired.resources);
  const liveIndex = byAddress(live.resources);
  const future = domainRenames(desiredIndex, liveIndex);
  return {
    platform: desired.platform,
    tagPrefix: desired.tagPrefix,
    desired: desiredIndex,
    live: liveIndex,
    users: live.users,
    unmanaged: live.unmanaged,
    unmanagedByName: nameIndex(live.unmanaged, (u) => (u.kind === 'domain' ? u : { ...u, domain: future(u.domain) })),
    liveByName: nameIndex(live.resources, (r) => {
      const o = namedObject(r);
      return o === undefined || o.kind === 'domain' ? o : { ...o, domain: future(o.domain) };
    }),
  };
}

/**
 * Names are unique per domain, and a domain keyform renames takes everything in it along:
 * live objects are indexed under the name their domain will have, so a desired object
 * clashes with an object in a renamed domain exactly when it would in Keystone.
 */
function domainRenames(desired: ResourceIndex, live: ResourceIndex): (name: string) => string {
  const renames = new Map<string, string>();
  for (const d of live.values()) {
    const next = desired.get(d.address);
    if (d.kind === 'domain' && next?.kind === 'domain' && next.attrs.name !== d.attrs.name) renames.set(d.attrs.name, next.attrs.name);
  }
  return (name) => renames.get(name) ?? name;
}

/** Where the steps of a diff put what they find; read once at the end. */
export interface DiffSink {
  /** Changes so far, by address. */
  readonly changes: Map<string, Change>;
  readonly errors: PlanError[];
  /** Desired objects whose name another managed object holds: resolved once every removal is known. */
  readonly heldNames: { readonly address: string; readonly holder: Resource }[];
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
  return {
    changes,
    errors: [],
    heldNames: [],
    unchanged: 0,
    add: (c) => void changes.set(c.address, c),
    remark(m) {
      const tenant = `${m.key.workspace}.${m.key.project}`;
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
