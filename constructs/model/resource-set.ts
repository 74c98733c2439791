import type { Resource } from './resource.ts';
import { compareAddresses } from './address.ts';

/**
 * An object in Keystone that keyform does not own but must know about: a name clash with
 * it is a plan error (or an adoption, when the config asks for one), and it is never
 * modified or deleted.
 */
export interface UnmanagedObject {
  readonly kind: 'domain' | 'project' | 'group';
  readonly name: string;
  /** Domain name (for projects and groups); empty for domains. */
  readonly domain: string;
  readonly id: string;
  /** The platform named by a keyform marker of *another* platform, if any. */
  readonly ownedByPlatform?: string;
  /** Projects only: the tags as found. */
  readonly tags?: readonly string[];
  /** Projects only. */
  readonly enabled?: boolean;
  readonly description?: string;
}

/** What a platform should look like: the output of `synth()` for one platform. */
export interface DesiredState {
  readonly platform: string;
  /** Sorted by address; unique addresses. */
  readonly resources: readonly Resource[];
  /** The user tag prefix keyform owns on this platform, e.g. `kf_`. */
  readonly tagPrefix: string;
}

/** What a platform looks like now: the output of `snapshot()`. */
export interface LiveState {
  readonly platform: string;
  /** Objects carrying this platform's marker, sorted by address. */
  readonly resources: readonly Resource[];
  /** Objects without this platform's marker whose names matter for clash detection. */
  readonly unmanaged: readonly UnmanagedObject[];
  /** Bound euids found in the user domain: euid → Keystone user id. Absent euid = no such user. */
  readonly users: Readonly<Record<string, string>>;
  /** Keystone roles by name → id. */
  readonly roles: Readonly<Record<string, string>>;
  /** Keystone domains by name → id (those keyform needs to resolve). */
  readonly domains: Readonly<Record<string, string>>;
  /**
   * What keyform did not create inside the platform's own domains (one per workspace) beyond
   * the projects and groups `unmanaged` lists: users and domain roles, by domain name, each
   * as `user "NAME"` or `role "NAME"`, sorted. Keystone deletes a domain's users and roles
   * with the domain, so a domain listed here is never deleted. Absent: none.
   */
  readonly foreignInDomains?: Readonly<Record<string, readonly string[]>>;
  /**
   * The cloud's default limit of every quota key the platform's quota backend can hold, keys
   * sorted: registered limits for `unified-limits`, each service's defaults for `service-apis`.
   * A key absent here cannot be set (no registered limit; no such service in the region).
   * Undefined when the snapshot did not read them: then nothing is checked against them.
   */
  readonly quotaDefaults?: Readonly<Record<string, number>>;
}

/** Sorts resources by address; fails (programmer error) on duplicate addresses. */
export function sortResources<R extends Resource>(resources: readonly R[]): readonly R[] {
  const sorted = [...resources].sort((a, b) => compareAddresses(a.address, b.address));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.address === sorted[i]!.address) throw new Error(`duplicate address ${sorted[i]!.address}`);
  }
  return sorted;
}

/**
 * The resource at `address` in `sorted` (sorted by address, as desired and live states are),
 * by binary search: no map of a million entries beside the list.
 * @example findSorted(live.resources, 'keyform_project.tenant["os-prod/acme/webshop"]')
 */
export function findSorted<R extends Resource>(sorted: readonly R[], address: string): R | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAddresses(sorted[mid]!.address, address);
    if (c === 0) return sorted[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Index of resources by address. */
export function byAddress<R extends Resource>(resources: readonly R[]): ReadonlyMap<string, R> {
  return new Map(resources.map((r) => [r.address, r]));
}
