import {
  address, DELETE_POLICY_TAG, keystoneId, NO_MEMBERSHIP_ATTRS, projectMarkerTags, RETIRED_TAG, sortResources, withDescriptionMarker,
  type DesiredState, type DomainResource, type IdsByKind, type KeystoneId, type KeystoneObjectType, type LiveState, type ProjectResource, type Resource, type ResourceKind, type ResourceOfKind, type UnmanagedObject,
} from '../../constructs/model/index.ts';
import { flatString } from '../../constructs/model/flat-string.ts';

/**
 * Tiny builders for plan tests, shaped the way `synth()` shapes desired resources (names
 * `WORKSPACE.PROJECT` and `WORKSPACE.PROJECT-ROLE`, markers in tags and descriptions, user
 * tags under `kf_`), so each test states only what it is about. Their strings are flat, as
 * synth's are (`flatString`): the plan benchmark weighs these records.
 */
export const PLATFORM = 'os-prod';
export const PREFIX = 'kf_';

export interface TenantSpec {
  readonly workspace?: string;
  readonly project?: string;
  readonly platform?: string;
  /** The domain's name. @default 'default' (or the workspace with `ownDomain`) */
  readonly domain?: string;
  /** The tenant lives in its workspace's own domain (`domain_per_workspace`). @default false */
  readonly ownDomain?: boolean;
  readonly name?: string;
  readonly enabled?: boolean;
  /** User tags, written under the prefix: `{ cost_center: 'cc42' }` → `kf_cost_center=cc42`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Role alias → Keystone role. @default { admin: 'member' } */
  readonly roles?: Readonly<Record<string, string>>;
  /** euid → role aliases. */
  readonly members?: Readonly<Record<string, readonly string[]>>;
  readonly quotas?: Readonly<Record<string, number>>;
  readonly deletionPolicy?: 'retain' | 'delete';
  readonly adopt?: boolean;
  /** Extra tags as found on the live project (foreign tags, `keyform.retired`). */
  readonly extraTags?: readonly string[];
}

/** The desired resources of one tenant (without its domain: see `workspaceDomain`). */
export function tenant(spec: TenantSpec = {}): Resource[] {
  const w = spec.workspace ?? 'acme', p = spec.project ?? 'webshop', platform = spec.platform ?? PLATFORM;
  const domain = spec.domain ?? (spec.ownDomain ? w : 'default');
  const roles = spec.roles ?? { admin: 'member' };
  const tags = [
    ...projectMarkerTags(platform, w, p),
    ...(spec.deletionPolicy === 'delete' ? [DELETE_POLICY_TAG] : []),
    ...Object.entries(spec.tags ?? {}).map(([k, v]) => flatString([PREFIX, k, '=', v])),
    ...(spec.extraTags ?? []),
  ].sort();
  const project: ProjectResource = {
    kind: 'project', address: address('project', [platform, w, p]), platform, key: { workspace: w, project: p },
    attrs: { name: spec.name ?? flatString([w, '.', p]), domain, description: flatString([w, '/', p]), enabled: spec.enabled ?? true, tags },
    ...(spec.adopt ? { adopt: true } : {}),
  };
  const out: Resource[] = [project];
  for (const [role, keystoneRole] of Object.entries(roles)) {
    const key = { workspace: w, project: p, role };
    out.push({
      kind: 'group', address: address('group', [platform, w, p, role]), platform, key,
      attrs: { name: flatString([w, '.', p, '-', role]), domain, description: withDescriptionMarker(`${w}/${p} ${role}`, { platform, tenant: `${w}.${p}`, role }) },
    });
    out.push({ kind: 'assignment', address: address('assignment', [platform, w, p, role]), platform, key, attrs: { keystoneRole } });
  }
  for (const [euid, rs] of Object.entries(spec.members ?? {})) {
    for (const role of rs) {
      out.push({ kind: 'membership', address: address('membership', [platform, w, p, role, euid]), platform, key: { workspace: w, project: p, role, euid }, attrs: NO_MEMBERSHIP_ATTRS });
    }
  }
  for (const [quotaKey, value] of Object.entries(spec.quotas ?? {})) {
    out.push({ kind: 'quota', address: address('quota', [platform, w, p, quotaKey]), platform, key: { workspace: w, project: p, quotaKey }, attrs: { value, backend: 'unified-limits' } });
  }
  return out;
}

