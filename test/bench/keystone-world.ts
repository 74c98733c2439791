/**
 * A live state for the plan benchmark made the way `keyform plan` makes it: the Keystone
 * objects holding a set of resources, each parsed from its own JSON text (so every string is
 * a fresh copy, as from an HTTP response), turned into resources by the snapshot's own
 * `toLiveState` and the unified-limits backend's `withLimits`. Records built any other way
 * would not weigh what the snapshot's records weigh.
 *
 * One shared domain (Keystone's `default`, named `Default`), users in it, unified limits in
 * `RegionOne`; ids are 32 hex digits like Keystone's. Objects carry the fields Keystone's
 * lists return beyond those keyform reads (`links`, `options`), since the snapshot keeps the
 * objects as parsed until its resources are made.
 */
import { QUOTA_KEYS, type LiveState, type Resource } from '../../constructs/model/index.ts';
import type { Domain, Group, Limit, Project, RegisteredLimit, Role, RoleAssignment, Service, User } from '../../engine/keystone/index.ts';
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

/** A copy of `x` parsed from JSON: fresh strings, as the snapshot's HTTP client hands them over. */
const fresh = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const ENDPOINT = 'https://keystone.example:5000/v3';
/** The `links` Keystone adds to every object of a list. */
const self = (collection: string, id: string): { links: { self: string } } => ({ links: { self: `${ENDPOINT}/${collection}/${id}` } });

/** Builds Keystone's side of a platform tenant by tenant; `live()` turns it into the snapshot's LiveState. */
export interface KeystoneWorld {
  /** Adds the Keystone objects of `resources` (projects before their groups, groups before their grants and members). */
  add(resources: readonly Resource[]): void;
  /** The platform's live state, as `snapshot()` returns it; `euids` are the users the config binds. */
  live(euids: readonly string[]): LiveState;
}

/** An empty Keystone for `platform` (see `sharedDomainPlatform`). */
export function keystoneWorld(platform: string): KeystoneWorld {
  let next = 0;
  const hexId = (): string => (++next).toString(16).padStart(32, '0');
  /** One object per name, made on first use; `all()` lists them. */
  const byName = <T>(make: (name: string) => T): ((name: string) => T) & { all: () => T[] } => {
    const known = new Map<string, T>();
    return Object.assign((name: string) => known.get(name) ?? known.set(name, make(name)).get(name)!, { all: () => [...known.values()] });
  };
  const projects: Project[] = [];
  const groups: Group[] = [];
  const assignments: RoleAssignment[] = [];
  const limits: Limit[] = [];
  const members = new Map<string, string[]>();
  const projectIds = new Map<string, string>();
  const groupIds = new Map<string, string>();
  const user = byName((name): User => {
    const id = hexId();
    return fresh({ id, name, domain_id: DOMAIN.id, enabled: true, password_expires_at: null, options: {}, ...self('users', id) });
  });
  const role = byName((name): Role => {
    const id = hexId();
    return fresh({ id, name, domain_id: null, description: null, options: {}, ...self('roles', id) });
  });
  const service = byName((type): Service => {
    const id = hexId();
    return fresh({ id, type, name: type, enabled: true, ...self('services', id) });
  });
  const registered = byName((quotaKey): RegisteredLimit => {
    const u = QUOTA_KEYS[quotaKey]!.unifiedLimits!;
    const id = hexId();
    return fresh({ id, service_id: service(u.serviceType).id, region_id: REGION, resource_name: u.resourceName, default_limit: 10, description: null, ...self('registered_limits', id) });
  });
  const tenantOf = (r: Resource): string => `${r.key.workspace}/${'project' in r.key ? r.key.project : ''}`;
  const groupOf = (r: Resource & { key: { role: string } }): string => `${tenantOf(r)}/${r.key.role}`;
  return {
    add(resources) {
      for (const r of resources) {
        switch (r.kind) {
          case 'project': {
            const id = hexId();
            const p: Project = { id, name: r.attrs.name, domain_id: DOMAIN.id, description: r.attrs.description, enabled: r.attrs.enabled, tags: r.attrs.tags, parent_id: DOMAIN.id, is_domain: false };
            projectIds.set(tenantOf(r), id);
            projects.push(fresh({ ...p, options: {}, ...self('projects', id) }));
            break;
          }
          case 'group': {
            const id = hexId();
            const g: Group = { id, name: r.attrs.name, domain_id: DOMAIN.id, description: r.attrs.description };
            groupIds.set(groupOf(r), id);
            groups.push(fresh({ ...g, ...self('groups', id) }));
            break;
          }
          case 'assignment': {
            const [g, p, ro] = [groupIds.get(groupOf(r))!, projectIds.get(tenantOf(r))!, role(r.attrs.keystoneRole).id];
            assignments.push(fresh({ role: { id: ro }, group: { id: g }, scope: { project: { id: p } }, links: { assignment: `${ENDPOINT}/projects/${p}/groups/${g}/roles/${ro}` } }));
            break;
          }
          case 'membership': {
            const g = groupIds.get(groupOf(r))!;
            const list = members.get(g) ?? members.set(g, []).get(g)!;
            list.push(fresh(user(r.key.euid).id));
            break;
          }
          case 'quota': {
            const home = registered(r.key.quotaKey);
            const id = hexId();
            limits.push(fresh({
              id, service_id: home.service_id, region_id: REGION, resource_name: home.resource_name, resource_limit: r.attrs.value,
              project_id: projectIds.get(tenantOf(r))!, domain_id: null, description: limitDescription(r), ...self('limits', id),
            }));
            break;
          }
          case 'domain':
            throw new Error('keystoneWorld: tenants live in the shared domain; a workspace domain is not modelled');
        }
      }
    },
    live(euids) {
      // Users the config binds exist, whether or not they are members yet.
      for (const e of euids) user(e);
      const view: KeystoneView = {
        domains: [DOMAIN], platformDomainIds: new Set([DOMAIN.id]), userDomainId: DOMAIN.id,
        projects, groups, users: user.all(), roles: [role('member'), role('reader')], domainRoles: [], assignments, members,
      };
      const settings = sharedDomainPlatform(platform);
      const services = [...new Set(Object.values(QUOTA_KEYS).flatMap((k) => (k.unifiedLimits ? [k.unifiedLimits.serviceType] : [])))].map(service);
      const regs = Object.keys(QUOTA_KEYS).filter((k) => QUOTA_KEYS[k]!.unifiedLimits).map(registered);
      return withLimits(toLiveState(view, settings, euids), limits, services, limitCatalog(regs, services, REGION), REGION);
    },
  };
}
