import {
  address,
  compareCodeUnits,
  descriptionMarker,
  keystoneId,
  parseTenantKey,
  projectOwner,
  shareWithTwin,
  type DomainResource,
  type GroupResource,
  type ProjectResource,
  type Twins,
  type UnmanagedObject,
} from '../../constructs/model/index.ts';
import type { Domain, Group, Project } from '../keystone/index.ts';
import type { KeystoneLists } from './read-keystone.ts';
import { stringPool } from '../util/string-pool.ts';

/** Live objects with their Keystone object, and the look-alikes that are not this platform's. */
export interface Claimed<R, K> {
  readonly resources: ReadonlyMap<string, { readonly resource: R; readonly object: K }>;
  readonly unmanaged: readonly UnmanagedObject[];
}

/**
 * Picks one object per address when several claim it (tags or descriptions copied by hand):
 * the first by `rank`, then by id. The others are reported as unmanaged objects owned by
 * this platform, so nothing ever modifies them and a reviewer sees the clash.
 */
function claim<R extends { address: string }, K extends { id: string }>(
  candidates: readonly { resource: R; object: K }[],
  rank: (k: K) => number,
  asUnmanaged: (k: K) => UnmanagedObject,
): Claimed<R, K> {
  // Ranked once each: a rank may parse tags, and a sort compares each candidate ~log n times.
  const sorted = candidates.map((c) => ({ c, rank: rank(c.object) })).sort((a, b) => a.rank - b.rank || compareCodeUnits(a.c.object.id, b.c.object.id));
  const resources = new Map<string, { resource: R; object: K }>();
  const unmanaged: UnmanagedObject[] = [];
  for (const { c } of sorted) {
    if (resources.has(c.resource.address)) unmanaged.push(asUnmanaged(c.object));
    else resources.set(c.resource.address, c);
  }
  return { resources, unmanaged };
}

/**
 * Workspace domains marked for `platform`, and (with one domain per workspace, where a desired
 * domain's name may clash) every other domain as unmanaged. With a shared domain
 * (`shared`: its id) the marked domains are where the tenants lived before the platform stopped
 * giving each workspace a domain: live, so that the plan empties and removes them. The shared
 * domain itself is never one of them, even if it carries a marker.
 */
export function liveDomains(v: KeystoneLists, platform: string, placement: { readonly perWorkspace: true } | { readonly perWorkspace: false; readonly shared: string | undefined }, twins: Twins): Claimed<DomainResource, Domain> {
  const candidates: { resource: DomainResource; object: Domain }[] = [];
  const others: UnmanagedObject[] = [];
  const shared = placement.perWorkspace ? undefined : placement.shared;
  for (const d of v.domains) {
    const m = descriptionMarker(d.description);
    if (m?.platform === platform && m.workspace && d.id !== shared) {
      const resource = shareWithTwin<DomainResource>({
        kind: 'domain', address: address('domain', [platform, m.workspace]), platform, key: { workspace: m.workspace },
        attrs: { name: d.name, description: d.description ?? '', enabled: d.enabled }, ids: { id: keystoneId('domain', d.id) }, managed: true,
      }, twins);
      candidates.push({ resource, object: d });
    } else if (placement.perWorkspace) {
      others.push({ kind: 'domain', name: d.name, domain: '', id: d.id, description: d.description ?? '', ...owner(m?.platform) });
    }
  }
  const c = claim(candidates, (d) => (d.enabled ? 0 : 1), (d) => ({ kind: 'domain', name: d.name, domain: '', id: d.id, ownedByPlatform: platform, description: d.description ?? '' }));
  return { resources: c.resources, unmanaged: [...others, ...c.unmanaged] };
}

/**
 * Projects tagged for `platform` in the platform's domains, and the untagged (or other
 * platforms') projects there. A marker outside those domains is not honoured: keyform never
 * manages anything in a domain it does not manage, whatever tags were copied there.
 */
