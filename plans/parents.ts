import { address, compareAddresses, findSorted, parentAddress, sortResources, type GroupResource, type ProjectResource, type Resource } from '../constructs/model/index.ts';

/** Resources of one side (desired or live) by address. */
export interface ResourceIndex {
  get(address: string): Resource | undefined;
  has(address: string): boolean;
}

/** A `ResourceIndex` that also holds its resources, sorted by address. */
export interface SortedResources extends ResourceIndex {
  readonly resources: readonly Resource[];
}

const DOMAIN_ADDRESS = `${address('domain', ['x']).split('[')[0]}[`;

/**
 * Indexes resources that are (as desired and live states promise) sorted by address, without
 * building a map of a million entries: lookups binary-search the list, except domains, which
 * every project and group looks up and which are few, so they get a map. An unsorted list is
 * sorted first.
 */
export function resourceIndex(list: readonly Resource[]): SortedResources {
  const resources = list.every((r, i) => i === 0 || compareAddresses(list[i - 1]!.address, r.address) < 0) ? list : sortResources(list);
  const domains = new Map<string, Resource>();
  for (const r of resources) if (r.kind === 'domain') domains.set(r.address, r);
  const get = (a: string): Resource | undefined => {
    if (a.startsWith(DOMAIN_ADDRESS)) return domains.get(a);
    return findSorted(resources, a);
  };
  return { resources, get, has: (a) => get(a) !== undefined };
}

/**
 * The addresses of the objects `r` refers to in Keystone, looked up in its own side's
 * index: a membership needs its group, an assignment its group and project, a quota its
 * project, a project or group the workspace's domain when it lives in one keyform manages
 * (`domain_per_workspace`). A project in a shared domain (`default`) has no parent here:
 * keyform does not own that domain.
 * @example parentsOf(quota, desired) // ['keyform_project.tenant["os-prod/acme/webshop"]']
 */
export function parentsOf(r: Resource, side: ResourceIndex): readonly string[] {
  switch (r.kind) {
    case 'domain':
      return [];
    case 'project':
    case 'group': {
      const d = managedDomainOf(r, side);
      return d === undefined ? [] : [d];
    }
    case 'membership':
      return [parentAddress(r, 'group')];
    case 'assignment':
      return [parentAddress(r, 'group'), parentAddress(r, 'project')];
    case 'quota':
      return [parentAddress(r, 'project')];
  }
}

/**
 * Which Keystone domain a project or group is in, as an identity that survives a domain
 * rename: the managed domain's address when the record's domain is the one keyform manages
 * for its workspace, else the domain's name. Two records are in the same domain exactly
 * when their identities are equal, even if the domain's name changes in between.
 */
export function domainIdentity(r: ProjectResource | GroupResource, side: ResourceIndex): string {
  return managedDomainOf(r, side) ?? `name:${r.attrs.domain}`;
}

function managedDomainOf(r: ProjectResource | GroupResource, side: ResourceIndex): string | undefined {
  const a = parentAddress(r, 'domain');
  const d = side.get(a);
  return d?.kind === 'domain' && d.attrs.name === r.attrs.domain ? a : undefined;
}
