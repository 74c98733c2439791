import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import type { Plan } from '../../../plans/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { apply, configDir, load, must, plan } from './quota-run.ts';

/**
 * Quotas on the real full stack, both backends, read back with the real `openstack` CLI.
 * One platform per backend, named uniquely per run; the steps of each describe build on
 * each other (the cloud is the state), so they run in order.
 */
const tag = randomBytes(3).toString('hex');
const S = `kfqs${tag}`;
const U = `kfqu${tag}`;
/** Undone after the tests, last first: what lives in the tenants' projects, before the projects go. */
const cleanups: (() => unknown)[] = [];
/** Undone once the projects are gone (a registered limit outlives no project limit). */
const finalCleanups: (() => unknown)[] = [];
let admin: OpenStackSession;
let system: OpenStackSession;

async function session(cloud: string, clouds = testStack().cloudsYaml): Promise<OpenStackSession> {
  return must(`session ${cloud}`, openSession(await must('cloud', loadCloud({ cloud, files: { clouds }, env: {} }))));
}

beforeAll(async () => {
  admin = await session('admin');
  system = await session('admin-system');
});

afterAll(async () => {
  for (const undo of cleanups.reverse()) await undo();
  for (const p of [S, U]) {
    const projects = await must('projects', ks.listProjects(admin, { tags: `keyform.managed=${p}` }));
    for (const x of projects) await ks.deleteProject(admin, x.id);
    const groups = await must('groups', ks.listGroups(admin, { domain_id: 'default' }));
    for (const g of groups.filter((x) => x.name.startsWith(`${p}-`))) await ks.deleteGroup(admin, g.id);
  }
  for (const undo of finalCleanups) await undo();
  admin.close();
  system.close();
});

/** A one-tenant config: platform `id`, landing zone quotas, tenant quotas (`null`: no tenant), workspace tags. */
function config(id: string, backend: string, zone: string, tenantQuota: string | null, tags = '{}'): string {
  const tenant = tenantQuota === null ? '' : `workspace:\n  qws:\n    tags: ${tags}\n    project:\n      app:\n        tenant:\n          ${id}: { landing_zone: lz, quota: ${tenantQuota} }\n`;
  return `platform:
  ${id}:
    cloud: admin
    region: RegionOne
    user_domain: Default
    domain: Default
    quota_backend: ${backend}
    role_mapping: { admin: member }
    project_name_pattern: "${id}-#{workspaceIdentifier}.#{projectIdentifier}"
    group_name_pattern: "${id}-#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}"
landing_zone:
  lz: { platform: ${id}, quota: ${zone} }
${tenant}`;
}

/** Plans `yaml` against the stack; with `applyIt`, applies the plan too. */
async function planConfig(yaml: string, applyIt: boolean): Promise<Plan> {
  const l = await load(configDir({ 'keyform.yaml': yaml }), testStack().cloudsYaml);
  try {
    const p = await plan(l);
    if (applyIt) await apply(l, p);
    return p;
  } finally {
    l.close();
  }
}

const changesOf = (p: Plan): string[] => p.platforms.flatMap((x) => x.changes.map((c) => `${c.action} ${c.address}`)).sort();
const quotaAddress = (platform: string, key: string): string => `keyform_quota.limit["${platform}/qws/app/${key}"]`;

async function projectId(platform: string): Promise<string> {
  const projects = await must('projects', ks.listProjects(admin, { tags: `keyform.managed=${platform}` }));
  return projects[0]!.id;
}

type QuotaShow = Record<string, unknown>;
const quotaShow = async (args: string[]): Promise<QuotaShow> => {
  const { location: _location, ...rest } = (await osc(['quota', 'show', ...args]))._unsafeUnwrap() as QuotaShow;
  return rest;
};
const without = (q: QuotaShow, keys: readonly string[]): QuotaShow => Object.fromEntries(Object.entries(q).filter(([k]) => !keys.includes(k)));

