import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { synthConfig, quotaKeyInfo, type Resource, type ResourceOfKind } from '../../constructs/index.ts';
import { limitDescription } from '../../engine/quota/write-limits.ts';
import * as ks from '../../engine/keystone/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../engine/openstack/index.ts';
import { CLOUD_NAMES } from './clouds-yaml.ts';
import { type LauncherError, keystoneRequestFailed } from './launcher-error.ts';
import { SYSTEM_PYTHON, logTail, runCommand } from './processes.ts';
import { fsCall, pythonHelper } from './stack-files.ts';

/** The Keystone to fill: a launcher stack, or a benchmark's own Keystone (its folder holds etc/keystone.conf). */
export interface SeedTarget {
  readonly dir: string;
  /** clouds.yaml with `admin` and `admin-system` (as every launcher stack writes it). */
  readonly cloudsYaml: string;
}

/** What to seed. */
export interface SeedTenantsOptions {
  readonly stack: SeedTarget;
  readonly tenants: number;
  /** Keystone users named by euid (`seedEuid(k)`), in domain `default`; existing ones are kept. */
  readonly users: number;
  /** @default 'seed' */
  readonly platform?: string;
  /** The shared domain the tenants live in; made if absent. @default 'kfseed' */
  readonly domain?: string;
  /** Members of each role's group of a tenant. @default 3 */
  readonly membersPerGroup?: number;
  /** One `compute.cores` quota per tenant, in unified limits. @default true */
  readonly quotas?: boolean;
  /** A new or empty folder the config is written into (several JSON files). @default `${stack.dir}/seed-${platform}` */
  readonly configDir?: string;
}

