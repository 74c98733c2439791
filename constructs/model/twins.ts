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
    if (!Array.isArray(u) || !Array.isArray(v) || u.length !== v.length || u.some((e, i) => e !== v[i])) return false;
  }
  return true;
}

/**
 * `r`, a live record just made, holding its desired twin's address string, and its key and
 * attributes where they are equal to the twin's: equal values, so the plan is the same.
 * @example shareWithTwin(liveGroup, twinsOf(desired.resources))
 */
export function shareWithTwin<R extends Resource>(r: R, twins: Twins): R {
  const t = twins.of(r.address);
  if (t === undefined || t.kind !== r.kind) return r;
  // One literal in the snapshot's field order: every live record of a kind has one shape.
  return {
    kind: r.kind, address: t.address, platform: t.platform === r.platform ? t.platform : r.platform,
    key: sameFields(t.key, r.key) ? t.key : r.key, attrs: sameFields(t.attrs, r.attrs) ? t.attrs : r.attrs, ids: r.ids, managed: r.managed,
  } as R;
}
