import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDomains, listGroups, listProjects } from '../../../engine/keystone/index.ts';
import { testStack } from '../../openstack/stack.ts';
import { checksOf, runKeyform, type JsonCheck } from './doctor-cli.ts';
import { DoctorFixture } from './doctor-fixture.ts';

interface PlatformOptions {
  readonly cloud?: string;
  readonly metering?: string;
  readonly domain?: string;
  readonly reader?: string;
  readonly backend?: 'unified-limits' | 'service-apis';
  readonly quota?: Readonly<Record<string, number>>;
  readonly users?: readonly string[];
  readonly perWorkspace?: boolean;
}

/** A platform `id` with one tenant in a workspace of the same name. */
function config(id: string, o: PlatformOptions): string {
  const quota = Object.entries(o.quota ?? {}).map(([k, v]) => `"${k}" = ${v}`).join(', ');
  const users = (o.users ?? []).map((u) => `    user "${u}" { roles = ["admin"] }`).join('\n');
  return `platform "${id}" {
  cloud          = "${o.cloud ?? 'admin-system'}"
  ${o.metering ? `metering_cloud = "${o.metering}"` : ''}
  region         = "RegionOne"
  domain         = "${o.domain ?? 'default'}"
  domain_per_workspace = ${o.perWorkspace ?? false}
  role_mapping   = { admin = "member", reader = "${o.reader ?? 'reader'}" }
  quota_backend  = "${o.backend ?? 'unified-limits'}"
}
workspace "${id}" {
  project "shop" {
    tenant "${id}" { ${quota ? `quota = { ${quota} }` : ''} }
${users}
  }
}
`;
}

const statuses = (checks: ReadonlyMap<string, JsonCheck>, prefix: string) =>
  Object.fromEntries([...checks.values()].filter((c) => c.check.startsWith(prefix)).map((c) => [c.check, c.status]));

