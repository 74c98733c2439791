import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePlan, encodePlan, type Change } from '../../../plans/index.ts';
import { keystoneId } from '../../../constructs/model/index.ts';
import { applyPlan, closeTargets, type PlatformTarget } from '../../../engine/apply/index.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { adminSession, cloudsEnv, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds } from './apply-fixture.ts';
import { applyNow, canScope, keyformCli, pendingChanges, projectName, writePromiseConfig, type PromiseConfig } from './promises-fixture.ts';

/**
 * keyform's two promises on the real Keystone, each in the scenario that once broke it:
 * it never touches what it does not own, and it never takes away access by accident. Every
 * result is read back with the real openstack CLI, including whether a bound user can still
 * scope a token to the tenant's project.
 */
const opened: PlatformTarget[][] = [];
const cleanup: (() => Promise<unknown>)[] = [];
let sys: OpenStackSession;
let clouds: string;

beforeAll(async () => {
  sys = await adminSession(testStack(), true);
  await ensureCoresRegistered(sys);
  clouds = writeClouds(testStack());
});

afterAll(async () => {
  for (const t of opened) closeTargets(t);
  for (const undo of cleanup.reverse()) await undo();
  sys.close();
});

/** Creates a user with password `secret` in Default, as the identity provider would; removed after the file. */
async function makeUser(name: string): Promise<string> {
  const u = (await osc(['user', 'create', '--domain', 'default', '--password', 'secret', name]))._unsafeUnwrap() as { id: string };
  cleanup.push(async () => oscAction(['user', 'delete', u.id]));
  return u.id;
}

/** Removes, after the file, every project and group of the run and its workspace domain. */
function forgetRun(run: string): void {
  cleanup.push(async () => {
    for (const p of (await ks.listProjects(sys))._unsafeUnwrap().filter((x) => x.name.startsWith(`${run}.`))) {
      await ks.updateProject(sys, p.id, { enabled: false });
      await ks.deleteProject(sys, p.id);
    }
    for (const g of (await ks.listGroups(sys))._unsafeUnwrap().filter((x) => x.name.startsWith(`${run}.`))) await ks.deleteGroup(sys, g.id);
    for (const d of (await ks.listDomains(sys))._unsafeUnwrap().filter((x) => x.name.startsWith(`${run}-`))) {
      await ks.updateDomain(sys, d.id, { enabled: false });
      await ks.deleteDomain(sys, d.id);
    }
  });
}

/** A run with one user (`alice-RUN`, password `secret`), its config and its open targets. */
async function setUp(c: Omit<PromiseConfig, 'run' | 'users'> & { readonly roles?: readonly string[] }) {
  const run = runId();
  forgetRun(run);
  const alice = `alice-${run}`;
  await makeUser(alice);
  const config: PromiseConfig = { ...c, run, users: { [alice]: c.roles ?? ['admin'] } };
  const dir = writePromiseConfig(config);
  const open = async () => {
    const t = await targetsFor(dir, clouds);
    opened.push([...t.targets]);
    return t;
  };
  return { run, alice, config, dir, open };
}

/** The changes a fresh plan of an opened config has. */
async function planNowFor(t: { output: Parameters<typeof planNow>[0]; targets: Parameters<typeof planNow>[1] }) {
  return (await planNow(t.output, t.targets)).plan.platforms.flatMap((p) => p.changes);
}

/**
 * Plans and applies the config in `dir` through a proxy that answers 403 to every `method`
 * on a project's group role (PUT: every grant refused; DELETE: every revoke refused).
 */
