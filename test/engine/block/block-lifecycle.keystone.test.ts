import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlockOutputs, DestroyOutputs, RunStatus } from '../../../engine/block/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { adminSession, ensureCoresRegistered } from '../apply/apply-fixture.ts';
import { blockRun as runWith, list, readJson, show, type BlockRun, type Row } from './block-fixture.ts';
import { SUCCEEDED_RUN, statusLine } from './status-receiver.ts';

/**
 * A tenant's whole life through `keyform block run` on the real Keystone: created, changed,
 * removed (retain and delete), removed again, and a removal killed half-way. Checked with the
 * openstack CLI and by what the bound users get: whether they can scope a token to the project.
 */
const tag = randomBytes(3).toString('hex');
const P = `kfl${tag}`;
const P2 = `kfm${tag}`;
const DOMAIN = `kfl-${tag}`;
const USERS = `kfl-users-${tag}`;
const W = `w${tag}`;
const W2 = `v${tag}`;
const ALICE = 'alice@acme.example';
const BOB = 'bob@acme.example';
const KEYFORM = resolve(import.meta.dirname, '../../../engine/cli/keyform.mjs');

const CONFIG = [
  `platform "${P}" {`, '  cloud = "admin"', '  region = "RegionOne"', `  user_domain = "${USERS}"`, `  domain = "${DOMAIN}"`,
  '  role_mapping = { admin = "member", user = "member", reader = "reader" }', '}',
  `platform "${P2}" {`, '  cloud = "admin"', '  region = "RegionOne"', `  user_domain = "${USERS}"`, '  domain_per_workspace = true',
  `  domain_name_pattern = "kfm-${tag}-#{workspaceIdentifier}"`, '}',
  'landing_zone "dev" {', `  platform = "${P}"`, '  tags = { environment = "dev" }', '}',
  'landing_zone "dev2" {', `  platform = "${P2}"`, '}', '',
].join('\n');

interface Tenant {
  readonly platform?: string;
  readonly ws?: string;
  readonly project: string;
  readonly users: Record<string, string[]>;
  readonly costCenter?: string;
  readonly cores?: number;
  readonly policy?: 'retain' | 'delete';
  readonly behavior?: 'APPLY' | 'DESTROY';
}

/** The inputs a governance system hands over for `t`, in its spelling. */
function inputs(t: Tenant): string {
  return JSON.stringify({
    platform: t.platform ?? P, ...(t.behavior ? { behavior: t.behavior } : {}),
    workspace: { identifier: t.ws ?? W, tags: { cost_center: t.costCenter ?? 'cc-1' } }, project: { identifier: t.project },
    tenant: { landing_zone: t.platform === P2 ? 'dev2' : 'dev', ...(t.cores ? { quota: { 'compute.cores': t.cores } } : {}), ...(t.policy ? { deletion_policy: t.policy } : {}) },
    user_permissions: Object.entries(t.users).map(([euid, roles]) => ({ euid, roles })),
  }, null, 2);
}

const blockRun = (t: Tenant, extra: readonly string[] = []): Promise<BlockRun> => runWith(CONFIG, inputs(t), extra);
const status = (r: BlockRun): RunStatus => readJson<RunStatus>(r.dir, 'status.json');

/** Users as the identity provider makes them, with passwords so that the test can log in as them. */
const PASSWORDS = new Map<string, string>();

/**
 * What `user` gets when they ask Keystone for a token scoped to `projectId`: 201 (they can
 * work in the project) or 401 (they cannot).
 */
async function scope(user: string, projectId: string): Promise<number> {
  const res = await fetch(`${testStack().authUrl}/auth/tokens`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { name: USERS }, password: PASSWORDS.get(user) } } }, scope: { project: { id: projectId } } } }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The project of `ws.project` as `openstack project show` has it, in `domain`. */
const projectShow = (ws: string, project: string, domain = DOMAIN): Promise<Row> => show(['project', 'show', '--domain', domain, `${ws}.${project}`]);

/** Groups (name → member names) of tenant `ws.project` on the shared-domain platform, as the CLI lists them. */
async function groupsOf(ws: string, project: string): Promise<Record<string, string[]>> {
  const groups = (await list(['group', 'list', '--domain', DOMAIN])).filter((g) => String(g['Name']).startsWith(`${ws}.${project}-`));
  const members = await Promise.all(groups.map((g) => list(['user', 'list', '--group', String(g['ID'])])));
  return Object.fromEntries(groups.map((g, i) => [String(g['Name']), members[i]!.map((u) => String(u['Name'])).sort()]));
}

const SLOW = 600_000;

