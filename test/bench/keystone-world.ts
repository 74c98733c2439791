/**
 * A live state for the plan benchmark made the way `keyform plan` makes it: each Keystone list
 * the snapshot reads is written out as the JSON text of Keystone's answer (every object with
 * the fields Keystone returns beyond those keyform reads: `links`, `options`,
 * `password_expires_at`), parsed, and read by the same decoders the snapshot's list calls use
 * (`decodeItems`), one answer at a time as the answers of a one-worker Keystone arrive; the
 * decoded lists are turned into resources by the snapshot's own `toLiveState` and the
 * unified-limits backend's `withLimits`. Records built any other way would not weigh what the
 * snapshot's records weigh, and the peak holds an answer's text beside its parsed objects as
 * a real one does.
 *
 * Keystone's side is kept as the resources each tenant was added with (the desired records
 * themselves for a tenant that did not drift) and the first of its ids: the objects are made
 * again, with the same ids, for each answer. One shared domain (Keystone's `default`, named
 * `Default`), users in it, unified limits in `RegionOne`; ids are 32 hex digits like Keystone's.
 */
import { QUOTA_KEYS, twinsOf, type LiveState, type QuotaResource, type Resource } from '../../constructs/model/index.ts';
import {
  decodeGroup, decodeItems, decodeLimit, decodeProject, decodeRegisteredLimit, decodeRoleAssignment, decodeService, decodeUser,
  type Decoder, type Domain, type Role,
} from '../../engine/keystone/index.ts';
import { limitCatalog } from '../../engine/quota/limit-catalog.ts';
import { withLimits } from '../../engine/quota/unified-limits.ts';
import { limitDescription } from '../../engine/quota/write-limits.ts';
import { toLiveState, type KeystoneView, type PlatformSettingsForSnapshot } from '../../engine/snapshot/index.ts';

const REGION = 'RegionOne';
const DOMAIN: Domain = { id: 'default', name: 'Default', description: 'The default domain', enabled: true };

/** The snapshot settings of a platform whose tenants live in the `default` domain and whose quotas are unified limits. */
export function sharedDomainPlatform(id: string): PlatformSettingsForSnapshot {
  return { id, region: REGION, userDomain: DOMAIN.id, domain: DOMAIN.id, domainPerWorkspace: false, tagPrefix: 'kf_', quotaBackend: 'unified-limits' };
}

const ENDPOINT = 'https://keystone.example:5000/v3';
/** The `links` Keystone adds to every object of a list. */
const self = (collection: string, id: string): { links: { self: string } } => ({ links: { self: `${ENDPOINT}/${collection}/${id}` } });
const hex = (n: number): string => n.toString(16).padStart(32, '0');

/**
 * Keystone's answer to `GET /v3/{key}` holding `items`, as the snapshot reads it: the JSON
 * text, parsed, each object decoded (the text and the parsed objects are dropped after).
 */
function answer<T>(key: string, items: readonly unknown[], decode: Decoder<T>): T[] {
  const text = JSON.stringify({ [key]: items, links: { self: `${ENDPOINT}/${key}`, next: null, previous: null } });
  const body = JSON.parse(text) as Record<string, unknown[]>;
  return decodeItems(body[key]!, decode, `/${key}`, key)._unsafeUnwrap();
}

/** Builds Keystone's side of a platform tenant by tenant; `live()` turns it into the snapshot's LiveState. */
export interface KeystoneWorld {
  /** Adds the Keystone objects of `resources` (projects before their groups, groups before their grants and members). */
  add(resources: readonly Resource[]): void;
  /**
   * The platform's live state, as `snapshot()` returns it; `euids` are the users the config
   * binds, `desired` the desired resources (sorted) its records share parts with, as `keyform plan`'s do.
   */
  live(euids: readonly string[], desired: readonly Resource[]): LiveState;
}

/** What each Keystone object of one tenant's resources is, with its id (`replay`). */
interface TenantObjects {
  project(r: Resource & { kind: 'project' }, id: string): void;
  group(r: Resource & { kind: 'group' }, id: string): void;
  assignment(r: Resource & { kind: 'assignment' }, groupId: string, projectId: string): void;
  membership(r: Resource & { kind: 'membership' }, groupId: string): void;
  quota(r: QuotaResource, id: string, projectId: string): void;
}

