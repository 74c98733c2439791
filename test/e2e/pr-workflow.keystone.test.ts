import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePlan, renderMarkdown } from '../../plans/index.ts';
import { osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { checkout, fileVariable, runGithubJob, runGitlabJob, type Artifacts, type JobRun } from './ci-runner.ts';

const tag = randomBytes(3).toString('hex');
const USERS = `kfci-users-${tag}`;
const GITHUB = 'examples/ci/github/keyform.yml';
const GITLAB = 'examples/ci/gitlab/.gitlab-ci.yml';

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

/** How to run the plan job and the apply job of one CI system. */
interface CiSystem {
  readonly name: string;
  readonly planJob: (dir: string, artifacts: Artifacts) => Promise<JobRun>;
  readonly applyJob: (dir: string, artifacts: Artifacts) => Promise<JobRun>;
  readonly glue: { readonly plan: readonly string[]; readonly apply: readonly string[] };
}

const clouds = (): string => testStack().cloudsYaml;

const SYSTEMS: readonly CiSystem[] = [
  {
    name: 'GitHub Actions',
    planJob: (dir, a) => runGithubJob(GITHUB, 'plan', dir, { 'secrets.KEYFORM_CLOUDS_YAML': readFileSync(clouds(), 'utf8') }, a),
    applyJob: (dir, a) => runGithubJob(GITHUB, 'apply', dir, { 'secrets.KEYFORM_CLOUDS_YAML': readFileSync(clouds(), 'utf8') }, a),
    glue: { plan: ['Install keyform', 'Comment on the pull request'], apply: ['Install keyform', 'Find the reviewed plan'] },
  },
  {
    name: 'GitLab CI',
    planJob: (dir, a) => runGitlabJob(GITLAB, 'keyform-plan', dir, { KEYFORM_CLOUDS_YAML: fileVariable(clouds()) }, a),
    applyJob: (dir, a) => runGitlabJob(GITLAB, 'keyform-apply', dir, { KEYFORM_CLOUDS_YAML: fileVariable(clouds()) }, a),
    glue: { plan: ['npm ci --cache .npm --prefer-offline', 'curl --fail-with-body -sS -X POST --header "PRIVATE-TOKEN: $KEYFORM_GITLAB_TOKEN" --data-urlencode "body@comment.md" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes" > /dev/null'], apply: ['npm ci --cache .npm --prefer-offline', 'api() { curl --fail-with-body -sS --header "PRIVATE-TOKEN: $KEYFORM_GITLAB_TOKEN" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/$1"; }'] },
  },
];

beforeAll(async () => {
  (await oscAction(['domain', 'create', USERS]))._unsafeUnwrap();
  await Promise.all(['alice', 'bob'].map(async (u) => (await oscAction(['user', 'create', '--domain', USERS, `${u}@acme.example`]))._unsafeUnwrap()));
}, SLOW);

afterAll(async () => {
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
    // THEN each plan job ran keyform's commands (and skipped only the platform glue), kept the plan,
    // and its comment is the Markdown of exactly that plan file
    for (const run of [plan1, plan2]) expect([run.code, run.skipped], run.stderr).toEqual([0, ci.glue.plan]);
    expect([...art1.keys()]).toContain('plan.kfplan');
    const comment = readFileSync(join(pr1, 'comment.md'), 'utf8');
    expect(comment).toBe(renderMarkdown(decodePlan(art1.get('plan.kfplan')!.toString('utf8'))._unsafeUnwrap()));
    expect(comment).toContain(`keyform_group_membership.member["${p}/acme/webshop/admin/alice@acme.example"]`);

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
});
