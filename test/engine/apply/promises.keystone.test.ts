import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePlan, encodePlan, type Change } from '../../../plans/index.ts';
import { keystoneId } from '../../../constructs/model/index.ts';
import { applyPlan } from '../../../engine/apply/index.ts';
import { closeTargets, type PlatformTarget } from '../../../engine/plan/index.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { adminSession, cloudsEnv, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds } from './apply-fixture.ts';
import { applyNow, canScope, keyformCli, pendingChanges, projectName, promiseHcl, writePromiseConfig, type PromiseConfig } from './promises-fixture.ts';

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

/**
 * A tenant `shop` applied in the shared domain Default, with its project's name; `move()`
 * switches the config to one domain per workspace (nothing applied).
 */
async function tenantInDefault(policy: 'retain' | 'delete') {
  const r = await setUp({ domain: 'Default', tenants: { shop: policy } });
  const first = await r.open();
  await applyNow(first.output, first.targets);
  return { ...r, name: projectName(r.run, 'shop'), move: () => writePromiseConfig({ ...r.config, domain: undefined, perWorkspace: true }, r.dir) };
}

/** The id of what an `openstack … show` prints. */
async function idOf(args: readonly string[]): Promise<string> {
  return ((await osc([...args]))._unsafeUnwrap() as { id: string }).id;
}

/** One request the apply sent, in the order Keystone received them. */
interface Write {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
}

/** Plans and applies the config in `dir` through a proxy that records every write (not GETs, not token requests). */
async function applyRecorded(dir: string): Promise<{ succeeded: boolean; log: readonly Write[] }> {
  const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, maxRequests: 4000, lifetimeMs: 240_000 });
  const t = await targetsFor(dir, writeClouds(testStack(), { proxyUrl: proxy.url }));
  const report = (await applyPlan((await planNow(t.output, t.targets)).plan, t.targets))._unsafeUnwrap();
  closeTargets(t.targets);
  await proxy.close();
  const log = proxy.events.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !e.path.startsWith('/v3/auth/')).map(({ method, path, status }) => ({ method, path, ...(status === undefined ? {} : { status }) }));
  return { succeeded: report.succeeded, log };
}