describe('quotas on the service quota APIs (nova, cinder, neutron)', () => {
  const zone = '{ compute.cores: 5, network.network: 3 }';

  it('writes the landing zone defaults and the tenant overrides, and nothing else', async () => {
    // GIVEN a landing zone with cores 5 and networks 3, and a tenant overriding cores to 7 and adding volumes 4
    const yaml = config(S, 'service-apis', zone, '{ compute.cores: 7, volume.volumes: 4 }');
    // WHEN it is planned and applied
    const first = await planConfig(yaml, true);
    // THEN the three keys were planned, the real CLI reads them back, and every other key keeps the cloud's default
    expect(changesOf(first).filter((c) => c.includes('quota'))).toEqual(['compute.cores', 'network.network', 'volume.volumes'].map((k) => `create ${quotaAddress(S, k)}`));
    const pid = await projectId(S);
    const shown = await quotaShow([pid]);
    expect([shown['cores'], shown['networks'], shown['volumes']]).toEqual([7, 3, 4]);
    const defaults = await quotaShow(['--default']);
    const others = ['cores', 'networks', 'volumes', 'project', 'project_name'];
    expect(without(shown, others)).toEqual(without(defaults, others));
    // AND a second plan has nothing to do
    expect(changesOf(await planConfig(yaml, false))).toEqual([]);
  });

  it('changes a key, puts a removed key back to the default, and leaves keys set by hand byte for byte', async () => {
    // GIVEN keys the config does not declare, set by hand with the real CLI
    const pid = await projectId(S);
    (await oscAction(['quota', 'set', '--ram', '1234', '--gigabytes', '77', '--ports', '55', pid]))._unsafeUnwrap();
    const before = await quotaShow([pid]);
    // WHEN the tenant raises cores to 9 and drops volumes, and its workspace gets a tag (a project tag update in the same apply)
    const yaml = config(S, 'service-apis', zone, '{ compute.cores: 9 }', '{ team: blue }');
    const p = await planConfig(yaml, true);
    // THEN the plan updated one key, removed the other and updated the project's tags
    expect(changesOf(p)).toEqual([`delete ${quotaAddress(S, 'volume.volumes')}`, `update keyform_project.tenant["${S}/qws/app"]`, `update ${quotaAddress(S, 'compute.cores')}`]);
    // AND cores is 9, volumes is back to the cloud's default (not 0), and every other key is exactly as before
    const after = await quotaShow([pid]);
    expect([after['cores'], after['volumes'], after['ram'], after['gigabytes'], after['ports']]).toEqual([9, 10, 1234, 77, 55]);
    expect(JSON.stringify(without(after, ['cores', 'volumes']))).toBe(JSON.stringify(without(before, ['cores', 'volumes'])));
    // AND the project no longer records volumes as keyform's
    const tags = await must('tags', ks.listProjectTags(admin, pid));
    expect(tags.filter((t) => t.startsWith('keyform.quota='))).toEqual(['keyform.quota=compute.cores', 'keyform.quota=network.network']);
    expect(tags).toContain('kf_team=blue');
    // AND the next plan has nothing to do: the tag update did not bring the removed key's record back
    expect(changesOf(await planConfig(yaml, false))).toEqual([]);
  });

  it('warns when a new quota is below what the project uses, then applies it as reviewed', async () => {
    // GIVEN a server booted in the tenant's project with the fake driver
    const pid = await projectId(S);
    await bootServer(pid);
    // WHEN the tenant's instances quota is lowered to 0
    const p = await planConfig(config(S, 'service-apis', zone, '{ compute.cores: 9, compute.instances: 0 }'), true);
    // THEN the change carries a warning naming the usage, and the other quota changes carry none
    const warned = p.platforms.flatMap((x) => x.changes).filter((c) => c.warnings !== undefined);
    expect(warned.map((c) => [c.address, c.warnings])).toEqual([
      [quotaAddress(S, 'compute.instances'), ['compute.instances gets the limit 0, below the 1 in use now (nova). Nothing in use is stopped or deleted, but the project can create no more until its usage drops under the limit.']],
    ]);
    // AND the apply wrote it all the same (nova checks usage unless forced)
    expect((await quotaShow([pid]))['instances']).toBe(0);
  });

  it('leaves the quotas of a tenant removed under deletion policy retain as they are', async () => {
    // GIVEN the tenant's project and its quotas
    const pid = await projectId(S);
    // WHEN the tenant is removed from the configuration
    const p = await planConfig(config(S, 'service-apis', zone, null), true);
    // THEN the project is retired, no quota is touched, and nova still has the values keyform set
    expect(changesOf(p).filter((c) => c.includes('quota') || c.includes('project'))).toEqual([`update keyform_project.tenant["${S}/qws/app"]`]);
    const nova = await must('nova', admin.request<{ quota_set: Record<string, number> }>({ method: 'GET', service: 'compute', path: `/os-quota-sets/${pid}` }));
    expect([nova.body.quota_set['cores'], nova.body.quota_set['instances']]).toEqual([9, 0]);
  });
});

