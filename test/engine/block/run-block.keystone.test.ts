import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBlock, statusReporter, type BlockOutputs, type RunStatus } from '../../../engine/block/index.ts';
import { startKeystone, stopStack } from '../../openstack/launcher.ts';
import { oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { blockRun as runWith, list, readJson, show, type BlockRun, type Row } from './block-fixture.ts';
import { SUCCEEDED_RUN, startReceiver, statusLine, type Received, type StatusReceiver } from './status-receiver.ts';

const tag = randomBytes(3).toString('hex');
const P = `kfb${tag}`;
const DOMAIN = `kfb-${tag}`;
const USERS = `kfb-users-${tag}`;

const CONFIG = [
  `platform "${P}" {`, '  cloud = "admin"', '  region = "RegionOne"', `  user_domain = "${USERS}"`, `  domain = "${DOMAIN}"`,
  '  role_mapping = { admin = "member", user = "member", reader = "reader" }', '}',
  'landing_zone "dev" {', `  platform = "${P}"`, '  tags = { environment = "dev" }', '}', '',
].join('\n');

/** Inputs for tenant `ws.project` on platform P, binding `users` (euid → roles). */
function inputs(ws: string, project: string, users: Record<string, string[]>): string {
  return JSON.stringify({
    platform: P, workspace: { identifier: ws, name: ws.toUpperCase(), tags: { cost_center: `cc-${ws}` } }, project: { identifier: project },
    tenant: { landing_zone: 'dev' }, user_permissions: Object.entries(users).map(([euid, roles]) => ({ euid, roles })),
  }, null, 2);
}

/** Runs `keyform block run` with the platform's config. */
const blockRun = (inputsText: string, extra: readonly string[], cloudsYaml?: string): Promise<BlockRun> => runWith(CONFIG, inputsText, extra, cloudsYaml);

const docs = (received: readonly Received[]): RunStatus[] => received.filter((r) => r.answer < 300).map((r) => JSON.parse(r.body) as RunStatus);

/**
 * Tenant `ws.project` as the openstack CLI shows it: project, groups with their members, role
 * assignments. The calls run side by side: each costs the CLI's start-up.
 */
async function tenantInKeystone(ws: string, project: string): Promise<Row> {
  const [p, all] = await Promise.all([show(['project', 'show', '--domain', DOMAIN, `${ws}.${project}`]), list(['group', 'list', '--domain', DOMAIN, '--long'])]);
  const groups = all.filter((g) => String(g['Name']).startsWith(`${ws}.${project}-`));
  const [grants, ...users] = await Promise.all([
    list(['role', 'assignment', 'list', '--project', String(p['id']), '--names']),
    ...groups.map((g) => list(['user', 'list', '--group', String(g['ID'])])),
  ]);
  const members = Object.fromEntries(groups.map((g, i) => [String(g['Name']), users[i]!.map((u) => u['Name']).sort()]));
  return { project: p, groups, members, grants: grants!.map((a) => `${String(a['Group'])} ${String(a['Role'])}`).sort() };
}

/** The id of the group named `name` in a `tenantInKeystone` result. */
const groupId = (t: Row, name: string): unknown => (t['groups'] as Row[]).find((g) => g['Name'] === name)?.['ID'];

/** Under a loaded machine each openstack CLI call takes seconds: these tests get minutes. */
const SLOW = 600_000;

describe('keyform block run against Keystone', () => {
  let receiver: StatusReceiver;
  let otherBefore: Row;

  beforeAll(async () => {
    const act = async (args: string[]): Promise<string> => (await oscAction(args))._unsafeUnwrap();
    await Promise.all([DOMAIN, USERS].map((d) => act(['domain', 'create', d])));
    await Promise.all(['alice', 'bob'].map((u) => act(['user', 'create', '--domain', USERS, `${u}@acme.example`])));
    // Another tenant of the same platform, made by an earlier run: it must stay as it is.
    const other = await blockRun(inputs('globex', 'billing', { 'alice@acme.example': ['admin'] }), []);
    expect(other.code, other.stderr).toBe(0);
    otherBefore = await tenantInKeystone('globex', 'billing');
  }, SLOW);

  afterAll(async () => {
    await receiver?.close();
    for (const d of [DOMAIN, USERS]) {
      await oscAction(['domain', 'set', '--disable', d]);
      await oscAction(['domain', 'delete', d]);
    }
  });

  it('replicates the tenant, writes outputs the openstack CLI confirms, and POSTs every step in order', async () => {
    // GIVEN a status receiver whose first answer is a 503, and inputs binding alice (admin) and bob (user, reader)
    receiver = await startReceiver({ answers: [503] });
    const text = inputs('acme', 'webshop', { 'alice@acme.example': ['admin'], 'bob@acme.example': ['user', 'reader'] });
    // WHEN the building block runs
    const run = await blockRun(text, ['--outputs', 'outputs.json', '--status-url', receiver.url]);
    // THEN it succeeded, and the outputs are the ids Keystone has
    expect(run.code, run.stderr).toBe(0);
    const out = readJson<BlockOutputs>(run.dir, 'outputs.json');
    const [now, other] = await Promise.all([tenantInKeystone('acme', 'webshop'), tenantInKeystone('globex', 'billing')]);
    const project = now['project'] as Row;
    expect([out.projectId, out.domainId, out.projectName]).toEqual([project['id'], project['domain_id'], 'acme.webshop']);
    expect(out.groups).toEqual({ admin: groupId(now, 'acme.webshop-admin'), reader: groupId(now, 'acme.webshop-reader'), user: groupId(now, 'acme.webshop-user') });
    expect(out.remarks).toEqual([]);
    expect(now['members']).toEqual({ 'acme.webshop-admin': ['alice@acme.example'], 'acme.webshop-reader': ['bob@acme.example'], 'acme.webshop-user': ['bob@acme.example'] });
    expect(now['grants']).toEqual([`acme.webshop-admin@${DOMAIN} member`, `acme.webshop-reader@${DOMAIN} reader`, `acme.webshop-user@${DOMAIN} member`]);
    // AND the receiver got every step in order (the 503'd first document again), with no credentials
    expect(receiver.received.map((r) => r.answer)).toEqual([503, ...Array(8).fill(204)]);
    expect(docs(receiver.received).map(statusLine)).toEqual(SUCCEEDED_RUN);
    for (const r of receiver.received) {
      expect(Object.keys(r.headers).filter((h) => /auth|token|cookie/i.test(h))).toEqual([]);
      expect(r.body).not.toMatch(/secret|gAAAA/);
    }
    // AND the status file is the last document, and the other tenant is exactly as it was
    expect(readJson<RunStatus>(run.dir, 'status.json')).toEqual(docs(receiver.received).at(-1));
    expect(docs(receiver.received).at(-1)?.outputs).toEqual(out);
    expect(other).toEqual(otherBefore);
  }, SLOW);

  it('succeeds for a user without a Keystone account, telling the project owner in the user message', async () => {
    // GIVEN the same tenant, now also binding zoe, whom the identity provider has not created
    const text = inputs('acme', 'webshop', { 'alice@acme.example': ['admin'], 'bob@acme.example': ['user', 'reader'], 'zoe@acme.example': ['reader'] });
    // WHEN the building block runs again
    const run = await blockRun(text, ['--outputs', 'outputs.json']);
    // THEN it succeeded with nothing to change, and zoe's remark is in the user message and the outputs
    expect(run.code, run.stderr).toBe(0);
    const status = readJson<RunStatus>(run.dir, 'status.json');
    expect(status.status).toBe('SUCCEEDED');
    expect(status.steps.find((s) => s.id === 'plan')?.userMessage).toBe('Your project already matches the inputs: nothing to change.');
    expect(status.userMessage).toContain('zoe@acme.example (reader) has no account in the cloud yet');
    expect(readJson<BlockOutputs>(run.dir, 'outputs.json').remarks.map((r) => r.euid)).toEqual(['zoe@acme.example']);
    expect(await tenantInKeystone('globex', 'billing')).toEqual(otherBefore);
  }, SLOW);

  it('stopped by a signal before its changes, reports the apply step FAILED, changes nothing and releases the lock', async () => {
    // GIVEN inputs for a new tenant, and a run whose signal has already fired
    const dir = mkdtempSync(join(tmpdir(), 'kf-block-stop-'));
    writeFileSync(join(dir, 'platform.hcl'), CONFIG);
    writeFileSync(join(dir, 'inputs.json'), inputs('acme', 'halted', { 'alice@acme.example': ['admin'] }));
    // WHEN the building block runs
    const r = await runBlock({
      inputsFile: 'inputs.json', configPath: join(dir, 'platform.hcl'), outputsFile: 'outputs.json', reporter: statusReporter({ post: { toolVersion: '0.1.0' } }),
      env: { OS_CLIENT_CONFIG_FILE: testStack().cloudsYaml }, cwd: dir, toolVersion: '0.1.0', signal: AbortSignal.abort(),
    });
    // THEN the apply step failed with words for the owner, no project was made, and the lock is gone
    expect(statusLine(r.status)).toBe(`${r.status.sequence} FAILED: validate-inputs=SUCCEEDED plan=SUCCEEDED apply=FAILED`);
    expect(r.status.userMessage).toMatch(/^The run was stopped before it finished\. Nothing was changed in the cloud\./);
    const names = (await list(['project', 'list', '--domain', DOMAIN])).map((x) => x['Name']);
    expect(names).not.toContain('acme.halted');
    expect((await list(['group', 'list', '--domain', DOMAIN])).map((g) => g['Name'])).not.toContain(`keyform-lock-${P}`);
    expect(existsSync(join(dir, 'outputs.json'))).toBe(false);
  }, SLOW);

  it('fails clearly against a stopped Keystone, writing a complete FAILED status and no outputs', async () => {
    // GIVEN a Keystone of its own, started and then stopped (its clouds.yaml kept), and a receiver
    const ks = (await startKeystone())._unsafeUnwrap();
    const clouds = join(mkdtempSync(join(tmpdir(), 'kf-block-clouds-')), 'clouds.yaml');
    writeFileSync(clouds, readFileSync(ks.cloudsYaml, 'utf8'));
    (await stopStack(ks))._unsafeUnwrap();
    const r = await startReceiver();
    try {
      // WHEN the building block runs against it
      const run = await blockRun(inputs('acme', 'shop', { 'alice@acme.example': ['admin'] }), ['--outputs', 'outputs.json', '--status-url', r.url], clouds);
      // THEN it failed in the plan step, saying so in plain words and in detail
      expect(run.code).toBe(1);
      const status = readJson<RunStatus>(run.dir, 'status.json');
      expect(statusLine(status)).toBe(`${status.sequence} FAILED: validate-inputs=SUCCEEDED plan=FAILED`);
      expect(status.userMessage).toMatch(/^The cloud could not be reached\. Nothing was changed in the cloud\./);
      expect(status.systemMessage).toContain('ECONNREFUSED');
      // AND nothing is half-written: no outputs, no temporary file, and the receiver has the same final status
      expect(existsSync(join(run.dir, 'outputs.json'))).toBe(false);
      expect(readdirSync(run.dir).sort()).toEqual(['inputs.json', 'platform.hcl', 'status.json']);
      expect(docs(r.received).at(-1)).toEqual(status);
    } finally {
      await r.close();
    }
  }, SLOW);
});
