import type { ProjectResource, Resource, UnmanagedObject } from '../constructs/model/index.ts';
import type { PlanError } from './change.ts';
import { foreignOwner, nameClash, type NamedObject } from './problems.ts';
import type { ResourceIndex } from './parents.ts';
import { sortedTags } from './tags.ts';

/** Keystone objects by `(kind, domain, name)`, the key Keystone keeps unique. */
export type NameIndex<T> = ReadonlyMap<string, T>;

/** The uniqueness key of a named object. */
export function nameKey(o: NamedObject): string {
  return `${o.kind}\u0000${o.domain}\u0000${o.name}`;
}

/** The Keystone name of a domain, project or group record; undefined for other kinds. */
export function namedObject(r: Resource): NamedObject | undefined {
  if (r.kind === 'domain') return { kind: 'domain', name: r.attrs.name, domain: '' };
  if (r.kind === 'project' || r.kind === 'group') return { kind: r.kind, name: r.attrs.name, domain: r.attrs.domain };
  return undefined;
}

/** Indexes objects by the uniqueness key of their name; objects without one are left out. */
export function nameIndex<T>(objects: Iterable<T>, named: (o: T) => NamedObject | undefined): NameIndex<T> {
  const out = new Map<string, T>();
  for (const o of objects) {
    const n = named(o);
    if (n !== undefined) out.set(nameKey(n), o);
  }
  return out;
}

/**
 * Who holds the name a desired object needs:
 * - `free`: nobody else;
 * - `adopt`: an unmanaged project the tenant asked to take over; `before` is that project as a record;
 * - `error`: an unmanaged object, or one of another platform (never adopted);
 * - `held`: another object keyform manages, fine only if this plan deletes it first.
 */
export type Ownership =
  | { readonly kind: 'free' }
  | { readonly kind: 'adopt'; readonly before: ProjectResource }
  | { readonly kind: 'error'; readonly error: PlanError }
  | { readonly kind: 'held'; readonly holder: Resource };

/** What the lookups of `ownership` need. */
export interface OwnershipContext {
  readonly platform: string;
  readonly live: ResourceIndex;
  readonly unmanagedByName: NameIndex<UnmanagedObject>;
  readonly liveNameKey: (r: Resource) => string | undefined;
  readonly liveByName: () => NameIndex<Resource>;
}

/** Decides who holds the name the desired record `r` needs. */
export function ownership(r: Resource, ctx: OwnershipContext): Ownership {
  const o = namedObject(r);
  if (o === undefined) return { kind: 'free' };
  const key = nameKey(o);
  const u = ctx.unmanagedByName.size === 0 ? undefined : ctx.unmanagedByName.get(key);
  if (u !== undefined) {
    if (u.ownedByPlatform !== undefined) return { kind: 'error', error: foreignOwner(ctx.platform, r.address, o, u.id, u.ownedByPlatform) };
    if (r.kind === 'project' && r.adopt === true && !ctx.live.has(r.address)) return { kind: 'adopt', before: adoptedRecord(r, u) };
    return { kind: 'error', error: nameClash(ctx.platform, r.address, o, u.id) };
  }
  // The object keeps its own name: Keystone guarantees nobody else has it.
  const same = ctx.live.get(r.address);
  if (same !== undefined && ctx.liveNameKey(same) === key) return { kind: 'free' };
  const holder = ctx.liveByName().get(key);
  return holder !== undefined && holder.address !== r.address ? { kind: 'held', holder } : { kind: 'free' };
}

/** An unmanaged project as the live record of the tenant adopting it (`managed: false` marks the adoption). */
function adoptedRecord(r: ProjectResource, u: UnmanagedObject): ProjectResource {
  return {
    kind: 'project', address: r.address, platform: r.platform, key: r.key, ids: { id: u.id }, managed: false,
    attrs: { name: u.name, domain: u.domain, description: u.description ?? '', enabled: u.enabled ?? true, tags: sortedTags(u.tags ?? []) },
  };
}