async function applyRefusing(dir: string, method: 'PUT' | 'DELETE') {
  const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, maxRequests: 2000, lifetimeMs: 120_000 });
  proxy.script({ match: { method, path: /\/v3\/projects\/[^/]+\/groups\/[^/]+\/roles\// }, faults: Array.from({ length: 20 }, () => ({ kind: 'status', status: 403 }) as const) });
  const faulty = await targetsFor(dir, writeClouds(testStack(), { proxyUrl: proxy.url }));
  const report = (await applyPlan((await planNow(faulty.output, faulty.targets)).plan, faulty.targets))._unsafeUnwrap();
  closeTargets(faulty.targets);
  await proxy.close();
  return report;
}

/** The roles the admin group of tenant `shop` of `run` holds on its project, as the openstack CLI lists them, sorted. */
async function adminGrants(run: string): Promise<readonly string[]> {
  const rows = (await osc(['role', 'assignment', 'list', '--names', '--project', projectName(run, 'shop'), '--project-domain', 'Default']))._unsafeUnwrap() as Record<string, unknown>[];
  return rows.filter((g) => g['Group'] === `${projectName(run, 'shop')}-admin@Default`).map((g) => String(g['Role'])).sort();
}

const projectAddress = (run: string, p: string): string => `keyform_project.tenant["${platformOf(run)}/w1/${p}"]`;

describe("keyform's promises against the real Keystone", () => {
  it('deletes the project of a removed tenant whose deletion policy is delete, shown as a destroy, and retains the others', async () => {
    // GIVEN two tenants in the Default domain, one with deletion_policy = "delete", applied
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', tenants: { keep: 'retain', gone: 'delete' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    expect(await canScope(alice, projectName(run, 'gone'), 'Default')).toBe(true);
    // WHEN both tenants are removed from the configuration and a plan is made
    writePromiseConfig({ ...config, tenants: { stay: 'retain' } }, dir);
    const second = await open();
    const pending = await pendingChanges(second.output, second.targets);
    // THEN the delete-policy project is a destroy, the retained one an update (disable and tag)
    expect(pending).toContain(`delete ${projectAddress(run, 'gone')}`);
    expect(pending).toContain(`update ${projectAddress(run, 'keep')}`);
    // AND once applied, the openstack CLI no longer finds it, while the retained project is disabled and kept
    await applyNow(second.output, second.targets);
    expect((await osc(['project', 'show', '--domain', 'default', projectName(run, 'gone')])).isErr()).toBe(true);
    const kept = (await osc(['project', 'show', '--domain', 'default', projectName(run, 'keep')]))._unsafeUnwrap() as { enabled: boolean; tags: string[] };
    expect(kept.enabled).toBe(false);
    expect(kept.tags).toContain('keyform.retired');
    // AND the user still reaches the tenant that stays, and nothing is left to do
    expect(await canScope(alice, projectName(run, 'stay'), 'Default')).toBe(true);
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
  }, 300_000);

  it('plans no change for the Default domain spelled by its id, after the first apply, and the user keeps the tenant', async () => {
    // GIVEN the shared domain written as the seed's default setup writes it: `default`, the id of the domain named Default
    const { run, alice, dir, open } = await setUp({ domain: 'default', tenants: { shop: 'retain' } });
    const { output, targets } = await open();
    await applyNow(output, targets);
    // WHEN the unchanged config is planned again with the CLI
    const plan = await keyformCli(['plan', '--config', dir, '--detailed-exitcode'], cloudsEnv(clouds));
    // THEN there is nothing to do (exit 0), and the project is still the one the user reaches
    expect({ code: plan.code, stderr: plan.code === 0 ? '' : plan.stderr + plan.stdout }).toEqual({ code: 0, stderr: '' });
    expect(await canScope(alice, projectName(run, 'shop'), 'Default')).toBe(true);
  }, 300_000);

  it('stops at plan time on a role_mapping typo (admin = "membr"): exit 1, the fix named, and every grant and token still there', async () => {
    // GIVEN a tenant applied with admin = "member"
    const mapping = { admin: 'member', user: 'member', reader: 'reader' };
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', roleMapping: mapping, tenants: { shop: 'retain' } });
    const { output, targets } = await open();
    await applyNow(output, targets);
    // WHEN the mapping is mistyped and planned with the CLI, saving the plan
    writePromiseConfig({ ...config, roleMapping: { ...mapping, admin: 'membr' } }, dir);
    const planFile = `${dir}/typo.plan`;
    const plan = await keyformCli(['plan', '--config', dir, '--detailed-exitcode', '--out', planFile], cloudsEnv(clouds));
    // THEN the plan is an error naming the value and the fix
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(/Keystone role "membr", which Keystone does not have\. Fix role_mapping \(did you mean "member"\?/);
    // AND applying it is refused, so the grant is still there and alice still reaches the project
    const apply = await keyformCli(['apply', planFile, '--config', dir], cloudsEnv(clouds));
    expect(apply.code).toBe(1);
    const grants = (await osc(['role', 'assignment', 'list', '--names', '--project', projectName(run, 'shop'), '--project-domain', 'Default']))._unsafeUnwrap() as Record<string, unknown>[];
    expect(grants.map((g) => `${String(g['Group'])}:${String(g['Role'])}`)).toContain(`${projectName(run, 'shop')}-admin@Default:member`);
    expect(await canScope(alice, projectName(run, 'shop'), 'Default')).toBe(true);
  }, 300_000);

  it('keeps a workspace domain holding a user keyform did not create when its last tenant is deleted: disabled, the user still there', async () => {
    // GIVEN one domain per workspace, a delete-policy tenant applied, and a user someone created in that domain
    const { run, config, dir, open } = await setUp({ perWorkspace: true, tenants: { shop: 'delete' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    const domain = `${run}-w1`;
    const local = (await osc(['user', 'create', '--domain', domain, `local-${run}`]))._unsafeUnwrap() as { id: string };
    // WHEN the tenant is removed from the configuration
    writePromiseConfig({ ...config, tenants: {} }, dir);
    const second = await open();
    const planned = await planNowFor(second);
    // THEN the project is deleted but the domain only disabled, and the plan says why
    const domainChange = planned.find((c) => c.address === `keyform_domain.workspace["${platformOf(run)}/w1"]`);
    expect(planned.map((c) => `${c.action} ${c.address}`)).toContain(`delete ${projectAddress(run, 'shop')}`);
    expect({ action: domainChange?.action, reason: domainChange?.reason }).toEqual({ action: 'update', reason: expect.stringContaining(`user "local-${run}"`) });
    // AND after apply the openstack CLI still shows the user, and the domain, disabled
    await applyNow(second.output, second.targets);
    expect(((await osc(['user', 'show', local.id]))._unsafeUnwrap() as { name: string }).name).toBe(`local-${run}`);
    expect(((await osc(['domain', 'show', domain]))._unsafeUnwrap() as { enabled: boolean }).enabled).toBe(false);
    cleanup.push(async () => oscAction(['user', 'delete', local.id]));
  }, 300_000);

  it("ignores keyform markers copied into a domain the platform does not manage: the plan stays empty and the copies untouched", async () => {
    // GIVEN a tenant applied in Default, and another domain holding copies of its project tags and group marker
    const { run, dir, open } = await setUp({ domain: 'Default', tenants: { shop: 'retain' } });
    const { output, targets } = await open();
    await applyNow(output, targets);
    const other = `${run}-other`;
    (await osc(['domain', 'create', other]))._unsafeUnwrap();
    const shown = (await osc(['project', 'show', '--domain', 'Default', projectName(run, 'shop')]))._unsafeUnwrap() as { tags: string[] };
    const copy = (await osc(['project', 'create', '--domain', other, ...shown.tags.flatMap((t) => ['--tag', t]), projectName(run, 'shop')]))._unsafeUnwrap() as { id: string };
    const group = (await osc(['group', 'show', '--domain', 'Default', `${projectName(run, 'shop')}-admin`]))._unsafeUnwrap() as { description: string };
    const groupCopy = (await osc(['group', 'create', '--domain', other, '--description', group.description, `${projectName(run, 'shop')}-admin`]))._unsafeUnwrap() as { id: string };
    // WHEN the unchanged config is planned and applied with the CLI
    const plan = await keyformCli(['plan', '--config', dir, '--detailed-exitcode'], cloudsEnv(clouds));
    const apply = await keyformCli(['apply', '--config', dir, '--auto-approve'], cloudsEnv(clouds));
    // THEN there was nothing to do and nothing failed
    expect({ code: plan.code, out: plan.code === 0 ? '' : plan.stderr + plan.stdout }).toEqual({ code: 0, out: '' });
    expect(apply.code).toBe(0);
    // AND the copies are as they were made
    const after = (await osc(['project', 'show', copy.id]))._unsafeUnwrap() as { enabled: boolean; tags: string[] };
    expect({ enabled: after.enabled, tags: [...after.tags].sort() }).toEqual({ enabled: true, tags: [...shown.tags].sort() });
    expect(((await osc(['group', 'show', groupCopy.id]))._unsafeUnwrap() as { description: string }).description).toBe(group.description);
  }, 300_000);

  it('refuses a plan file edited to delete an unmanaged project, checksum recomputed, and with KEYFORM_PLAN_KEY any plan not signed with it', async () => {
    // GIVEN one domain per workspace, applied, and a project someone made by hand in the workspace domain
    const { run, alice, dir, open } = await setUp({ perWorkspace: true, tenants: { shop: 'retain' } });
    const { output, targets } = await open();
    await applyNow(output, targets);
    const domain = `${run}-w1`;
    const hand = (await osc(['project', 'create', '--domain', domain, `${run}.hand`]))._unsafeUnwrap() as { id: string };
    // AND a saved plan (nothing to do) re-encoded with one added delete of that project
    const file = join(dir, 'saved.plan');
    expect((await keyformCli(['plan', '--config', dir, '--out', file], cloudsEnv(clouds))).code).toBe(0);
    const plan = decodePlan(readFileSync(file, 'utf8'))._unsafeUnwrap();
    const address = `keyform_project.tenant["${platformOf(run)}/w1/hand"]`;
    const before = { kind: 'project', address, platform: platformOf(run), key: { workspace: 'w1', project: 'hand' }, ids: { id: keystoneId('project', hand.id) }, managed: true,
      attrs: { name: `${run}.hand`, domain, description: '', enabled: true, tags: [] } } as const;
    const forged: Change = { kind: 'project', address, action: 'delete', before, after: null, changed: [], replacePaths: [], dependsOn: [], reason: 'forged',
      operations: [{ op: 'update', set: { enabled: false }, waitsFor: [] }, { op: 'delete', waitsFor: [] }] };
    const p0 = plan.platforms[0]!;
    writeFileSync(file, encodePlan({ ...plan, applyable: true, summary: { ...plan.summary, destroy: plan.summary.destroy + 1 }, platforms: [{ ...p0, changes: [forged], summary: { ...p0.summary, destroy: p0.summary.destroy + 1 } }] }));
    // WHEN it is applied
    const forgedApply = await keyformCli(['apply', file, '--config', dir], cloudsEnv(clouds));
    // THEN apply refuses it, naming the address, and the project is still there, enabled
    expect(forgedApply.code).toBe(1);
    expect(forgedApply.stderr).toContain(address);
    expect(((await osc(['project', 'show', hand.id]))._unsafeUnwrap() as { enabled: boolean }).enabled).toBe(true);
    // AND with a signing key, only the plan keyform signed with that key is applied
    const keyed = { ...cloudsEnv(clouds), KEYFORM_PLAN_KEY: `key-${run}` };
    expect((await keyformCli(['apply', file, '--config', dir], keyed)).stderr).toMatch(/plan file is not signed, but KEYFORM_PLAN_KEY is set/);
    expect((await keyformCli(['plan', '--config', dir, '--out', file], keyed)).code).toBe(0);
    expect((await keyformCli(['apply', file, '--config', dir], { ...keyed, KEYFORM_PLAN_KEY: 'another' })).code).toBe(1);
    expect((await keyformCli(['apply', file, '--config', dir], keyed)).code).toBe(0);
    expect(await canScope(alice, projectName(run, 'shop'), domain)).toBe(true);
  }, 300_000);

  it('grants the new role before revoking the old one: when every grant fails, the user keeps the old role and the project', async () => {
    // GIVEN admin = "member" applied for alice, and the mapping changed to admin = "reader"
    const mapping = { admin: 'member', user: 'member', reader: 'reader' };
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', roleMapping: mapping, tenants: { shop: 'retain' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    writePromiseConfig({ ...config, roleMapping: { ...mapping, admin: 'reader' } }, dir);
    const direct = await open();
    // WHEN it is planned and applied through a proxy that refuses every new grant (a policy or a fault on PUT …/roles/…)
    const report = await applyRefusing(dir, 'PUT');
    // THEN the grant failed, and alice still holds member and still reaches the project
    expect(report.succeeded).toBe(false);
    expect(await adminGrants(run)).toEqual(['member']);
    expect(await canScope(alice, projectName(run, 'shop'), 'Default')).toBe(true);
    // AND without the fault the next apply converges to reader alone, and she still reaches the project
    await applyNow(direct.output, direct.targets);
    expect(await adminGrants(run)).toEqual(['reader']);
    expect(await canScope(alice, projectName(run, 'shop'), 'Default')).toBe(true);
    expect(await pendingChanges(direct.output, direct.targets)).toEqual([]);
  }, 300_000);

  it('converges after an apply that granted the new role but could not revoke the old one: the next apply revokes it', async () => {
    // GIVEN admin = "reader" applied, then the mapping changed to admin = "member" (a name that sorts first)
    const mapping = { admin: 'reader', user: 'member', reader: 'reader' };
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', roleMapping: mapping, tenants: { shop: 'retain' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    writePromiseConfig({ ...config, roleMapping: { ...mapping, admin: 'member' } }, dir);
    const direct = await open();
    // WHEN it is applied through a proxy that refuses every revoke, so the group holds both roles
    const report = await applyRefusing(dir, 'DELETE');
    expect(report.succeeded).toBe(false);
    expect(await adminGrants(run)).toEqual(['member', 'reader']);
    // THEN the next plan revokes the old role, and after its apply the group holds the configured one alone
    await applyNow(direct.output, direct.targets);
    expect(await adminGrants(run)).toEqual(['member']);
    expect(await pendingChanges(direct.output, direct.targets)).toEqual([]);
    expect(await canScope(alice, projectName(run, 'shop'), 'Default')).toBe(true);
  }, 300_000);

  it('keeps a tag added by hand while the apply writes the tags keyform owns on the project', async () => {
    // GIVEN a tenant applied with environment = "test" and deletion_policy = "retain"
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', tenants: { shop: 'retain' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    const name = projectName(run, 'shop');
    const id = ((await osc(['project', 'show', '--domain', 'default', name]))._unsafeUnwrap() as { id: string }).id;
    // AND the environment becomes "prod" and the policy "delete": one tag of keyform's to remove, two to add
    writePromiseConfig({ ...config, environment: 'prod', tenants: { shop: 'delete' } }, dir);
    // WHEN it is applied through a proxy that holds the first write to the project, after the apply read Keystone,
    // while someone tags the project by hand with the openstack CLI
    const held = new RegExp(`^/v3/projects/${id}(/tags/[^/]+)?$`);
    const proxy = await startFaultProxy({
      target: new URL(testStack().authUrl).origin, maxRequests: 2000, lifetimeMs: 240_000,
      onRequest: (r) => {
        if (hand !== undefined || !held.test(r.path) || r.method === 'GET') return;
        heldAt = Date.now();
        hand = oscAction(['project', 'set', '--domain', 'default', '--tag', 'handmade', name]).map(() => Date.now());
      },
    });
    let hand: ResultAsync<number, unknown> | undefined;
    let heldAt = 0;
    const delay = { kind: 'delay', ms: 30_000 } as const;
    proxy.script({ match: { method: 'PATCH', path: held }, faults: [delay] });
    proxy.script({ match: { method: 'PUT', path: held }, faults: [delay] });
    const faulty = await targetsFor(dir, writeClouds(testStack(), { proxyUrl: proxy.url }));
    const report = (await applyPlan((await planNow(faulty.output, faulty.targets)).plan, faulty.targets))._unsafeUnwrap();
    closeTargets(faulty.targets);
    await proxy.close();
    // THEN the hand-made tag was added while the write was held (else this test shows nothing)
    expect(report.succeeded).toBe(true);
    expect(hand).toBeDefined();
    expect((await hand!)._unsafeUnwrap()).toBeLessThan(heldAt + delay.ms);
    // AND the project carries it beside keyform's new tags, and not keyform's old one
    const tags = ((await osc(['project', 'show', '--domain', 'default', name]))._unsafeUnwrap() as { tags: string[] }).tags;
    expect(tags).toContain('handmade');
    expect(tags).toContain('kf_environment=prod');
    expect(tags).toContain('keyform.deletion_policy=delete');
    expect(tags).not.toContain('kf_environment=test');
    // AND nothing is left to do, and the user still reaches the project
    const second = await open();
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
    expect(await canScope(alice, name, 'Default')).toBe(true);
  }, 300_000);

  it('converges after an apply that added keyform\'s new tag but could not remove the old one: the next apply removes it', async () => {
    // GIVEN a tenant applied with environment = "test", then the environment changed to "prod"
    const { run, config, dir, open } = await setUp({ domain: 'Default', tenants: { shop: 'retain' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    const name = projectName(run, 'shop');
    writePromiseConfig({ ...config, environment: 'prod' }, dir);
    // WHEN it is applied through a proxy that refuses every removal of a project tag
    const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, maxRequests: 2000, lifetimeMs: 120_000 });
    proxy.script({ match: { method: 'DELETE', path: /\/v3\/projects\/[^/]+\/tags\// }, faults: Array.from({ length: 20 }, () => ({ kind: 'status', status: 403 }) as const) });
    const faulty = await targetsFor(dir, writeClouds(testStack(), { proxyUrl: proxy.url }));
    const report = (await applyPlan((await planNow(faulty.output, faulty.targets)).plan, faulty.targets))._unsafeUnwrap();
    closeTargets(faulty.targets);
    await proxy.close();
    const shown = async () => ((await osc(['project', 'show', '--domain', 'default', name]))._unsafeUnwrap() as { tags: string[] }).tags.filter((t) => t.startsWith('kf_environment='));
    // THEN the apply failed with the new tag added and the old one still there
    expect(report.succeeded).toBe(false);
    expect((await shown()).sort()).toEqual(['kf_environment=prod', 'kf_environment=test']);
    // AND the next apply removes the old one, and nothing is left to do
    const second = await open();
    await applyNow(second.output, second.targets);
    expect(await shown()).toEqual(['kf_environment=prod']);
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
  }, 300_000);

  const matrix: readonly [string, Omit<PromiseConfig, 'run' | 'users' | 'tenants'>][] = [
    ['domain by id, user_domain by id, default role mapping, unified limits', { domain: 'default', userDomain: 'default', quotaBackend: 'unified-limits', cores: 4 }],
    ['domain by name, user_domain by name, role-by-role mapping, unified limits', { domain: 'Default', userDomain: 'Default', roleMapping: { admin: 'member', user: 'member', reader: 'reader' }, quotaBackend: 'unified-limits', cores: 4 }],
    ['domain by id, user_domain by name, default role mapping, service quota APIs', { domain: 'default', userDomain: 'Default', quotaBackend: 'service-apis' }],
    ['domain per workspace, user_domain by id, role-by-role mapping, unified limits', { perWorkspace: true, userDomain: 'default', roleMapping: { admin: 'member', user: 'member', reader: 'reader' }, quotaBackend: 'unified-limits', cores: 4 }],
    ['domain per workspace, user_domain by name, default role mapping, service quota APIs', { perWorkspace: true, userDomain: 'Default', quotaBackend: 'service-apis' }],
  ];
  it.each(matrix)('converges in one apply (%s): the next plan exits 0 and the bound user scopes a token to the project', async (_, c) => {
    // GIVEN a config in this spelling, applied
    const { run, alice, dir, open } = await setUp({ ...c, tenants: { shop: 'retain' }, roles: ['admin', 'reader'] });
    const { output, targets } = await open();
    await applyNow(output, targets);
    // WHEN it is planned again with the CLI
    const plan = await keyformCli(['plan', '--config', dir, '--detailed-exitcode'], cloudsEnv(clouds));
    // THEN nothing is left to do, and the user reaches the project
    expect({ code: plan.code, out: plan.code === 0 ? '' : plan.stderr + plan.stdout }).toEqual({ code: 0, out: '' });
    expect(await canScope(alice, projectName(run, 'shop'), c.perWorkspace ? `${run}-w1` : 'Default')).toBe(true);
  }, 300_000);
});