describe('keyform doctor on the real OpenStack stack', () => {
  const stack = testStack();
  let f: DoctorFixture;
  const alice = () => `alice-${f.tag}@doctor.test`;

  /** Runs `keyform doctor --format json` on a config of these platforms. */
  const doctorAll = async (platforms: Readonly<Record<string, PlatformOptions>>, flags: readonly string[] = []) => {
    const ids = Object.keys(platforms);
    const file = f.config(`${ids.join('-')}.hcl`, ids.map((id) => config(id, platforms[id]!)).join('\n'));
    return runKeyform(['doctor', '--config', file, '--format', 'json', ...flags], f.env, f.dir);
  };
  const doctor = async (id: string, o: PlatformOptions) => {
    const run = await doctorAll({ [id]: o });
    return { run, checks: checksOf(run, id) };
  };

  beforeAll(async () => {
    f = await DoctorFixture.create(stack);
    await f.user(alice());
  });

  afterAll(async () => {
    await f?.dispose();
  });

  it('passes with the admin account replicating (system scope) and metering (project scope)', async () => {
    // GIVEN a platform that binds a user who exists, with the stack's admin for both accounts
    // WHEN doctor checks it
    const { run, checks } = await doctor('good', { metering: 'admin', users: [alice()] });
    // THEN nothing fails, and the rows say what they found
    const failed = [...checks.values()].filter((c) => c.status === 'fail');
    expect(failed).toEqual([]);
    expect(run.code).toBe(0);
    expect(checks.get('keystone.version')?.found).toMatch(/^identity API v3\.\d+, stable/);
    expect(checks.get('catalog.compute')?.found).toMatch(/^Nova v2\.1 \(microversions 2\.1–2\.\d+\) at http/);
    expect(checks.get('replicator.identity')?.found).toContain('read from its role assignments; nothing written');
    expect(statuses(checks, 'metering.')).toMatchObject({ 'metering.auth': 'ok', 'metering.projects': 'ok', 'metering.compute': 'ok', 'metering.volumev3': 'ok', 'metering.network': 'ok', 'metering.image': 'ok' });
    expect(checks.get('users.euids')).toMatchObject({ status: 'ok', found: 'all 1 bound euids are users in domain Default' });
    expect(checks.get('catalog.orchestration')?.status).toBe('warn');
  });

  it('fails on nova, cinder and neutron visibility with a reader as metering account, printing the policy rules', async () => {
    // GIVEN the stack's auditor (reader on project admin) as metering account
    // WHEN doctor checks the platform
    const { run, checks } = await doctor('reader-meters', { metering: 'auditor' });
    // THEN each service that hides other projects fails, with the rules to change
    expect(run.code).toBe(1);
    expect(checks.get('metering.volumev3')).toMatchObject({ status: 'fail' });
    expect(checks.get('metering.volumev3')?.found).toContain('answered 403');
    expect(checks.get('metering.volumev3')?.fix).toContain('context_is_admin');
    expect(checks.get('metering.volumev3')?.fix).toContain('volume_extension:quotas:show');
    expect(checks.get('metering.network')?.status).toBe('fail');
    for (const rule of ['get_floatingip', 'get_router', 'get_quota']) expect(checks.get('metering.network')?.fix).toContain(rule);
    expect(checks.get('metering.compute')?.fix).toContain('os_compute_api:servers:detail:get_all_tenants');
    expect(checks.get('metering.projects')).toMatchObject({ status: 'fail' });
    expect(checks.get('metering.projects')?.fix).toContain('identity:list_projects');
    expect(run.stdout).toContain('examples/policy/cinder-policy.yaml');
  });

  it('passes nova, neutron and keystone once their example policies grant the metering role, and still fails cinder', async () => {
    // GIVEN a reader with one more role, which the nova, neutron and keystone examples grant
    f.applyPolicies(['nova', 'neutron', 'keystone']);
    // WHEN doctor checks a platform metered by that user
    const { checks } = await doctor('nova-policy', { metering: 'meter' });
    // THEN those services show every project; cinder, whose example is not applied, still hides them
    expect(statuses(checks, 'metering.')).toMatchObject({ 'metering.compute': 'ok', 'metering.network': 'ok', 'metering.projects': 'ok', 'metering.volumev3': 'fail' });
  });

  it('passes every metering row once all the example policies are applied', async () => {
    // GIVEN the guide's five policy files for the metering role
    f.applyPolicies(['nova', 'cinder', 'neutron', 'glance', 'keystone']);
    // WHEN doctor checks the same platform
    const { checks } = await doctor('all-policies', { metering: 'meter' });
    // THEN every metering row passes
    const metering = [...checks.values()].filter((c) => c.check.startsWith('metering.'));
    expect(metering.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(metering.map((c) => c.check)).toEqual(['metering.auth', 'metering.projects', 'metering.compute', 'metering.volumev3', 'metering.network', 'metering.image']);
  });

  it('names each setup mistake in its own row: a missing role, shared domain and registered limit, and absent euids', async () => {
    // GIVEN a mapped role, a shared domain and two euids that don't exist, and two quota keys
    // of which only one has a registered limit
    await f.registeredLimit('compute', 'server_group_members');
    expect(await f.hasRegisteredLimit('volumev3', 'per_volume_gigabytes')).toBe(false);
    const ghosts = [`ghost1-${f.tag}@doctor.test`, `ghost2-${f.tag}@doctor.test`];
    const o = { reader: `kf-no-role-${f.tag}`, domain: `kf-no-domain-${f.tag}`, quota: { 'compute.server_group_members': 5, 'volume.per_volume_gigabytes': 50 }, users: [alice(), ...ghosts] };
    // WHEN doctor checks it
    const { run, checks } = await doctor('mistakes', o);
    // THEN each mistake is its own row, and the rest still passes
    expect(run.code).toBe(1);
    expect(checks.get('roles.mapping')).toMatchObject({ status: 'fail', fix: `create them (openstack role create kf-no-role-${f.tag}) or map the project roles to existing ones` });
    expect(checks.get('roles.mapping')?.found).toMatch(new RegExp(`^role_mapping names Keystone roles that do not exist: kf-no-role-${f.tag} \\(Keystone has `));
    expect(checks.get('domain.shared')).toMatchObject({ status: 'fail' });
    expect(checks.get('domain.shared')?.found).toContain(`no Keystone domain is named "kf-no-domain-${f.tag}"`);
    expect(checks.get('limits.registered')).toMatchObject({
      status: 'fail',
      found: 'no registered limit in region RegionOne for volume.per_volume_gigabytes (volumev3 per_volume_gigabytes): Keystone refuses project limits without one',
    });
    expect(checks.get('users.euids')).toMatchObject({ status: 'warn', found: `1 of 3 bound euids are users in domain Default; missing: ${ghosts.join(', ')}` });
    expect(checks.get('users.euids')?.fix).toContain('User.name');
    expect(statuses(checks, 'keystone.')).toEqual({ 'keystone.reachable': 'ok', 'keystone.tls': 'warn', 'keystone.version': 'ok' });
  });

  it('with --write-probe, probes the writes of a project-scoped replicator with its own marked objects, and leaves none behind', async () => {
    // GIVEN the project-scoped admin as replicator, quotas on the service APIs, and a second
    // platform that makes one domain per workspace
    const probed = { cloud: 'admin', backend: 'service-apis', quota: { 'compute.cores': 4 } } as const;
    // WHEN doctor checks both with --write-probe
    const run = await doctorAll({ probed, 'probed-domains': { ...probed, perWorkspace: true } }, ['--write-probe']);
    const [shared, own] = [checksOf(run, 'probed'), checksOf(run, 'probed-domains')];
    // THEN the identity rows report passed write probes, and the quota row admin on the project
    const marked = '[0-9a-f]{8} \\(disabled, marked "keyform doctor"\\), granted the group role member on the project and revoked it; nothing left behind$';
    expect(shared.get('replicator.identity')?.found).toMatch(new RegExp(`^write probe in domain Default passed: created, updated and deleted a project and a group named keyform-doctor-${marked}`));
    expect(own.get('replicator.identity')?.found).toMatch(new RegExp(`^write probe in a domain of its own \\(created, then deleted\\) passed: created, updated and deleted a project and a group named keyform-doctor-${marked}`));
    expect(shared.get('replicator.quotas')?.found).toMatch(/^admin on project admin \(domain Default\)/);
    // AND Keystone holds no object of those names
    for (const checks of [shared, own]) {
      const name = /keyform-doctor-[0-9a-f]{8}/.exec(checks.get('replicator.identity')?.found ?? '')![0];
      expect((await listProjects(f.admin, { name }))._unsafeUnwrap()).toEqual([]);
      expect((await listGroups(f.admin, { name }))._unsafeUnwrap()).toEqual([]);
      expect((await listDomains(f.admin, { name }))._unsafeUnwrap()).toEqual([]);
    }
  });

  it('fails the replicator checks of a reader account with the role that fixes them, and writes nothing', async () => {
    // GIVEN the auditor (reader on project admin) as replicator, once with unified limits and
    // once with quotas on the service APIs
    const limits = { cloud: 'auditor' };
    const quotas = { cloud: 'auditor', backend: 'service-apis', quota: { 'compute.cores': 4 } } as const;
    // WHEN doctor checks both
    const run = await doctorAll({ 'reader-limits': limits, 'reader-quotas': quotas });
    const [l, q] = [checksOf(run, 'reader-limits'), checksOf(run, 'reader-quotas')];
    // THEN the token's roles rule the writes out, the account can't be system-scoped for limits, and each quota row says why
    expect(run.code).toBe(1);
    expect(l.get('replicator.identity')?.found).toMatch(/^the token carries reader on project admin \(domain Default\), not admin .*; nothing written$/);
    expect(l.get('replicator.identity')?.fix).toContain('--user auditor --user-domain Default --system all admin');
    expect(l.get('replicator.limits')?.status).toBe('fail');
    expect(l.get('replicator.limits')?.found).toContain('Unified limits need a system-scoped token');
    expect(l.get('replicator.limits')?.fix).toContain('limits_cloud');
    expect(q.get('replicator.quotas')?.status).toBe('fail');
    expect(q.get('replicator.quotas')?.found).toContain('it is not admin');
    expect(q.get('replicator.quotas')?.fix).toBe('give it admin on its project (openstack role add --user auditor --user-domain Default --project admin admin)');
  });

  it("accepts the guide's federation mapping in Keystone", async () => {
    // GIVEN the example mapping WHEN Keystone is asked to store it THEN it validates and stores it
    const rules = JSON.parse(readFileSync(new URL('../../../examples/policy/keystone-federation-mapping.json', import.meta.url), 'utf8')) as unknown;
    const path = `/OS-FEDERATION/mappings/kf-doctor-${f.tag}`;
    const made = await f.admin.request<{ mapping: { rules: unknown } }>({ method: 'PUT', service: 'identity', path, body: { mapping: { rules } } });
    expect(made._unsafeUnwrap().body.mapping.rules).toEqual(rules);
    (await f.admin.request({ method: 'DELETE', service: 'identity', path }))._unsafeUnwrap();
  });
});