/** Where in `log` the two writes that give `userId` a way into `to.project` succeeded: the membership in `to.group` and that group's grant on the project. */
function grantPaths(log: readonly Write[], to: { project: string; group: string }, userId: string): readonly number[] {
  const ok = (w: Write) => w.method === 'PUT' && (w.status ?? 0) < 300;
  const member = log.findIndex((w) => ok(w) && w.path === `/v3/groups/${to.group}/users/${userId}`);
  const grant = log.findIndex((w) => ok(w) && w.path.startsWith(`/v3/projects/${to.project}/groups/${to.group}/roles/`));
  return [member, grant].filter((i) => i >= 0);
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

  it('refuses a saved plan that adopts a project the configuration does not adopt, as an edited plan file would, and applies it once the configuration asks', async () => {
    // GIVEN a tenant applied in Default, and a project someone made by hand in Default, named as tenant "hand" would be
    const { run, alice, config, dir, open } = await setUp({ domain: 'Default', tenants: { shop: 'retain' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    const hand = (await osc(['project', 'create', '--domain', 'default', projectName(run, 'hand')]))._unsafeUnwrap() as { id: string };
    // AND a plan file whose desired state adopts it (saved from a config that adopts it: what an edited file would hold)
    const adopting = promiseHcl({ ...config, tenants: { ...config.tenants, hand: 'retain' } }).replace(/(project "hand" \{\n {4}tenant "[^"]+" \{\n)/, '$1      adopt = true\n');
    expect(adopting).toContain('adopt = true');
    writeFileSync(join(dir, 'keyform.hcl'), adopting);
    const file = join(dir, 'adopt.plan');
    expect((await keyformCli(['plan', '--config', dir, '--out', file], cloudsEnv(clouds))).code).toBe(0);
    // WHEN it is applied with a configuration that does not adopt the project
    writePromiseConfig(config, dir);
    const refused = await keyformCli(['apply', file, '--config', dir], cloudsEnv(clouds));
    // THEN apply refuses it, naming the address, and the project carries no keyform tag
    const address = `keyform_project.tenant["${platformOf(run)}/w1/hand"]`;
    expect({ code: refused.code, named: refused.stderr.includes(address) }).toEqual({ code: 1, named: true });
    const tagsNow = async () => ((await osc(['project', 'show', hand.id]))._unsafeUnwrap() as { tags: string[] }).tags.filter((t) => t.startsWith('keyform.'));
    expect(await tagsNow()).toEqual([]);
    // AND once the configuration adopts it, the same plan is applied: the project is the tenant's and alice reaches it
    writeFileSync(join(dir, 'keyform.hcl'), adopting);
    const applied = await keyformCli(['apply', file, '--config', dir], cloudsEnv(clouds));
    expect({ code: applied.code, stderr: applied.code === 0 ? '' : applied.stderr }).toEqual({ code: 0, stderr: '' });
    expect(await tagsNow()).toContain(`keyform.managed=${platformOf(run)}`);
    expect(await canScope(alice, projectName(run, 'hand'), 'Default')).toBe(true);
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

  it('moves a retained tenant from the shared domain to its workspace domain create-before-destroy: the user reaches it at every step, the old project is retired', async () => {
    // GIVEN a tenant applied in the shared domain Default, its project and admin group as the openstack CLI shows them
    const { run, alice, dir, open, name, move } = await tenantInDefault('retain');
    const old = { project: await idOf(['project', 'show', '--domain', 'default', name]), group: await idOf(['group', 'show', '--domain', 'default', `${name}-admin`]) };
    // AND the platform switched to one domain per workspace
    move();
    // WHEN it is planned with the CLI
    const text = await keyformCli(['plan', '--config', dir, '--detailed-exitcode', '-no-color'], cloudsEnv(clouds));
    const json = await keyformCli(['plan', '--config', dir, '--format', 'json'], cloudsEnv(clouds));
    // THEN the plan shows the project and group replaced create-before-destroy, the old project retired
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`+/- ${projectAddress(run, 'shop')}`);
    expect(text.stdout).toContain(`${projectAddress(run, 'shop')} must be replaced (create replacement and then destroy)`);
    expect(text.stdout).toMatch(/deletion policy retain: the old project is then disabled, tagged keyform\.retired and released/);
    const actions = (JSON.parse(json.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] }).resource_changes
      .filter((c) => c.change.actions.includes('delete')).map((c) => [c.address.replace(/".*"/, '"…"'), c.change.actions]);
    expect(new Set(actions.map((a) => JSON.stringify(a)))).toEqual(new Set([
      ['keyform_project.tenant["…"]', ['create', 'delete']], ['keyform_group.role["…"]', ['create', 'delete']],
      ['keyform_role_assignment.grant["…"]', ['create', 'delete']], ['keyform_group_membership.member["…"]', ['create', 'delete']],
    ].map((a) => JSON.stringify(a))));
    // WHEN it is applied through a proxy that records every request
    const writes = await applyRecorded(dir);
    // THEN it succeeded, and alice's new membership and grant were both written before anything of the old project or group was touched
    expect(writes.succeeded).toBe(true);
    const now = { project: await idOf(['project', 'show', '--domain', `${run}-w1`, name]), group: await idOf(['group', 'show', '--domain', `${run}-w1`, `${name}-admin`]) };
    const paths = grantPaths(writes.log, now, await idOf(['user', 'show', '--domain', 'default', alice]));
    const touched = writes.log.flatMap((w, i) => (w.path.includes(old.project) || w.path.includes(old.group) ? [i] : []));
    expect(paths.length).toBe(2);
    expect(touched.length).toBeGreaterThan(0);
    expect(Math.max(...paths)).toBeLessThan(Math.min(...touched));
    // AND alice reaches the new project; the old one is disabled, tagged retired and let go, its group gone
    expect(await canScope(alice, name, `${run}-w1`)).toBe(true);
    const kept = (await osc(['project', 'show', old.project]))._unsafeUnwrap() as { enabled: boolean; tags: string[] };
    expect({ enabled: kept.enabled, retired: kept.tags.includes('keyform.retired'), marked: kept.tags.some((t) => t.startsWith('keyform.managed=')) }).toEqual({ enabled: false, retired: true, marked: false });
    expect((await osc(['group', 'show', old.group])).isErr()).toBe(true);
    // AND nothing is left to do
    const second = await open();
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
  }, 400_000);

  it('keeps both ways in when a move stops after the new grants (every revoke refused), and the next apply finishes it: the delete-policy project goes', async () => {
    // GIVEN a delete-policy tenant applied in Default, then moved to its workspace domain
    const { run, alice, dir, open, name, move } = await tenantInDefault('delete');
    move();
    // WHEN the move is applied through a proxy that refuses every revoke of a role and every removal from a group
    const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, maxRequests: 4000, lifetimeMs: 240_000 });
    const refused = Array.from({ length: 40 }, () => ({ kind: 'status', status: 403 }) as const);
    proxy.script({ match: { method: 'DELETE', path: /\/v3\/projects\/[^/]+\/groups\/[^/]+\/roles\// }, faults: refused });
    proxy.script({ match: { method: 'DELETE', path: /\/v3\/groups\/[^/]+\/users\// }, faults: refused });
    const faulty = await targetsFor(dir, writeClouds(testStack(), { proxyUrl: proxy.url }));
    const report = (await applyPlan((await planNow(faulty.output, faulty.targets)).plan, faulty.targets))._unsafeUnwrap();
    closeTargets(faulty.targets);
    await proxy.close();
    // THEN the apply failed half-way, and alice reaches both the new project and the old one
    expect(report.succeeded).toBe(false);
    expect(await canScope(alice, name, `${run}-w1`)).toBe(true);
    expect(await canScope(alice, name, 'Default')).toBe(true);
    // AND the next apply finishes the move: the old project is deleted, alice reaches the new one, nothing is left to do
    const second = await open();
    await applyNow(second.output, second.targets);
    expect((await osc(['project', 'show', '--domain', 'default', name])).isErr()).toBe(true);
    expect(await canScope(alice, name, `${run}-w1`)).toBe(true);
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
  }, 400_000);

  it('moves a delete-policy tenant back from its workspace domain to the shared domain: the user reaches the new project, the old project and the emptied domain are deleted', async () => {
    // GIVEN a delete-policy tenant applied with one domain per workspace, then the platform switched to the shared domain Default
    const { run, alice, config, dir, open } = await setUp({ perWorkspace: true, tenants: { shop: 'delete' } });
    const first = await open();
    await applyNow(first.output, first.targets);
    const name = projectName(run, 'shop');
    const domain = await idOf(['domain', 'show', `${run}-w1`]);
    writePromiseConfig({ ...config, perWorkspace: false, domain: 'Default' }, dir);
    // WHEN it is planned and applied
    const second = await open();
    expect(await pendingChanges(second.output, second.targets)).toContain(`replace ${projectAddress(run, 'shop')}`);
    await applyNow(second.output, second.targets);
    // THEN alice reaches the project in Default; the old project went with the workspace domain, now empty
    expect(await canScope(alice, name, 'Default')).toBe(true);
    expect((await osc(['domain', 'show', domain])).isErr()).toBe(true);
    expect(await pendingChanges(second.output, second.targets)).toEqual([]);
  }, 400_000);

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
