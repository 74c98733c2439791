import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePlan, renderMarkdown } from '../../plans/index.ts';
import { osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { checkout, fileVariable, runGithubJob, runGitlabJob, type Artifacts, type JobRun } from './ci-runner.ts';

const tag = randomBytes(3).toString('hex');
const USERS = `kfci-users-${tag}`;
const GITHUB = 'examples/ci/github/keyform.yml';
const GITLAB = 'examples/ci/gitlab/.gitlab-ci.yml';
const GITHUB_REPLICATE = 'examples/ci/github/keyform-replicate.yml';
const READER = `kfci-reader-${tag}`;
const MARKER = '<!-- keyform-plan -->';

/** Under a loaded machine every keyform and openstack CLI start takes seconds: these tests get minutes. */
const SLOW = 900_000;

/** The config of a pull request: platform `p` in domain `domain`, tenant acme.webshop binding `users`. */
function config(p: string, domain: string, users: Record<string, string>): Record<string, string> {
  const bindings = Object.entries(users).map(([euid, role]) => `    user "${euid}" { roles = ["${role}"] }`);
  return {
    'keyform/platform.hcl': [`platform "${p}" {`, '  cloud = "admin"', '  region = "RegionOne"', `  user_domain = "${USERS}"`, `  domain = "${domain}"`, '}', ''].join('\n'),
    'keyform/acme.hcl': ['workspace "acme" {', '  project "webshop" {', `    tenant "${p}" {}`, ...bindings, '  }', '}', ''].join('\n'),
  };
}

type Row = Record<string, unknown>;

/** Members of each of acme.webshop's groups in `domain`, as the openstack CLI lists them. */
async function members(domain: string): Promise<Record<string, unknown[]>> {
  const groups = ((await osc(['group', 'list', '--domain', domain]))._unsafeUnwrap() as Row[]).filter((g) => String(g['Name']).startsWith('acme.webshop-'));
  const lists = await Promise.all(groups.map(async (g) => ((await osc(['user', 'list', '--group', String(g['ID'])]))._unsafeUnwrap() as Row[]).map((u) => u['Name'])));
  return Object.fromEntries(groups.map((g, i) => [String(g['Name']), lists[i]!]));
}

/** acme.webshop after #1: a group per role of the default role mapping, alice in admin. */
const AFTER_PR1 = { 'acme.webshop-admin': ['alice@acme.example'], 'acme.webshop-reader': [], 'acme.webshop-user': [] };

/** How to run the plan, apply and scheduled-replication jobs of one CI system. */
interface CiSystem {
  readonly name: string;
  readonly planJob: (dir: string, artifacts: Artifacts) => Promise<JobRun>;
  readonly applyJob: (dir: string, artifacts: Artifacts) => Promise<JobRun>;
  readonly replicateJob: (dir: string) => Promise<JobRun>;
  readonly glue: { readonly plan: readonly string[]; readonly apply: readonly string[]; readonly replicate: readonly string[] };
}

const clouds = (): string => testStack().cloudsYaml;

/**
 * A clouds.yaml whose entry `admin` (the name the configs' platforms use) is a read-only
 * account: a user with only `reader` on the system, the role the examples document for the
 * plan job.
 */
function readerClouds(): string {
  const doc = parse(readFileSync(clouds(), 'utf8')) as { clouds: Record<string, { auth: Record<string, unknown> } & Record<string, unknown>> };
  const admin = doc.clouds['admin']!;
  const reader = { ...admin, auth: { auth_url: admin.auth['auth_url'], user_domain_name: 'Default', username: READER, password: `pw-${tag}`, system_scope: 'all' } };
  const file = join(mkdtempSync(join(tmpdir(), 'kf-reader-')), 'clouds.yaml');
  writeFileSync(file, stringify({ clouds: { admin: reader } }), { mode: 0o600 });
  return file;
}

const SYSTEMS: readonly CiSystem[] = [
  {
    name: 'GitHub Actions',
    planJob: (dir, a) => runGithubJob(GITHUB, 'plan', dir, { 'secrets.KEYFORM_READER_CLOUDS_YAML': readFileSync(readerClouds(), 'utf8'), 'github.event.pull_request.number': '1' }, a),
    applyJob: (dir, a) => runGithubJob(GITHUB, 'apply', dir, { 'secrets.KEYFORM_CLOUDS_YAML': readFileSync(clouds(), 'utf8') }, a),
    replicateJob: (dir) => runGithubJob(GITHUB_REPLICATE, 'replicate', dir, { 'secrets.KEYFORM_CLOUDS_YAML': readFileSync(clouds(), 'utf8') }, new Map()),
    glue: { plan: ['Install keyform', 'Comment on the pull request'], apply: ['Install keyform', 'Find the reviewed plan'], replicate: ['Install keyform', 'Open or update the drift issue'] },
  },
  {
    name: 'GitLab CI',
    planJob: (dir, a) => runGitlabJob(GITLAB, 'keyform-plan', dir, { KEYFORM_READER_CLOUDS_YAML: fileVariable(readerClouds()) }, a),
    applyJob: (dir, a) => runGitlabJob(GITLAB, 'keyform-apply', dir, { KEYFORM_CLOUDS_YAML: fileVariable(clouds()) }, a),
    replicateJob: (dir) => runGitlabJob(GITLAB, 'keyform-replicate', dir, { KEYFORM_CLOUDS_YAML: fileVariable(clouds()) }, new Map()),
    glue: {
      plan: ['npm ci --cache .npm --prefer-offline', 'api() { curl --fail-with-body -sS --header "PRIVATE-TOKEN: $KEYFORM_GITLAB_TOKEN" "$@"; }'],
      apply: ['npm ci --cache .npm --prefer-offline', 'api() { curl --fail-with-body -sS --header "PRIVATE-TOKEN: $KEYFORM_APPLY_TOKEN" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/$1"; }'],
      replicate: ['npm ci --cache .npm --prefer-offline', 'if [ -f drift.md ]; then'],
    },
  },
];

beforeAll(async () => {
  (await oscAction(['domain', 'create', USERS]))._unsafeUnwrap();
  await Promise.all(['alice', 'bob'].map(async (u) => (await oscAction(['user', 'create', '--domain', USERS, `${u}@acme.example`]))._unsafeUnwrap()));
  // The plan jobs' read-only account: `reader` on the system, nothing else.
  (await oscAction(['user', 'create', '--domain', 'default', '--password', `pw-${tag}`, READER]))._unsafeUnwrap();
  (await oscAction(['role', 'add', '--user', READER, '--user-domain', 'default', '--system', 'all', 'reader']))._unsafeUnwrap();
}, SLOW);

afterAll(async () => {
  await oscAction(['user', 'delete', '--domain', 'default', READER]);
  await oscAction(['domain', 'set', '--disable', USERS]);
  await oscAction(['domain', 'delete', USERS]);
});

describe.each(SYSTEMS)('the $name example', (ci) => {
  const p = `kfci${tag}${ci.name.startsWith('GitHub') ? 'h' : 'l'}`;
  const domain = `${p}-dom`;

  beforeAll(async () => void (await oscAction(['domain', 'create', domain]))._unsafeUnwrap(), SLOW);
  afterAll(async () => {
    await oscAction(['domain', 'set', '--disable', domain]);
    await oscAction(['domain', 'delete', domain]);
  });

  it('plans each pull request with a comment and a kept plan, applies the merged one, and refuses the stale one', async () => {
    // GIVEN two pull requests planned against the same Keystone: #1 binds alice, #2 alice and bob
    const pr1 = checkout(config(p, domain, { 'alice@acme.example': 'admin' }));
    const pr2 = checkout(config(p, domain, { 'alice@acme.example': 'admin', 'bob@acme.example': 'user' }));
    const art1: Artifacts = new Map();
    const art2: Artifacts = new Map();
    const plan1 = await ci.planJob(pr1, art1);
    const plan2 = await ci.planJob(pr2, art2);
    // THEN each plan job ran keyform's commands with the read-only account (and skipped only the
    // platform glue), kept the plan, and its comment is the marker and the Markdown of exactly that plan file
    for (const run of [plan1, plan2]) expect([run.code, run.skipped], run.stderr).toEqual([0, ci.glue.plan]);
    expect([...art1.keys()]).toContain('plan.kfplan');
    const comment = readFileSync(join(pr1, 'comment.md'), 'utf8');
    expect(comment).toBe(`${MARKER}\n${renderMarkdown(decodePlan(art1.get('plan.kfplan')!.toString('utf8'))._unsafeUnwrap())}`);
    expect(comment).toContain(`keyform_group_membership.member["${p}/acme/webshop/admin/alice@acme.example"]`);
    // AND GitLab's Terraform widget gets the counts, in its report format
    const planned = decodePlan(art1.get('plan.kfplan')!.toString('utf8'))._unsafeUnwrap();
    if (ci.name === 'GitLab CI') expect(JSON.parse(readFileSync(join(pr1, 'plan-summary.json'), 'utf8'))).toEqual({ create: planned.summary.add, update: 0, delete: 0 });

    // WHEN #1 is merged: its apply job runs on the merged commit with #1's plan
    const apply1 = await ci.applyJob(checkout(config(p, domain, { 'alice@acme.example': 'admin' })), art1);
    // THEN the reviewed plan was applied, as the openstack CLI shows
    expect([apply1.code, apply1.skipped], apply1.stderr).toEqual([0, ci.glue.apply]);
    expect(await members(domain)).toEqual(AFTER_PR1);

    // WHEN #2 is merged after it: its plan was made before #1 changed Keystone
    const apply2 = await ci.applyJob(checkout(config(p, domain, { 'alice@acme.example': 'admin', 'bob@acme.example': 'user' })), art2);
    // THEN the apply refuses the stale plan, naming why, and Keystone keeps what #1 made
    expect(apply2.code).toBe(1);
    expect(apply2.stderr).toContain('Saved plan is stale');
    expect(apply2.stderr).toContain('Nothing was applied');
    expect(await members(domain)).toEqual(AFTER_PR1);
  }, SLOW);

  it('replicates a late user on schedule, and reports a member added by hand as drift without applying anything', async () => {
    // GIVEN main binds carol, who has no Keystone user yet (the tenant is as #1 left it)
    const main = config(p, domain, { 'alice@acme.example': 'admin', [`carol-${p}@acme.example`]: 'admin' });
    // WHEN carol appears and the scheduled job runs
    (await oscAction(['user', 'create', '--domain', USERS, `carol-${p}@acme.example`]))._unsafeUnwrap();
    const late = await ci.replicateJob(checkout(main));
    // THEN her membership was applied on its own, and no drift reported
    expect([late.code, late.skipped], late.stderr).toEqual([0, ci.glue.replicate]);
    expect((await members(domain))['acme.webshop-admin']).toEqual(['alice@acme.example', `carol-${p}@acme.example`]);
    // WHEN bob is added to the admin group by hand, and the job runs again
    const groups = (await osc(['group', 'list', '--domain', domain]))._unsafeUnwrap() as Row[];
    const admin = String(groups.find((g) => g['Name'] === 'acme.webshop-admin')!['ID']);
    (await oscAction(['group', 'add', 'user', '--user-domain', USERS, admin, 'bob@acme.example']))._unsafeUnwrap();
    const dir = checkout(main);
    const drift = await ci.replicateJob(dir);
    // THEN the job succeeds, writes the drift report for the issue, and bob stays (nothing applied)
    expect([drift.code, drift.skipped], drift.stderr).toEqual([0, ci.glue.replicate]);
    expect(existsSync(join(dir, 'drift.md'))).toBe(true);
    const report = readFileSync(join(dir, 'drift.md'), 'utf8');
    expect(report).toContain('Nothing was applied: --only-additions');
    expect(report).toContain(`keyform_group_membership.member["${p}/acme/webshop/admin/bob@acme.example"]: a membership delete`);
    expect(report).toContain('## keyform plan');
    expect((await members(domain))['acme.webshop-admin']).toContain('bob@acme.example');
  }, SLOW);
});
