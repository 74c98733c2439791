import type { Resource } from './resource.ts';
import { findSorted } from './resource-set.ts';

/**
 * The desired resources a snapshot's records are compared with, looked up by address: a live
 * record made for an address the desired state holds can take that resource's address string,
 * key and attributes where they are equal, so that a plan holds each once instead of an equal
 * copy parsed from Keystone. 100,000 tenants are 1.2 million records a side; a shared address
 * alone is ~90 bytes a record.
 */
export interface Twins {
  /** The desired resource at `address`, if any. */
  of(address: string): Resource | undefined;
}

/** No desired state to share with: every live record keeps its own parts. */
export const NO_TWINS: Twins = { of: () => undefined };

/**
 * The twins of `sorted`, resources sorted by address (a desired state's order), found by
 * binary search: no index beside them while the snapshot makes its records.
 * @example twinsOf(desired.resources).of('keyform_project.tenant["os-prod/acme/webshop"]')?.address
 */
export function twinsOf(sorted: readonly Resource[]): Twins {
  return { of: (address) => findSorted(sorted, address) };
}

/** Whether two flat records (a key, attributes) hold equal values: strings, numbers, booleans, and lists of those. */
function sameFields(a: object, b: object): boolean {
  const x = a as Readonly<Record<string, unknown>>;
  const y = b as Readonly<Record<string, unknown>>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    const u = x[k];
    const v = y[k];
    if (u === v) continue;
    if (!same(u, v)) return false;
  }
  return true;
}

/** Equal values of a flat record's fields: the same string, number or boolean, or lists of those. */
function same(u: unknown, v: unknown): boolean {
  return u === v || (Array.isArray(u) && Array.isArray(v) && u.length === v.length && u.every((e, i) => e === v[i]));
}

/**
 * `own` if its fields equal `twin`'s; else, when some do (a group whose domain the config spells
 * `default` and Keystone names `Default`), a copy of `own` holding the twin's value of each of those.
 */
function sharedAttrs<A extends object>(twin: A, own: A): A {
  if (sameFields(twin, own)) return twin;
  const t = twin as Readonly<Record<string, unknown>>;
  const o = own as Readonly<Record<string, unknown>>;
  const keys = Object.keys(o);
  if (!keys.some((k) => typeof o[k] !== 'boolean' && typeof o[k] !== 'number' && same(t[k], o[k]))) return own;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = same(t[k], o[k]) ? t[k] : o[k];
  return out as A;
}

/**
 * `r`, a live record just made, holding its desired twin's address string, and its key and
 * attributes where they are equal to the twin's (each attribute, when not all are): equal
 * values, so the plan is the same.
 * @example shareWithTwin(liveGroup, twinsOf(desired.resources))
 */
export function shareWithTwin<R extends Resource>(r: R, twins: Twins): R {
  const t = twins.of(r.address);
  if (t === undefined || t.kind !== r.kind) return r;
  // One literal in the snapshot's field order: every live record of a kind has one shape.
  return {
    kind: r.kind, address: t.address, platform: t.platform === r.platform ? t.platform : r.platform,
    key: sameFields(t.key, r.key) ? t.key : r.key, attrs: sharedAttrs(t.attrs, r.attrs), ids: r.ids, managed: r.managed,
  } as R;
}