describe('quotas in Keystone unified limits', () => {
  interface LimitRow { 'Resource Name': string; 'Resource Limit': number; Description: string }
  const limitList = async (pid: string): Promise<LimitRow[]> => (await osc(['limit', 'list', '--project', pid], { cloud: 'admin-system' }))._unsafeUnwrap() as LimitRow[];

  beforeAll(async () => {
    // Keystone refuses project limits without a registered default: make sure VCPU has one, and volumes none.
    const services = await must('services', ks.listServices(admin));
    const nova = services.find((x) => x.type === 'compute')!;
    const registered = await must('registered', ks.listRegisteredLimits(system, { service_id: nova.id, resource_name: 'class:VCPU' }));
    if (registered.length === 0) {
      const [made] = await must('register', ks.createRegisteredLimits(system, [{ service_id: nova.id, region_id: 'RegionOne', resource_name: 'class:VCPU', default_limit: 20 }]));
      finalCleanups.push(() => system.request({ method: 'DELETE', service: 'identity', path: `/registered_limits/${made!.id}` }));
    }
  });

  it('sets, changes and removes a project limit, and refuses a key with no registered limit', async () => {
    // GIVEN a tenant with compute.cores 6 from its landing zone
    await planConfig(config(U, 'unified-limits', '{ compute.cores: 6 }', '{}'), true);
    const pid = await projectId(U);
    // THEN the real CLI lists the limit with keyform's marker
    expect((await limitList(pid)).map((l) => [l['Resource Name'], l['Resource Limit'], l.Description])).toEqual([['class:VCPU', 6, `qws.app compute.cores [keyform platform=${U} tenant=qws.app]`]]);
    // WHEN the tenant also declares volumes, for which Keystone has no registered limit
    const refused = await planConfig(config(U, 'unified-limits', '{ compute.cores: 8 }', '{ volume.volumes: 4 }'), false);
    // THEN the plan errors on that key, says how to register it, and cannot be applied
    expect(refused.errored).toBe(true);
    expect(refused.platforms[0]!.errors.map((e) => [e.kind, e.name])).toEqual([['quota-unavailable', 'volume.volumes']]);
    expect(refused.platforms[0]!.errors[0]!.message).toContain('openstack registered limit create --service volumev3');
    // WHEN the value changes to 8
    await planConfig(config(U, 'unified-limits', '{ compute.cores: 8 }', '{}'), true);
    expect((await limitList(pid)).map((l) => l['Resource Limit'])).toEqual([8]);
    // WHEN the key is removed from the configuration
    const removed = await planConfig(config(U, 'unified-limits', '{}', '{}'), true);
    // THEN the limit is deleted, and the project falls back to the registered default
    expect(changesOf(removed)).toEqual([`delete ${quotaAddress(U, 'compute.cores')}`]);
    expect(await limitList(pid)).toEqual([]);
  });
});

/**
 * Boots a server in project `pid` with the fake driver (the admin user gets `member` on the
 * project to scope a token to it); it and its flavor and image are removed after the tests.
 */
async function bootServer(pid: string): Promise<void> {
  const { dir } = testStack();
  const member = (await must('roles', ks.listRoles(admin, { name: 'member' })))[0]!;
  await must('role', admin.request({ method: 'PUT', service: 'identity', path: `/projects/${pid}/users/${admin.userId}/roles/${member.id}` }));
  const flavor = await must('flavor', admin.request<{ flavor: { id: string } }>({ method: 'POST', service: 'compute', path: '/flavors', body: { flavor: { name: `kfq-${tag}`, ram: 64, vcpus: 1, disk: 1 } } }));
  cleanups.push(() => admin.request({ method: 'DELETE', service: 'compute', path: `/flavors/${flavor.body.flavor.id}` }));
  const imageFile = join(dir, `kfq-${tag}.raw`);
  writeFileSync(imageFile, Buffer.alloc(4096, 1));
  const image = (await osc(['image', 'create', '--public', '--disk-format', 'raw', '--container-format', 'bare', '--file', imageFile, `kfq-${tag}`]))._unsafeUnwrap() as { id: string };
  cleanups.push(() => admin.request({ method: 'DELETE', service: 'image', path: `/v2/images/${image.id}` }));
  const clouds = join(dir, `kfq-${tag}-clouds.yaml`);
  const { authUrl } = testStack();
  writeFileSync(clouds, `clouds:\n  tenant:\n    auth: { auth_url: "${authUrl}", username: admin, password: secret, user_domain_name: Default, project_id: "${pid}" }\n    region_name: RegionOne\n`);
  const inProject = await session('tenant', clouds);
  const version = { 'openstack-api-version': 'compute 2.37' };
  const server = await must('server', inProject.request<{ server: { id: string } }>({
    method: 'POST', service: 'compute', path: '/servers', headers: version,
    body: { server: { name: `kfq-${tag}`, flavorRef: flavor.body.flavor.id, imageRef: image.id, networks: 'none' } },
  }));
  inProject.close();
  // By admin: the tenant's project is disabled by then, and a disabled project takes no tokens.
  cleanups.push(() => admin.request({ method: 'DELETE', service: 'compute', path: `/servers/${server.body.server.id}` }));
  // Nova counts a server in the project's usage once the conductor has built it in the cell, after the POST returned.
  for (let waited = 0; ; waited += 500) {
    const shown = await must('server', admin.request<{ server: { status: string } }>({ method: 'GET', service: 'compute', path: `/servers/${server.body.server.id}` }));
    if (shown.body.server.status === 'ACTIVE') return;
    if (shown.body.server.status === 'ERROR' || waited > 120_000) throw new Error(`server ${server.body.server.id} is ${shown.body.server.status} after ${waited} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
