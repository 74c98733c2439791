import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import * as ks from '../../engine/keystone/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../engine/openstack/index.ts';
import { OPENSTACK_CLI, osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { adminSession, domainOf, ensureCoresRegistered, runId, writeConfig } from '../engine/apply/apply-fixture.ts';
import { checksOf, runKeyform, type CliRun } from '../engine/doctor/doctor-cli.ts';

/**
 * keyform signed in with the credentials OpenStack users hold (an openrc, OS_CLOUD, a
 * vendor profile, an application credential), each checked against the real `openstack`
 * CLI on the same files and variables, on the real Keystone. Every run's stdout and stderr
 * is kept and searched for the secrets at the end.
 */
const stack = testStack();
const run = runId();
const user = `kf-cred-${run}`;
const password = randomBytes(12).toString('hex');
const authUrl = stack.authUrl;
const printed: string[] = [];
const cleanup: (() => Promise<unknown>)[] = [];
let sys: OpenStackSession;
let appCred: { id: string; secret: string };

/** The openrc of the test's user: OS_* variables only, as Horizon writes it. */
const openrc: NodeJS.ProcessEnv = {
  OS_AUTH_URL: authUrl, OS_USERNAME: user, OS_PASSWORD: password, OS_PROJECT_NAME: 'admin', OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionOne', OS_INTERFACE: 'public', OS_IDENTITY_API_VERSION: '3',
};
const passwordAuth = { auth_url: authUrl, username: user, password, user_domain_name: 'Default' };
const projectCloud = { auth: { ...passwordAuth, project_name: 'admin', project_domain_name: 'Default' }, region_name: 'RegionOne' };
const systemCloud = { auth: { ...passwordAuth, system_scope: 'all' }, region_name: 'RegionOne' };

/** A fresh folder holding `files` (name → YAML document). */
function folder(files: Readonly<Record<string, unknown>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-cred-'));
  for (const [name, doc] of Object.entries(files)) writeFileSync(join(dir, name), stringify(doc), { mode: 0o600 });
  return dir;
}

/** The run's config with `lines` in place of its `cloud = "kf"` line (a fresh folder). */
function configWith(lines: string): string {
  const dir = writeConfig({ run, tenants: 1, users: {}, cores: 6 });
  const file = join(dir, 'keyform.hcl');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  cloud                = "kf"\n', lines));
  return dir;
}

/** `keyform ARGS` in-process with only `env` (no OS_* of this process), its output kept for the secret search. */
async function keyform(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  const r = await runKeyform(args, env, cwd);
  printed.push(r.stdout, r.stderr);
  return r;
}

/** The real `openstack ARGS -f json` with only `env` (and PATH) in folder `cwd`. */
function openstack(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(OPENSTACK_CLI, [...args, '-f', 'json'], { env: { PATH: process.env.PATH, HOME: cwd, ...env }, cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`openstack ${args.join(' ')} failed: ${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}

/**
 * Every list of Keystone that a write of keyform or its doctor could change, as raw JSON
 * text. The revocation events keep a trace of deletes and role revocations, so a write that
 * is undone again still shows.
 */
async function keystoneState(): Promise<string> {
  const paths = ['/OS-REVOKE/events', '/domains', '/projects', '/groups', '/users', '/roles', '/role_assignments', '/limits', '/registered_limits', '/services', '/endpoints', '/regions', `/users/${sys.userId}/application_credentials`];
  const bodies: string[] = [];
  for (const path of paths) bodies.push(JSON.stringify((await sys.request({ method: 'GET', service: 'identity', path }))._unsafeUnwrap().body));
  const groups = (await ks.listGroups(sys))._unsafeUnwrap();
  for (const g of groups) bodies.push(JSON.stringify((await sys.request({ method: 'GET', service: 'identity', path: `/groups/${g.id}/users` }))._unsafeUnwrap().body));
  return bodies.join('\n');
}

/** The value, or a test failure that shows the error's message. */
function must<T>(r: Result<T, { readonly message: string }>): T {
  if (r.isErr()) throw new Error(r.error.message);
  return r.value;
}

beforeAll(async () => {
  sys = await adminSession(stack, true);
  await ensureCoresRegistered(sys);
  const made = must(await osc(['user', 'create', '--domain', 'default', '--password', password, user])) as { id: string };
  cleanup.push(async () => oscAction(['user', 'delete', made.id]));
  cleanup.push(async () => {
    for (const d of (await ks.listDomains(sys))._unsafeUnwrap().filter((x) => x.name === domainOf(run))) {
      await ks.updateDomain(sys, d.id, { enabled: false });
      await ks.deleteDomain(sys, d.id);
    }
  });
  for (const target of [['--project', 'admin'], ['--system', 'all']]) must(await oscAction(['role', 'add', ...target, '--user', made.id, 'admin']));
  // As its user makes it: signed in with the openrc (an application credential is made for one's own token's project and roles).
  const own = must(await openSession(must(loadCloud({ env: openrc, cwd: folder() }))));
  const body = { application_credential: { name: `kf-${run}` } };
  appCred = must(await own.request<{ application_credential: { id: string; secret: string } }>({ method: 'POST', service: 'identity', path: `/users/${own.userId}/application_credentials`, body })).body.application_credential;
  // Deleted before its user: Keystone's user delete leaves the credential's role rows behind
  // in SQLite, where the next credential would meet them.
  cleanup.push(async () => own.request({ method: 'DELETE', service: 'identity', path: `/users/${own.userId}/application_credentials/${appCred.id}` }).map(() => own.close()));
});

afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
  sys?.close();
});

describe('credentials as OpenStack users hold them', () => {
  it('plans with an openrc alone (OS_* variables, no clouds.yaml) and a platform naming no cloud, signed in as `openstack token issue` is', async () => {
    // GIVEN only the openrc variables, no clouds.yaml anywhere, and a platform without `cloud`
    const cwd = folder();
    const config = configWith('');
    // WHEN keyform plans and checks, and the openstack CLI issues a token, with the same variables
    const plan = await keyform(['plan', '--config', config, '--format', 'json', '--detailed-exitcode'], openrc, cwd);
    const doctor = await keyform(['doctor', '--config', config, '--format', 'json'], openrc, cwd);
    const token = await openstack(['token', 'issue'], openrc, cwd);
    // THEN the plan has the run's changes, and the doctor signed in as the CLI did, through the `envvars` cloud
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(`"${domainOf(run)}"`);
    expect((JSON.parse(doctor.stdout) as { platforms: { cloud: string }[] }).platforms[0]!.cloud).toBe('envvars');
    expect(checksOf(doctor, `p-${run}`).get('replicator.auth')).toMatchObject({ status: 'ok', found: `signed in as ${user} (domain Default) with cloud "envvars", scoped to project admin (domain Default)` });
    expect(token.project_id).toBe((await ks.listProjects(sys, { name: 'admin' }))._unsafeUnwrap()[0]!.id);
  });

  it('takes the cloud from OS_CLOUD or --os-cloud when the platform names none, and says so when several clouds leave it open', async () => {
    // GIVEN a clouds.yaml with two clouds in the working folder and a platform without `cloud`
    const cwd = folder({ 'clouds.yaml': { clouds: { kf: projectCloud, other: systemCloud } } });
    const config = configWith('');
    const args = ['plan', '--config', config, '--format', 'json', '--detailed-exitcode'];
    // WHEN planned with OS_CLOUD, with --os-cloud, and with neither
    const byEnv = await keyform(args, { OS_CLOUD: 'kf' }, cwd);
    const byFlag = await keyform(['--os-cloud', 'kf', ...args], {}, cwd);
    const flagAfter = await keyform([...args, '--os-cloud', 'kf'], {}, cwd);
    const neither = await keyform(args, {}, cwd);
    // THEN both spellings plan the same changes; without either keyform names the clouds and the settings
    expect([byEnv.code, byFlag.code, flagAfter.code]).toEqual([2, 2, 2]);
    expect(byFlag.stdout.replace(/"(timestamp|created_at|createdAt)": ?"[^"]+"/g, '')).toBe(byEnv.stdout.replace(/"(timestamp|created_at|createdAt)": ?"[^"]+"/g, ''));
    expect(neither.code).toBe(1);
    // (with --format json the error is the one JSON document on stdout, as `terraform plan -json` gives its diagnostics)
    expect(neither.stderr).toBe('');
    expect((JSON.parse(neither.stdout) as { error: { message: string } }).error.message).toContain("defines several clouds (kf, other) and none was chosen. Set the platform's `cloud`, OS_CLOUD or --os-cloud.");
  });

  it('reads a profile from clouds-public.yaml as the openstack CLI does', async () => {
    // GIVEN a cloud whose auth_url and region come from a profile in clouds-public.yaml
    const cwd = folder({
      'clouds-public.yaml': { 'public-clouds': { lab: { auth: { auth_url: authUrl, user_domain_name: 'Default' }, regions: ['RegionOne'], identity_api_version: 3 } } },
      'clouds.yaml': { clouds: { kf: { profile: 'lab', auth: { username: user, password, project_name: 'admin', project_domain_name: 'Default' } } } },
    });
    // WHEN keyform plans with cloud = "kf", and the openstack CLI issues a token for it in the same folder
    const plan = await keyform(['plan', '--config', configWith('  cloud = "kf"\n'), '--format', 'json', '--detailed-exitcode'], {}, cwd);
    const token = await openstack(['token', 'issue'], { OS_CLOUD: 'kf' }, cwd);
    // THEN both sign in
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(token.user_id).toBeTruthy();
  });

  it('without limits_cloud, an application credential fails plan and doctor naming limits_cloud and the command that makes a system-scoped account', async () => {
    // GIVEN the application credential as the replicator's cloud, unified limits, no limits_cloud
    const cwd = folder({ 'clouds.yaml': { clouds: { ci: { auth_type: 'v3applicationcredential', auth: { auth_url: authUrl, application_credential_id: appCred.id, application_credential_secret: appCred.secret }, region_name: 'RegionOne' } } } });
    const config = configWith('  cloud = "ci"\n');
    // WHEN planned and checked
    const plan = await keyform(['plan', '--config', config], {}, cwd);
    const doctor = await keyform(['doctor', '--config', config, '--format', 'json'], {}, cwd);
    // THEN both fail, naming limits_cloud and the role command
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('Set limits_cloud on the platform');
    expect(plan.stderr).toContain('openstack role add --system all --user USER --user-domain DOMAIN admin');
    const limits = checksOf(doctor, `p-${run}`).get('replicator.limits');
    expect(limits?.status).toBe('fail');
    expect(limits?.found).toContain('is an application credential, which can\'t be system-scoped');
    expect(limits?.fix).toContain('add limits_cloud = "ENTRY" to the platform');
    expect(doctor.code).toBe(1);
  });

  it('replicates everything with an application credential, the limits through limits_cloud, read back with `openstack limit list`', async () => {
    // GIVEN the application credential as `cloud` and the user's system-scoped entry as `limits_cloud`
    const ci = { auth_type: 'v3applicationcredential', auth: { auth_url: authUrl, application_credential_id: appCred.id, application_credential_secret: appCred.secret }, region_name: 'RegionOne' };
    const cwd = folder({ 'clouds.yaml': { clouds: { ci, limits: systemCloud } } });
    const config = configWith('  cloud        = "ci"\n  limits_cloud = "limits"\n');
    // WHEN checked, applied, and planned again
    const doctor = await keyform(['doctor', '--config', config, '--format', 'json'], {}, cwd);
    const apply = await keyform(['apply', '--config', config, '--auto-approve'], {}, cwd);
    const again = await keyform(['plan', '--config', config, '--detailed-exitcode'], {}, cwd);
    // THEN doctor finds the limits account able to write limits, apply succeeds, and nothing is left to do
    expect(checksOf(doctor, `p-${run}`).get('replicator.limits')).toMatchObject({ status: 'ok', found: 'limits_cloud "limits": admin with a system-scoped token, may read and write every project\'s limits' });
    expect(checksOf(doctor, `p-${run}`).get('replicator.auth')?.found).toContain('with cloud "ci", scoped to project admin');
    expect(checksOf(doctor, `p-${run}`).get('replicator.identity')).toMatchObject({ status: 'ok', found: expect.stringContaining('Keystone allowed GET /v3/endpoints') });
    expect(apply.code).toBe(0);
    expect(again.code).toBe(0);
    // AND Keystone holds the project, its groups and its limit, as the openstack CLI reads them
    const domain = (await ks.listDomains(sys, { name: domainOf(run) }))._unsafeUnwrap()[0]!;
    const project = (await ks.listProjects(sys, { name: 'w1.p1', domain_id: domain.id }))._unsafeUnwrap()[0]!;
    const limits = (await osc(['limit', 'list', '--project', project.id], { cloud: 'admin-system' }))._unsafeUnwrap() as { 'Resource Name': string; 'Resource Limit': number }[];
    expect(limits.map((l) => [l['Resource Name'], l['Resource Limit']])).toEqual([['class:VCPU', 6]]);
    expect((await ks.listGroups(sys, { domain_id: domain.id }))._unsafeUnwrap().map((g) => g.name).sort()).toEqual(['w1.p1-admin', 'w1.p1-reader', 'w1.p1-user']);
  });

  it('doctor reads only: Keystone is byte-for-byte unchanged, for an admin and a reader replicator; --write-probe says what it creates, then does', async () => {
    // GIVEN a project-scoped admin and a project-scoped reader as replicators, one domain per workspace
    const cwd = folder({ 'clouds.yaml': { clouds: { kf: projectCloud, reader: { ...projectCloud, auth: { ...projectCloud.auth, username: 'auditor', password: 'secret' } } } } });
    const adminConfig = configWith('  cloud = "kf"\n');
    const readerConfig = configWith('  cloud = "reader"\n');
    // WHEN doctor checks both, with Keystone's full lists read before and after
    const before = await keystoneState();
    const admin = await keyform(['doctor', '--config', adminConfig, '--format', 'json'], {}, cwd);
    const reader = await keyform(['doctor', '--config', readerConfig, '--format', 'json'], {}, cwd);
    const after = await keystoneState();
    // THEN nothing changed, and the identity rows were decided from the token's roles and Keystone's policy answer
    expect(after).toBe(before);
    expect(checksOf(admin, `p-${run}`).get('replicator.identity')).toMatchObject({
      status: 'ok',
      found: `the token carries admin on project admin (domain Default) (its role assignments give admin on project admin, the system); Keystone allowed GET /v3/endpoints, whose rule identity:list_endpoints is the writes' admin_required for this token: may create, update and delete domains, projects, groups, group members and role assignments under Keystone's default policy; nothing written (keyform doctor --write-probe tries the writes)`,
    });
    const refused = checksOf(reader, `p-${run}`).get('replicator.identity');
    expect(refused?.status).toBe('fail');
    expect(refused?.found).toMatch(/^the token carries reader on project admin \(domain Default\), not admin/);
    expect(refused?.fix).toContain('--user auditor --user-domain Default --system all admin');
    // WHEN doctor runs with --write-probe
    const probed = await keyform(['doctor', '--config', adminConfig, '--format', 'json', '--write-probe'], {}, cwd);
    // THEN it announced the probe's objects on stderr, the row reports the probe on them, and Keystone shows the writes
    expect(await keystoneState()).not.toBe(after);
    const name = /will create in a new domain named (keyform-doctor-[0-9a-f]{8}) a disabled project and a group named \1/.exec(probed.stderr)?.[1];
    expect(name).toBeDefined();
    expect(checksOf(probed, `p-${run}`).get('replicator.identity')?.found).toMatch(new RegExp(`^write probe in a domain of its own \\(created, then deleted\\) passed: created, updated and deleted a project and a group named ${name}`));
  });

  it('printed no password, application credential secret or token in any of these runs', () => {
    // GIVEN everything the runs above printed WHEN searched THEN no secret is there, and there was output to search
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(password);
    expect(all).not.toContain(appCred.secret);
    expect(all).not.toMatch(/gAAAAA[\w-]{20,}/);
  });
});