/** A workspace's own domain (`domain_per_workspace`). */
export function workspaceDomain(workspace = 'acme', opts: { name?: string; enabled?: boolean; platform?: string } = {}): DomainResource {
  const platform = opts.platform ?? PLATFORM;
  return {
    kind: 'domain', address: address('domain', [platform, workspace]), platform, key: { workspace },
    attrs: { name: opts.name ?? workspace, description: withDescriptionMarker(workspace, { platform, workspace }), enabled: opts.enabled ?? true },
  };
}

/** What synth would return for these resources. */
export function desiredState(resources: readonly Resource[], platform = PLATFORM): DesiredState {
  return { platform, tagPrefix: PREFIX, resources: sortResources(resources.filter((r) => r.platform === platform)) };
}

/** A fixture's Keystone id: the kind and identity of the object, e.g. `group-os-prod-acme-webshop-admin`. */
function fixtureId<T extends KeystoneObjectType>(type: T, parts: readonly string[]): KeystoneId<T> {
  return keystoneId(type, [type, ...parts].join('-'));
}

/**
 * `r` with Keystone ids and the managed flag, as one object literal of the snapshot's shape:
 * without desired-only fields, and not a spread copy (V8 gives a spread copy ~4x the memory).
 */
function withIds<K extends ResourceKind>(r: ResourceOfKind<K>, ids: IdsByKind[K]): ResourceOfKind<K> {
  return { kind: r.kind, address: r.address, platform: r.platform, key: r.key, attrs: r.attrs, ids, managed: true } as ResourceOfKind<K>;
}

/** A resource as a snapshot returns it: with Keystone ids and the managed flag, without desired-only fields. */
export function asLive(r: Resource): Resource {
  const tenant = [r.platform, r.key.workspace, ...('project' in r.key ? [r.key.project] : [])];
  const group = (k: { role: string }) => fixtureId('group', [...tenant, k.role]);
  switch (r.kind) {
    case 'domain':
      return withIds(r, { id: fixtureId('domain', tenant) });
    case 'project':
      return withIds(r, { id: fixtureId('project', tenant) });
    case 'group':
      return withIds(r, { id: group(r.key), domainId: fixtureId('domain', [r.attrs.domain]) });
    case 'membership':
      return withIds(r, { groupId: group(r.key), userId: fixtureId('user', [r.key.euid]) });
    case 'assignment':
      return withIds(r, { groupId: group(r.key), projectId: fixtureId('project', tenant), roleId: fixtureId('role', [r.attrs.keystoneRole]) });
    case 'quota':
      return withIds(r, r.attrs.backend === 'unified-limits' ? { projectId: fixtureId('project', tenant), id: fixtureId('limit', [...tenant, r.key.quotaKey]) } : { projectId: fixtureId('project', tenant) });
  }
}

/** A retired tenant's live project: disabled and tagged `keyform.retired`. */
export function retired(resources: readonly Resource[]): Resource[] {
  return resources.map((r) => (r.kind === 'project' ? { ...r, attrs: { ...r.attrs, enabled: false, tags: [...r.attrs.tags, RETIRED_TAG].sort() } } : r));
}

export interface LiveSpec {
  readonly platform?: string;
  /** euids that exist in Keystone; @default every euid with a membership in `resources` */
  readonly users?: readonly string[];
  readonly unmanaged?: readonly UnmanagedObject[];
}

/** A snapshot holding `resources` (made live with `asLive`). */
export function liveState(resources: readonly Resource[], spec: LiveSpec = {}): LiveState {
  const platform = spec.platform ?? PLATFORM;
  const mine = resources.filter((r) => r.platform === platform);
  const euids = spec.users ?? mine.flatMap((r) => (r.kind === 'membership' ? [r.key.euid] : []));
  return {
    platform,
    resources: sortResources(mine.map(asLive)),
    unmanaged: spec.unmanaged ?? [],
    users: Object.fromEntries([...new Set(euids)].sort().map((e) => [e, `user-${e}`])),
    roles: { member: 'role-member', reader: 'role-reader' },
    domains: { default: 'domain-default' },
  };
}

/** Replaces the resource at `addr` in `resources` with `edit(it)`. */
export function edit(resources: readonly Resource[], addr: string, change: (r: Resource) => Resource): Resource[] {
  return resources.map((r) => (r.address === addr ? change(r) : r));
}

/** The `{action, address}` summary of a list of changes, in order. */
export function actions(changes: readonly { action: string; address: string }[]): string[] {
  return changes.map((c) => `${c.action} ${c.address}`);
}