/** An empty Keystone for `platform` (see `sharedDomainPlatform`). */
export function keystoneWorld(platform: string): KeystoneWorld {
  /** Projects, groups and limits take ids from here, tenant after tenant, in the order they were added. */
  let nextObject = 0;
  /** Users, roles, services and registered limits from here, above any object id. */
  let nextShared = 2 ** 48;
  const tenants: { readonly resources: readonly Resource[]; readonly first: number }[] = [];
  /** One id per name, made on first use. */
  const byName = (): ((name: string) => string) & { names: () => [string, string][] } => {
    const known = new Map<string, string>();
    return Object.assign((name: string) => known.get(name) ?? known.set(name, hex(++nextShared)).get(name)!, { names: () => [...known] });
  };
  const user = byName();
  const role = byName();
  const service = byName();
  const registered = byName();
  const serviceOf = (quotaKey: string): string => service(QUOTA_KEYS[quotaKey]!.unifiedLimits!.serviceType);
  const tenantOf = (r: Resource): string => `${r.key.workspace}/${'project' in r.key ? r.key.project : ''}`;
  const groupOf = (r: Resource & { key: { role: string } }): string => `${tenantOf(r)}/${r.key.role}`;

  /** Calls `on` for each Keystone object of a tenant, with the ids `add` gave them. */
  function replay(t: (typeof tenants)[number], on: Partial<TenantObjects>): void {
    let next = t.first;
    const projectIds = new Map<string, string>();
    const groupIds = new Map<string, string>();
    for (const r of t.resources) {
      switch (r.kind) {
        case 'project': {
          const id = hex(++next);
          projectIds.set(tenantOf(r), id);
          on.project?.(r, id);
          break;
        }
        case 'group': {
          const id = hex(++next);
          groupIds.set(groupOf(r), id);
          on.group?.(r, id);
          break;
        }
        case 'assignment':
          on.assignment?.(r, groupIds.get(groupOf(r))!, projectIds.get(tenantOf(r))!);
          break;
        case 'membership':
          on.membership?.(r, groupIds.get(groupOf(r))!);
          break;
        case 'quota':
          on.quota?.(r, hex(++next), projectIds.get(tenantOf(r))!);
          break;
        case 'domain':
          throw new Error('keystoneWorld: tenants live in the shared domain; a workspace domain is not modelled');
      }
    }
  }
  /** Every object `pick` makes of the tenants' objects, in order. */
  function all(pick: (out: unknown[]) => Partial<TenantObjects>): unknown[] {
    const out: unknown[] = [];
    const on = pick(out);
    for (const t of tenants) replay(t, on);
    return out;
  }

  return {
    add(resources) {
      tenants.push({ resources, first: nextObject });
      for (const r of resources) {
        if (r.kind === 'project' || r.kind === 'group' || r.kind === 'quota') nextObject++;
        if (r.kind === 'membership') user(r.key.euid);
        if (r.kind === 'assignment') role(r.attrs.keystoneRole);
        if (r.kind === 'quota') registered(r.key.quotaKey);
      }
    },
    live(euids, desired) {
      // Users the config binds exist, whether or not they are members yet; every key unified limits can hold is registered.
      for (const e of euids) user(e);
      for (const k of Object.keys(QUOTA_KEYS)) if (QUOTA_KEYS[k]!.unifiedLimits) registered(k), serviceOf(k);
      const roles: Role[] = [role('member'), role('reader')].map((id, i) => ({ id, name: i === 0 ? 'member' : 'reader', domain_id: null }));
      const projects = answer('projects', all((out) => ({
        project: (r, id) => out.push({
          id, name: r.attrs.name, domain_id: DOMAIN.id, description: r.attrs.description, enabled: r.attrs.enabled, tags: r.attrs.tags,
          parent_id: DOMAIN.id, is_domain: false, options: {}, ...self('projects', id),
        }),
      })), decodeProject);
      const groups = answer('groups', all((out) => ({
        group: (r, id) => out.push({ id, name: r.attrs.name, domain_id: DOMAIN.id, description: r.attrs.description, ...self('groups', id) }),
      })), decodeGroup);
      const assignments = answer('role_assignments', all((out) => ({
        assignment: (r, g, p) => {
          const ro = role(r.attrs.keystoneRole);
          out.push({ role: { id: ro }, group: { id: g }, scope: { project: { id: p } }, links: { assignment: `${ENDPOINT}/projects/${p}/groups/${g}/roles/${ro}` } });
        },
      })), decodeRoleAssignment);
      const users = answer('users', user.names().map(([name, id]) => ({
        id, name, domain_id: DOMAIN.id, enabled: true, password_expires_at: null, options: {}, ...self('users', id),
      })), decodeUser);
      // Each of the platform's groups' members come in an answer of their own (`per-group`),
      // kept by the group's id as the groups answer gave it (groups come in the same order).
      const members = new Map<string, string[]>();
      let nextGroup = 0;
      for (const t of tenants) {
        const byGroup = new Map<string, unknown[]>();
        replay(t, {
          group: (_, id) => void byGroup.set(id, []),
          membership: (r, g) => void byGroup.get(g)!.push({ id: user(r.key.euid), name: r.key.euid, domain_id: DOMAIN.id, enabled: true, password_expires_at: null, options: {}, ...self('users', user(r.key.euid)) }),
        });
        for (const [id, us] of byGroup) {
          const g = groups[nextGroup++]!;
          if (g.id !== id) throw new Error(`keystoneWorld: group ${id} answered as ${g.id}`);
          members.set(g.id, answer('users', us, decodeUser).map((u) => u.id).sort());
        }
      }
      // The quota backend's lists are read beside Keystone's and held until the resources are made.
      const services = answer('services', service.names().map(([type, id]) => ({ id, type, name: type, enabled: true, ...self('services', id) })), decodeService);
      const regs = answer('registered_limits', registered.names().map(([quotaKey, id]) => {
        const u = QUOTA_KEYS[quotaKey]!.unifiedLimits!;
        return { id, service_id: serviceOf(quotaKey), region_id: REGION, resource_name: u.resourceName, default_limit: 10, description: null, ...self('registered_limits', id) };
      }), decodeRegisteredLimit);
      const limits = answer('limits', all((out) => ({
        quota: (r, id, projectId) => out.push({
          id, service_id: serviceOf(r.key.quotaKey), region_id: REGION, resource_name: QUOTA_KEYS[r.key.quotaKey]!.unifiedLimits!.resourceName,
          resource_limit: r.attrs.value, project_id: projectId, domain_id: null, description: limitDescription(r), ...self('limits', id),
        }),
      })), decodeLimit);
      const view: KeystoneView = { domains: [DOMAIN], platformDomainIds: new Set([DOMAIN.id]), userDomainId: DOMAIN.id, projects, groups, users, roles, domainRoles: [], assignments, members };
      const twins = twinsOf(desired);
      const live = toLiveState(view, sharedDomainPlatform(platform), euids, {}, twins);
      return withLimits(live, limits, services, limitCatalog(regs, services, REGION), REGION, twins);
    },
  };
}
