import { address, type GroupResource, type ProjectResource, type Resource } from '../constructs/model/index.ts';

/** Resources of one side (desired or live) by address. */
export type ResourceIndex = ReadonlyMap<string, Resource>;

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
      return [address('group', [r.platform, r.key.workspace, r.key.project, r.key.role])];
    case 'assignment':
      return [address('group', [r.platform, r.key.workspace, r.key.project, r.key.role]), address('project', [r.platform, r.key.workspace, r.key.project])];
    case 'quota':
      return [address('project', [r.platform, r.key.workspace, r.key.project])];
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
  const a = address('domain', [r.platform, r.key.workspace]);
  const d = side.get(a);
  return d?.kind === 'domain' && d.attrs.name === r.attrs.domain ? a : undefined;
}