describe('a tenant\'s lifecycle through keyform block run, on the real Keystone', () => {
  let otherId = '';
  let otherBefore: Row;
  let projectId = '';

  beforeAll(async () => {
    const act = async (args: string[]): Promise<string> => (await oscAction(args))._unsafeUnwrap();
    await Promise.all([DOMAIN, USERS].map((d) => act(['domain', 'create', d])));
    const sys = await adminSession(testStack(), true);
    await ensureCoresRegistered(sys);
    sys.close();
    await Promise.all([ALICE, BOB].map((u) => {
      const pw = `pw${randomBytes(12).toString('hex')}`;
      PASSWORDS.set(u, pw);
      return act(['user', 'create', '--domain', USERS, '--password', pw, u]);
    }));
    // Another tenant of the same workspace, where bob is a reader: it must stay as it is throughout.
    const other = await blockRun({ project: 'other', users: { [BOB]: ['reader'] } });
    expect(other.code, other.stderr).toBe(0);
    otherId = (status(other).outputs as BlockOutputs).projectId;
    otherBefore = { project: await projectShow(W, 'other'), groups: await groupsOf(W, 'other') };
  }, SLOW);

  afterAll(async () => {
    const domains = (await list(['domain', 'list'])).map((d) => String(d['Name'])).filter((n) => n.startsWith(`kfm-${tag}-`));
    for (const d of [DOMAIN, USERS, ...domains]) {
      await oscAction(['domain', 'set', '--disable', d]);
      await oscAction(['domain', 'delete', d]);
    }
  });

  /** The other tenant is exactly as it was, and bob can still work in it. */
  async function otherUntouched(): Promise<void> {
    expect({ project: await projectShow(W, 'other'), groups: await groupsOf(W, 'other') }).toEqual(otherBefore);
    expect(await scope(BOB, otherId)).toBe(201);
  }

  it('applies the tenant: every bound user can scope a token to the project, and the status says who got which role', async () => {
    // GIVEN inputs binding alice (admin, user) and bob (user), with 4 cores
    const t: Tenant = { project: 'web', users: { [ALICE]: ['admin', 'user'], [BOB]: ['user'] }, cores: 4 };
    // WHEN the building block runs
    const run = await blockRun(t, ['--outputs', 'outputs.json']);
    // THEN it succeeded, and both users can scope a token to the new project
    expect(run.code, run.stderr).toBe(0);
    projectId = readJson<BlockOutputs>(run.dir, 'outputs.json').projectId;
    expect([await scope(ALICE, projectId), await scope(BOB, projectId)]).toEqual([201, 201]);
    expect(await groupsOf(W, 'web')).toEqual({ [`${W}.web-admin`]: [ALICE], [`${W}.web-reader`]: [], [`${W}.web-user`]: [ALICE, BOB].sort() });
    // AND the status says, in the owner's words, what was made
    const s = status(run);
    expect(s.plan?.description).toEqual(expect.arrayContaining([`${ALICE} gets role admin.`, `${ALICE} gets role user.`, `${BOB} gets role user.`, 'Quota compute.cores is set to 4.']));
    expect(s.userMessage).toContain('\nChanged in this run:\n');
    expect(s.userMessage).toContain(`\n- Project ${W}.web is created.\n`);
    await otherUntouched();
  }, SLOW);

  it('converges on changed inputs: bob removed loses access, alice loses the role taken from her, tag and quota change; the status says so', async () => {
    // GIVEN the same tenant without bob, alice without role user, another cost centre and 6 cores
    const t: Tenant = { project: 'web', users: { [ALICE]: ['admin'] }, cores: 6, costCenter: 'cc-2' };
    // WHEN the building block runs again
    const run = await blockRun(t);
    // THEN bob can no longer scope a token to the project, alice still can
    expect(run.code, run.stderr).toBe(0);
    expect([await scope(ALICE, projectId), await scope(BOB, projectId)]).toEqual([201, 401]);
    // AND Keystone has what the inputs say, as the openstack CLI shows it
    expect(await groupsOf(W, 'web')).toEqual({ [`${W}.web-admin`]: [ALICE], [`${W}.web-reader`]: [], [`${W}.web-user`]: [] });
    expect((await projectShow(W, 'web'))['tags']).toContain('kf_cost_center=cc-2');
    // (a project's unified limits are shown to a system-scoped token)
    const limits = (await osc(['limit', 'list', '--project', projectId], { cloud: 'admin-system' }))._unsafeUnwrap() as Row[];
    expect(limits.map((l) => l['Resource Limit'])).toEqual([6]);
    // AND the run's status names each change in the owner's words
    expect(status(run).plan?.description).toEqual([
      `${ALICE} loses role user.`, `${BOB} loses role user.`, 'Tag kf_cost_center: "cc-1" → "cc-2".', 'Quota compute.cores: 4 → 6.',
    ]);
    expect(status(run).userMessage).toContain(`- ${BOB} loses role user.`);
    await otherUntouched();
  }, SLOW);

  it('with --dry-run, stops a destroy after the plan step with the plan in the status, and changes nothing', async () => {
    // GIVEN the tenant as it is
    const t: Tenant = { project: 'web', users: { [ALICE]: ['admin'] }, cores: 6, costCenter: 'cc-2' };
    // WHEN its destroy runs dry
    const run = await blockRun(t, ['--destroy', '--dry-run', '--outputs', 'outputs.json']);
    // THEN the run succeeded after its plan step, with the removal planned in words and change by change
    expect(run.code, run.stderr).toBe(0);
    const s = status(run);
    expect(statusLine(s)).toBe('4 SUCCEEDED: validate-inputs=SUCCEEDED plan=SUCCEEDED');
    expect(s.userMessage).toMatch(/^Dry run, nothing was changed\. This run would make these changes/);
    expect(s.plan?.description).toContain(`Project ${W}.web is disabled and marked retired, not deleted (deletion policy retain): nobody can use it any more.`);
    // (3 groups, their 3 role assignments and alice's membership)
    expect(s.plan?.changes.filter((c) => c.action === 'delete').length).toBe(7);
    expect(s.outputs).toBeUndefined();
    // AND alice can still scope, and no lock group was ever made
    expect(await scope(ALICE, projectId)).toBe(201);
    expect((await list(['group', 'list', '--domain', DOMAIN])).map((g) => g['Name'])).not.toContain(`keyform-lock-${P}`);
  }, SLOW);

  it('destroys with deletion policy retain: nobody can scope a token, the project is disabled and tagged retired, the other tenant is untouched', async () => {
    // GIVEN the tenant's inputs, now with "behavior": "DESTROY"
    const t: Tenant = { project: 'web', users: { [ALICE]: ['admin'] }, cores: 6, costCenter: 'cc-2', behavior: 'DESTROY' };
    // WHEN the building block runs
    const run = await blockRun(t, ['--outputs', 'outputs.json']);
    // THEN every step succeeded, and nobody can scope a token to the project any more
    expect(run.code, run.stderr).toBe(0);
    const s = status(run);
    expect(statusLine(s)).toBe(SUCCEEDED_RUN.at(-1));
    expect([await scope(ALICE, projectId), await scope(BOB, projectId)]).toEqual([401, 401]);
    // AND the openstack CLI shows the project kept, disabled and tagged retired, and no group left
    const p = await projectShow(W, 'web');
    expect([p['id'], p['enabled']]).toEqual([projectId, false]);
    expect(p['tags']).toContain('keyform.retired');
    expect(await groupsOf(W, 'web')).toEqual({});
    // AND the outputs say what was removed and what is retained, and the status says it in words
    const out = readJson<DestroyOutputs>(run.dir, 'outputs.json');
    expect(out).toEqual(s.outputs);
    expect([out.behavior, out.deletionPolicy]).toEqual(['DESTROY', 'retain']);
    expect(out.removed.map((o) => `${o.kind} ${o.name}`).sort()).toEqual([
      'assignment admin: member', 'assignment reader: reader', 'assignment user: member',
      `group ${W}.web-admin`, `group ${W}.web-reader`, `group ${W}.web-user`, `membership ${ALICE} in admin`,
    ]);
    expect(out.retained.map((o) => `${o.kind} ${o.name}`)).toEqual([`project ${W}.web`, 'quota compute.cores = 6']);
    expect(s.userMessage).toMatch(new RegExp(`^Project ${W}\\.web on platform ${P} is removed: nobody has access to it any more\\.`));
    await otherUntouched();
  }, SLOW);

  it('destroys again: succeeds, says nothing changed, and changes nothing', async () => {
    // GIVEN the removed tenant's inputs, without a behaviour
    const t: Tenant = { project: 'web', users: { [ALICE]: ['admin'] }, cores: 6, costCenter: 'cc-2' };
    const before = await projectShow(W, 'web');
    // WHEN the building block runs with --destroy
    const run = await blockRun(t, ['--destroy']);
    // THEN it succeeded with nothing to change, and the project is as it was
    expect(run.code, run.stderr).toBe(0);
    const s = status(run);
    expect(s.steps.find((x) => x.id === 'plan')?.userMessage).toBe('Your project was already removed before this run: nothing to change.');
    expect(s.userMessage).toContain('Nothing needed to change: this run changed nothing.');
    expect((s.outputs as DestroyOutputs).removed).toEqual([]);
    expect(await projectShow(W, 'web')).toEqual(before);
    await otherUntouched();
  }, SLOW);

  it('destroys with deletion policy delete on a domain-per-workspace platform: the project goes, the domain stays while another tenant is in it', async () => {
    // GIVEN two tenants of one workspace, each in its own project of the workspace's domain
    const a: Tenant = { platform: P2, ws: W2, project: 'a', users: { [ALICE]: ['admin'] }, policy: 'delete' };
    const b: Tenant = { platform: P2, ws: W2, project: 'b', users: { [BOB]: ['admin'] }, policy: 'delete' };
    for (const t of [a, b]) expect((await blockRun(t)).code).toBe(0);
    const domain = `kfm-${tag}-${W2}`;
    const bId = String((await projectShow(W2, 'b', domain))['id']);
    expect((await projectShow(W2, 'a', domain))['tags']).toContain('keyform.deletion_policy=delete');
    // WHEN tenant a is destroyed with inputs that no longer say its policy (the one recorded on its project holds)
    const run = await blockRun({ ...a, policy: undefined, behavior: 'DESTROY' }, ['--outputs', 'outputs.json']);
    // THEN its project is gone, the domain and tenant b stay, and bob can still work in b
    expect(run.code, run.stderr).toBe(0);
    const projects = (await list(['project', 'list', '--domain', domain])).map((p) => p['Name']);
    expect(projects).toEqual([`${W2}.b`]);
    expect(await scope(BOB, bId)).toBe(201);
    const out = readJson<DestroyOutputs>(run.dir, 'outputs.json');
    expect(out.deletionPolicy).toBe('delete');
    expect(out.removed.map((o) => o.kind)).toContain('project');
    expect(out.retained.map((o) => `${o.kind} ${o.name}`)).toEqual([`domain ${domain}`]);
    // WHEN the last tenant of the workspace is destroyed, twice
    const last = await blockRun({ ...b, behavior: 'DESTROY' });
    const again = await blockRun({ ...b, behavior: 'DESTROY' });
    // THEN its project and the emptied domain are gone, and the second run found nothing to do
    expect([last.code, again.code]).toEqual([0, 0]);
    expect(status(last).plan?.description).toContain(`Domain ${domain} of workspace ${W2} is deleted: nothing else is left in it.`);
    expect((await list(['domain', 'list'])).map((d) => d['Name'])).not.toContain(domain);
    expect(status(again).userMessage).toMatch(/was already gone from the cloud\./);
    expect(await scope(BOB, bId)).toBe(401);
  }, SLOW);

  it('completes a destroy killed with SIGKILL in the middle of its apply on the next destroy run', async () => {
    // GIVEN a tenant with many memberships, so that its removal takes many changes
    const users = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const name = `u${i}-${tag}@acme.example`;
      (await oscAction(['user', 'create', '--domain', USERS, name]))._unsafeUnwrap();
      return name;
    }));
    const t: Tenant = { project: 'big', users: { [ALICE]: ['admin'], ...Object.fromEntries(users.map((u) => [u, ['admin', 'user', 'reader']])) } };
    const made = await blockRun(t, ['--outputs', 'outputs.json']);
    expect(made.code, made.stderr).toBe(0);
    const bigId = readJson<BlockOutputs>(made.dir, 'outputs.json').projectId;
    expect(await scope(ALICE, bigId)).toBe(201);
    // WHEN its destroy (the CLI in a child process, its lock good for 3 s) is killed after 4 changes
    const dir = mkdtempSync(join(tmpdir(), 'kf-block-kill-'));
    writeFileSync(join(dir, 'platform.hcl'), CONFIG);
    writeFileSync(join(dir, 'inputs.json'), inputs(t));
    const killed = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [KEYFORM, 'block', 'run', '--inputs', 'inputs.json', '--config', 'platform.hcl', '--status', 'status.json', '--destroy', '--lock-ttl', '3s', '--parallelism', '1'],
        { cwd: dir, env: { ...process.env, OS_CLIENT_CONFIG_FILE: testStack().cloudsYaml }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
        if (/\[4\/\d+\]/.test(stderr)) child.kill('SIGKILL');
      });
      child.on('close', (_code, signal) => done({ signal, stderr }));
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const half = await groupsOf(W, 'big');
    // THEN the next destroy run waits out the dead run's lock and finishes the removal
    const next = await blockRun(t, ['--destroy', '--lock-timeout', '60s', '--outputs', 'outputs.json']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/Breaking the expired apply lock/);
    // (the kill came part-way: some of the 3 groups and 19 memberships were gone, not all)
    const left = Object.keys(half).length + Object.values(half).flat().length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(3 + 19);
    expect(await groupsOf(W, 'big')).toEqual({});
    const p = await projectShow(W, 'big');
    expect([p['enabled'], (p['tags'] as string[]).includes('keyform.retired')]).toEqual([false, true]);
    expect(await scope(ALICE, bigId)).toBe(401);
    expect((readJson<DestroyOutputs>(next.dir, 'outputs.json')).removed.length).toBeGreaterThan(0);
    await otherUntouched();
  }, SLOW);
});
