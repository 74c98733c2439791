import { keystoneId, type ProjectResource, type Resource, type UnmanagedObject } from '../constructs/model/index.ts';
import type { PlanError } from './change.ts';
import { foreignOwner, nameClash, type NamedObject } from './problems.ts';
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

/**
 * The uniqueness key of a domain, project or group record (undefined for other kinds), with
 * its domain's name passed through `domainName` (to see it under a pending rename). Built
 * without an intermediate object: it runs for every object of a plan.
 */
export function resourceNameKey(r: Resource, domainName: (name: string) => string = (n) => n): string | undefined {
  if (r.kind === 'domain') return `domain\u0000\u0000${r.attrs.name}`;
  if (r.kind === 'project' || r.kind === 'group') return `${r.kind}\u0000${domainName(r.attrs.domain)}\u0000${r.attrs.name}`;
  return undefined;
}

/** Indexes objects by a uniqueness key; objects without one are left out. */
export function nameIndex<T>(objects: Iterable<T>, keyOf: (o: T) => string | undefined): NameIndex<T> {
  const out = new Map<string, T>();
  for (const o of objects) {
    const k = keyOf(o);
    if (k !== undefined) out.set(k, o);
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
  readonly unmanagedByName: NameIndex<UnmanagedObject>;
  readonly liveNameKey: (r: Resource) => string | undefined;
  readonly liveByName: () => NameIndex<Resource>;
}

const FREE: Ownership = { kind: 'free' };

/** Decides who holds the name the desired record `r` needs; `live` is its live counterpart, if any. */
export function ownership(r: Resource, live: Resource | undefined, ctx: OwnershipContext): Ownership {
  const key = resourceNameKey(r);
  if (key === undefined) return FREE;
  const u = ctx.unmanagedByName.size === 0 ? undefined : ctx.unmanagedByName.get(key);
  if (u !== undefined) {
    const o = namedObject(r)!;
    // A second object of this tenant where the tenant is moving to: a move that stopped half-way.
    // The create finds it again (a 409 answered by an object that is ours and as planned).
    if (u.ownedByPlatform === ctx.platform && live !== undefined && movesDomain(r, live)) return FREE;
    if (u.ownedByPlatform !== undefined) return { kind: 'error', error: foreignOwner(ctx.platform, r.address, o, u.id, u.ownedByPlatform) };
    if (r.kind === 'project' && r.adopt === true && live === undefined) return { kind: 'adopt', before: adoptedRecord(r, u) };
    return { kind: 'error', error: nameClash(ctx.platform, r.address, o, u.id) };
  }
  // The object keeps its own name: Keystone guarantees nobody else has it.
  if (live !== undefined && ctx.liveNameKey(live) === key) return FREE;
  const holder = ctx.liveByName().get(key);
  return holder !== undefined && holder.address !== r.address ? { kind: 'held', holder } : FREE;
}

/** True when the project or group `r` is wanted in another Keystone domain than its live record's. */
function movesDomain(r: Resource, live: Resource): boolean {
  return (r.kind === 'project' || r.kind === 'group') && (live.kind === 'project' || live.kind === 'group') && r.attrs.domain !== live.attrs.domain;
}

/** An unmanaged project as the live record of the tenant adopting it (`managed: false` marks the adoption). */
function adoptedRecord(r: ProjectResource, u: UnmanagedObject): ProjectResource {
  return {
    kind: 'project', address: r.address, platform: r.platform, key: r.key, ids: { id: keystoneId('project', u.id) }, managed: false,
    attrs: { name: u.name, domain: u.domain, description: u.description ?? '', enabled: u.enabled ?? true, tags: sortedTags(u.tags ?? []) },
  };
}