/** A seeded Keystone: the config whose `keyform plan` finds nothing to change, and what was written. */
export interface SeededTenants {
  /** The config folder, as `keyform plan --config` takes it. */
  readonly config: string;
  readonly platform: string;
  /** The euids of every user the seed names, bound or not. */
  readonly euids: readonly string[];
  /** Resources written, by kind. */
  readonly counts: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** The euid of seeded user `k`. */
export const seedEuid = (k: number): string => `user${k}@seed.example`;

const ROLES = ['admin', 'user', 'reader'] as const;

/**
 * The config (canonical JSON form) of `tenants` tenants, 10 per workspace, on a shared
 * domain: role `r`'s group of tenant `i` holds users `(i·3·m + r·m + j) mod users` for
 * j < m, so every user is in about tenants·3·m/users groups (4.5 at 10,000 tenants and
 * 20,000 users), as in a cloud where each person works in a few teams.
 */
export function seedDocument(o: Required<Pick<SeedTenantsOptions, 'tenants' | 'users' | 'platform' | 'domain' | 'membersPerGroup' | 'quotas'>>): Record<string, unknown> {
  const workspace: Record<string, { name: string; tags: Record<string, string>; project: Record<string, unknown> }> = {};
  const m = o.membersPerGroup;
  for (let i = 0; i < o.tenants; i++) {
    const w = Math.floor(i / 10);
    const ws = (workspace[`ws${w}`] ??= { name: `Workspace ${w}`, tags: { cost_center: `cc${w % 7}` }, project: {} });
    const user: Record<string, { roles: string[] }> = {};
    ROLES.forEach((role, r) => {
      for (let j = 0; j < m; j++) (user[seedEuid((i * ROLES.length * m + r * m + j) % o.users)] ??= { roles: [] }).roles.push(role);
    });
    const tenant = o.quotas ? { landing_zone: 'standard', quota: { 'compute.cores': 8 + (i % 32) } } : { landing_zone: 'standard' };
    ws.project[`p${i % 10}`] = { tenant: { [o.platform]: tenant }, user };
  }
  return {
    platform: {
      [o.platform]: {
        cloud: CLOUD_NAMES.admin, limits_cloud: CLOUD_NAMES.adminSystem, region: 'RegionOne', user_domain: 'default',
        domain: o.domain, domain_per_workspace: false, tag_prefix: 'kf_', quota_backend: 'unified-limits',
      },
    },
    landing_zone: { standard: { platform: o.platform, ...(o.quotas ? { quota: { 'compute.cores': 20 } } : {}), tags: { environment: 'bench' } } },
    workspace,
  };
}

/**
 * Fills a Keystone with `tenants` keyform-managed tenants and `users` users in about a
 * minute per 10,000 tenants (the API takes ~25 writes/s: hours). The tenants are exactly
 * what `keyform apply` of the returned config writes: keyform's own synth makes the
 * desired state, and a Python helper (`python/keystone_seed.py`, Keystone's SQL models, one
 * transaction) writes its projects with tags, groups with markers, role assignments,
 * memberships and limits. What the cloud operator provides is made through the API: the
 * shared domain, and for quotas the `compute` service with a registered limit.
 *
 * Keystone's in-process cache holds no list, so a running Keystone serves the new objects at
 * once. Seeding the same platform twice into one Keystone fails on the taken names, with
 * nothing written; so does a seed whose API calls reached another Keystone than the one on
 * `stack.dir`'s database (CommandFailed naming the ids that database lacks).
 * @example const seeded = (await seedTenants({ stack: testStack(), tenants: 50, users: 40 }))._unsafeUnwrap();
 */
export function seedTenants(opts: SeedTenantsOptions): ResultAsync<SeededTenants, LauncherError> {
  const started = performance.now();
  const o = { platform: 'seed', domain: 'kfseed', membersPerGroup: 3, quotas: true, ...opts };
  const configDir = opts.configDir ?? join(opts.stack.dir, `seed-${o.platform}`);
  const euids = Array.from({ length: o.users }, (_, k) => seedEuid(k));
  return fsCall(configDir, () => writeConfig(configDir, seedDocument(o)))
    .asyncAndThen(() => desiredResources(configDir, o.platform))
    .andThen((desired) =>
      session(opts.stack.cloudsYaml, CLOUD_NAMES.admin).andThen((s) =>
        operatorObjects(s, o.domain, o.quotas)
          .andThen((ids) => writeRecords(opts.stack.dir, records(desired, euids, ids)))
          .andThen((file) => writeRows(opts.stack.dir, file))
          .map(() => {
            s.close();
            const counts: Record<string, number> = {};
            for (const r of desired) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
            return { config: configDir, platform: o.platform, euids, counts, seconds: (performance.now() - started) / 1000 };
          })
          .mapErr((e) => {
            s.close();
            return e;
          }),
      ),
    );
}

/** Workspaces per file: the loader reads at most 16 MB of text a file (~5,000 tenants of this shape). */
const WORKSPACES_PER_FILE = 200;

/**
 * Writes `doc` as `platform.json` and `workspaces-NNNN.json` files of `WORKSPACES_PER_FILE`
 * workspaces each, into a new or empty folder: files left from another seed would join the config.
 */
function writeConfig(dir: string, doc: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: seed into a new config folder`);
  const { workspace, ...rest } = doc as { workspace: Record<string, unknown> };
  writeFileSync(join(dir, 'platform.json'), JSON.stringify(rest));
  const names = Object.keys(workspace);
  for (let i = 0; i < names.length; i += WORKSPACES_PER_FILE) {
    const part = Object.fromEntries(names.slice(i, i + WORKSPACES_PER_FILE).map((n) => [n, workspace[n]]));
    writeFileSync(join(dir, `workspaces-${String(i / WORKSPACES_PER_FILE).padStart(4, '0')}.json`), JSON.stringify({ workspace: part }));
  }
}

function desiredResources(config: string, platform: string): ResultAsync<readonly Resource[], LauncherError> {
  return synthConfig(config).map((x) => x.output.platforms.find((d) => d.platform === platform)?.resources ?? []).mapErr((e) => {
    // The document is made above: a config error is a bug in seedDocument, not in the caller's input.
    throw new Error(`the seed config does not synthesize: ${e.message}: ${e.problems.map((x) => `${x.path} ${x.message}`).join('; ')}`);
  });
}

function session(cloudsYaml: string, cloud: string): ResultAsync<OpenStackSession, LauncherError> {
  const loaded = loadCloud({ cloud, files: { clouds: cloudsYaml }, env: {} });
  if (loaded.isErr()) return errAsync(keystoneRequestFailed(`clouds.yaml ${cloud}`, loaded.error.message));
  return openSession(loaded.value).mapErr((e) => keystoneRequestFailed('POST /auth/tokens', e.message));
}

/** Ids of what the seed refers to but keyform does not make. */
interface OperatorIds {
  readonly domainId: string;
  readonly roleIds: ReadonlyMap<string, string>;
  /** `compute/class:VCPU` → the registered limit's id. */
  readonly registeredLimits: ReadonlyMap<string, string>;
}

/** The shared domain, the roles, and for quotas a `compute` service with a registered `class:VCPU` limit in RegionOne: made if absent. */
function operatorObjects(s: OpenStackSession, domain: string, quotas: boolean): ResultAsync<OperatorIds, LauncherError> {
  const fail = (what: string) => (e: { message: string }) => keystoneRequestFailed(what, e.message);
  const domainId = ks.listDomains(s, { name: domain }).mapErr(fail('GET /domains')).andThen((ds) =>
    ds[0] ? okAsync(ds[0].id) : ks.createDomain(s, { name: domain, description: 'keyform seed', enabled: true }).map((d) => d.id).mapErr(fail('POST /domains')),
  );
  const registered = quotas ? computeCores(s).mapErr(fail('registered limit compute class:VCPU')) : okAsync(new Map<string, string>());
  return ResultAsync.combine([domainId, ks.listRoles(s).mapErr(fail('GET /roles')), registered] as const).map(([id, roles, limits]) => ({
    domainId: id, roleIds: new Map(roles.map((r) => [r.name, r.id])), registeredLimits: limits,
  }));
}

function computeCores(s: OpenStackSession): ResultAsync<Map<string, string>, { message: string }> {
  const key = 'compute/class:VCPU';
  return ks.listServices(s, { type: 'compute' }).andThen((services) => {
    const service = services[0] ? okAsync(services[0].id) : s.request<{ service: { id: string } }>({ method: 'POST', service: 'identity', path: '/services', body: { service: { type: 'compute', name: 'nova' } } }).map((r) => r.body.service.id);
    return service.andThen((serviceId) =>
      ks.listRegisteredLimits(s, { service_id: serviceId, resource_name: 'class:VCPU' }).andThen((rs) => {
        const found = rs.find((r) => r.region_id === 'RegionOne' || r.region_id === null);
        if (found) return okAsync(new Map([[key, found.id]]));
        return ks.createRegisteredLimits(s, [{ service_id: serviceId, region_id: 'RegionOne', resource_name: 'class:VCPU', default_limit: 10 }]).map((made) => new Map([[key, made[0]!.id]]));
      }),
    );
  });
}

/**
 * What of the objects a seed made through the API (the shared `domain`, the `compute`
 * service, its registered `class:VCPU` limit) the Keystone behind `cloudsYaml` lacks, e.g.
 * `["domain kfbench"]`: empty for a whole seed (made with quotas).
 */
export function missingOperatorObjects(cloudsYaml: string, domain: string): ResultAsync<string[], LauncherError> {
  const fail = (what: string) => (e: { message: string }) => keystoneRequestFailed(what, e.message);
  return session(cloudsYaml, CLOUD_NAMES.admin).andThen((s) =>
    ResultAsync.combine([
      ks.listDomains(s, { name: domain }).mapErr(fail('GET /domains')),
      ks.listServices(s, { type: 'compute' }).mapErr(fail('GET /services')),
      ks.listRegisteredLimits(s, { resource_name: 'class:VCPU' }).mapErr(fail('GET /registered_limits')),
    ] as const)
      .map(([domains, services, registered]) => {
        s.close();
        const serviceIds = new Set(services.map((x) => x.id));
        return [
          ...(domains.length === 0 ? [`domain ${domain}`] : []),
          ...(services.length === 0 ? ['service compute'] : []),
          ...(registered.some((r) => serviceIds.has(r.service_id)) ? [] : ['registered limit compute class:VCPU']),
        ];
      })
      .mapErr((e) => {
        s.close();
        return e;
      }),
  );
}

type Of<K extends Resource['kind']> = ResourceOfKind<K>;
const tenantKey = (r: { key: { workspace: string; project: string } }): string => `${r.key.workspace}.${r.key.project}`;

/** The rows for `keystone_seed.py` (see its docstring for the format). */
function records(desired: readonly Resource[], euids: readonly string[], ids: OperatorIds): Record<string, unknown> {
  const of = <K extends Resource['kind']>(k: K): Of<K>[] => desired.filter((r): r is Of<K> => r.kind === k);
  const projects = of('project');
  const groups = of('group');
  const projectIndex = new Map(projects.map((p, i) => [tenantKey(p), i]));
  const groupIndex = new Map(groups.map((g, i) => [`${tenantKey(g)}/${g.key.role}`, i]));
  const limits = of('quota').map((q) => {
    const info = quotaKeyInfo(q.key.quotaKey)?.unifiedLimits;
    const registered = info && ids.registeredLimits.get(`${info.serviceType}/${info.resourceName}`);
    if (registered === undefined) throw new Error(`the seed has no registered limit for ${q.key.quotaKey}`);
    return [projectIndex.get(tenantKey(q)), registered, q.attrs.value, limitDescription(q)];
  });
  return {
    domain_id: ids.domainId,
    user_domain_id: 'default',
    users: euids,
    projects: projects.map((p) => [p.attrs.name, p.attrs.description, p.attrs.enabled, p.attrs.tags]),
    groups: groups.map((g) => [g.attrs.name, g.attrs.description]),
    assignments: of('assignment').map((a) => [groupIndex.get(`${tenantKey(a)}/${a.key.role}`), projectIndex.get(tenantKey(a)), ids.roleIds.get(a.attrs.keystoneRole)]),
    memberships: of('membership').map((m) => [groupIndex.get(`${tenantKey(m)}/${m.key.role}`), m.key.euid]),
    limits,
  };
}

/**
 * Runs `keystone_seed.py` on the stack's database. Its refusal (ids from the API that the
 * database lacks) is its last log line, carried into the error.
 */
function writeRows(dir: string, recordsFile: string): ResultAsync<void, LauncherError> {
  const logFile = `${dir}/log/keystone-seed.log`;
  return runCommand({ command: SYSTEM_PYTHON, args: [pythonHelper('keystone_seed.py'), `${dir}/etc/keystone.conf`, recordsFile], cwd: dir, logFile }).mapErr((e) =>
    e.kind === 'CommandFailed' ? { ...e, message: `${e.message}: ${logTail(logFile, 1)}` } : e,
  );
}

function writeRecords(dir: string, rows: Record<string, unknown>): ResultAsync<string, LauncherError> {
  const file = join(dir, 'data', 'seed-records.json');
  return fsCall(file, () => writeFileSync(file, JSON.stringify(rows), { mode: 0o600 })).map(() => file).asyncAndThen((f) => okAsync(f));
}