export function liveProjects(v: KeystoneLists, platform: string, domainName: (id: string) => string, current: ReadonlySet<string>, twins: Twins): Claimed<ProjectResource, Project> {
  const candidates: { resource: ProjectResource; object: Project }[] = [];
  const others: UnmanagedObject[] = [];
  const asUnmanaged = (p: Project, by: string | undefined): UnmanagedObject => ({
    kind: 'project', name: p.name, domain: domainName(p.domain_id), id: p.id, tags: [...p.tags].sort(), enabled: p.enabled, description: p.description ?? '', ...owner(by),
  });
  // Marker and user tags and the domain id repeat on every project.
  const pooled = stringPool();
  for (const p of v.projects) {
    if (!v.platformDomainIds.has(p.domain_id)) continue;
    const o = projectOwner(p.tags);
    if (o?.platform === platform) {
      const resource = shareWithTwin<ProjectResource>({
        kind: 'project', address: address('project', [platform, o.workspace, o.project]), platform,
        key: { workspace: o.workspace, project: o.project },
        attrs: { name: p.name, domain: domainName(p.domain_id), description: p.description ?? '', enabled: p.enabled, tags: p.tags.map(pooled).sort() },
        ids: { id: keystoneId('project', p.id), domainId: keystoneId('domain', pooled(p.domain_id)) }, managed: true,
      }, twins);
      candidates.push({ resource, object: p });
    } else {
      others.push(asUnmanaged(p, o?.platform));
    }
  }
  const c = claim(candidates, (p) => (projectOwner(p.tags)?.retired ? 2 : placementRank(p.domain_id, current)), (p) => asUnmanaged(p, platform));
  return { resources: c.resources, unmanaged: [...others, ...c.unmanaged] };
}

/** Groups of the platform's domains whose description marker names `platform`, a tenant and a role; the other groups there as unmanaged. */
export function liveGroups(v: KeystoneLists, platform: string, domainName: (id: string) => string, current: ReadonlySet<string>, twins: Twins): Claimed<GroupResource, Group> {
  const candidates: { resource: GroupResource; object: Group }[] = [];
  const others: UnmanagedObject[] = [];
  const asUnmanaged = (g: Group, by: string | undefined): UnmanagedObject => ({
    kind: 'group', name: g.name, domain: domainName(g.domain_id), id: g.id, description: g.description ?? '', ...owner(by),
  });
  // A tenant's workspace and project repeat in each of its groups; roles and the domain id in all of them.
  const pooled = stringPool();
  for (const g of v.groups) {
    if (!v.platformDomainIds.has(g.domain_id)) continue;
    const m = descriptionMarker(g.description);
    const t = parseTenantKey(m?.tenant);
    if (m?.platform === platform && t && m.role) {
      const resource = shareWithTwin<GroupResource>({
        kind: 'group', address: address('group', [platform, t.workspace, t.project, m.role]), platform,
        key: { workspace: pooled(t.workspace), project: pooled(t.project), role: pooled(m.role) },
        attrs: { name: g.name, domain: domainName(g.domain_id), description: g.description ?? '' },
        ids: { id: keystoneId('group', g.id), domainId: keystoneId('domain', pooled(g.domain_id)) }, managed: true,
      }, twins);
      candidates.push({ resource, object: g });
    } else {
      others.push(asUnmanaged(g, m?.platform));
    }
  }
  const c = claim(candidates, (g) => placementRank(g.domain_id, current), (g) => asUnmanaged(g, platform));
  return { resources: c.resources, unmanaged: [...others, ...c.unmanaged] };
}

function owner(platform: string | undefined): { ownedByPlatform?: string } {
  return platform ? { ownedByPlatform: platform } : {};
}

/**
 * Between two objects claiming one address, the one in a domain the platform no longer places
 * tenants in (`current` holds those it does) comes first: a move that stopped half-way (the
 * new object made, the old one not yet retired) is still a move, so the next plan finishes it;
 * the new object is found again when its create answers 409.
 */
function placementRank(domainId: string, current: ReadonlySet<string>): number {
  return current.has(domainId) ? 1 : 0;
}
