import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { address, synthConfig, type DesiredState, type Resource } from '../../constructs/index.ts';
import { main } from '../../engine/cli/main.ts';
import { decodePlan } from '../../plans/index.ts';
import { osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';

/**
 * `keyform plan` against the real Keystone, nothing applied: the state is seeded with the
 * real `openstack` CLI from the config's own desired state, then drifted by hand, and the
 * plan must name exactly what differs, in the order apply would run it.
 *
 * Tenants of workspace w1 (domain per workspace): `ok` matches (but binds dave, who has no
 * Keystone user); `drift` lost bob from its admin group, gained carol by hand and carries an
 * outdated prefix tag; `nogroup` lost its reader group (and with it its grant and member);
 * `clash` has no project of its own but an unmanaged one holds its name.
 */
const run = `t${randomBytes(3).toString('hex')}`;
const P = `p-${run}`;
const DOMAIN = `${run}-w1`;
const euid = (who: string): string => `${who}-${run}@example.test`;
/** Each `openstack` command starts a Python process: seconds each on a busy machine. */
const SEED_TIMEOUT_MS = 600_000;

/** Writes the config into `DIR/keyform/` (the CLI's default `--config`, run from DIR); returns DIR. */
function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-plan-'));
  mkdirSync(join(dir, 'keyform'));
  const user = (who: string, role: string) => `    user "${euid(who)}" { roles = ["${role}"] }`;
  const project = (id: string, users: string[]) => `  project "${id}" {\n    tenant "${P}" {}\n${users.join('\n')}\n  }`;
  writeFileSync(join(dir, 'keyform', 'main.hcl'), `platform "${P}" {
  cloud                = "admin"
  region               = "RegionOne"
  user_domain          = "default"
  domain_per_workspace = true
  domain_name_pattern  = "${run}-#{workspaceIdentifier}"
  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}"
  group_name_pattern   = "#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}"
  role_mapping         = { admin = "member", reader = "reader" }
  tag_prefix           = "kf_"
}
workspace "w1" {
  name = "Workspace one"
  tags = { cost_center = "cc-1" }
${project('ok', [user('alice', 'admin'), user('dave', 'reader')])}
${project('drift', [user('alice', 'admin'), user('bob', 'admin')])}
${project('nogroup', [user('alice', 'reader')])}
${project('clash', [user('alice', 'admin')])}
}
`);
  return dir;
}

const make = async (args: string[]): Promise<string> => ((await osc(args))._unsafeUnwrap() as { id: string }).id;
const act = async (args: string[]): Promise<void> => void (await oscAction(args))._unsafeUnwrap();
const tenantOf = (r: Resource): string => (r.key as { project?: string }).project ?? '';

/** Seeds what the config asks for, except `skip`, with `tags` overriding a project's tags; returns Keystone ids by address or euid. */
async function seed(desired: DesiredState, skip: (r: Resource) => boolean, tags: Readonly<Record<string, readonly string[]>>): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const want = desired.resources.filter((r) => !skip(r));
  for (const d of want) if (d.kind === 'domain') ids[d.address] = await make(['domain', 'create', '--description', d.attrs.description, d.attrs.name]);
  await Promise.all(['alice', 'bob', 'carol'].map(async (who) => void (ids[euid(who)] = await make(['user', 'create', '--domain', 'default', euid(who)]))));
  await Promise.all(want.map(async (r) => {
    if (r.kind === 'project') {
      const t = tags[r.key.project] ?? r.attrs.tags;
      ids[r.address] = await make(['project', 'create', '--domain', r.attrs.domain, '--description', r.attrs.description, ...t.flatMap((x) => ['--tag', x]), r.attrs.name]);
    }
    if (r.kind === 'group') ids[r.address] = await make(['group', 'create', '--domain', r.attrs.domain, '--description', r.attrs.description, r.attrs.name]);
  }));
  await Promise.all(want.map(async (r) => {
    if (r.kind !== 'assignment' && r.kind !== 'membership') return;
    const groupId = ids[address('group', [r.platform, r.key.workspace, r.key.project, r.key.role])];
    if (groupId === undefined) return;
    if (r.kind === 'assignment') await act(['role', 'add', '--group', groupId, '--project', ids[address('project', [r.platform, r.key.workspace, r.key.project])]!, r.attrs.keystoneRole]);
    else if (ids[r.key.euid] !== undefined) await act(['group', 'add', 'user', groupId, ids[r.key.euid]!]);
  }));
  return ids;
}

async function plan(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_'))), OS_CLIENT_CONFIG_FILE: testStack().cloudsYaml };
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env, cwd: dir });
  return { code, stdout, stderr };
}

const a = (kind: string, ...parts: string[]): string => `${kind}["${[P, 'w1', ...parts].join('/')}"]`;
const group = (p: string, role: string) => a('keyform_group.role', p, role);
const member = (p: string, role: string, who: string) => a('keyform_group_membership.member', p, role, euid(who));
const grant = (p: string, role: string) => a('keyform_role_assignment.grant', p, role);
const project = (p: string) => a('keyform_project.tenant', p);

describe('keyform plan against the real Keystone', () => {
  let dir = '';
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    dir = writeConfig();
    const desired = (await synthConfig(join(dir, 'keyform')))._unsafeUnwrap().output.platforms[0]!;
    // GIVEN Keystone as the config wants it, but: no clash tenant (an unmanaged project holds its
    // name), no reader group in nogroup, bob not in drift's admin group, an old cost center on drift
    const skip = (r: Resource) => tenantOf(r) === 'clash' || (tenantOf(r) === 'nogroup' && 'role' in r.key && r.key.role === 'reader') || r.address === member('drift', 'admin', 'bob');
    const driftTags = desired.resources.find((r) => r.address === project('drift'))!;
    const tags = { drift: (driftTags.kind === 'project' ? driftTags.attrs.tags : []).map((t) => (t === 'kf_cost_center=cc-1' ? 'kf_cost_center=cc-0' : t)) };
    ids = await seed(desired, skip, tags);
    // AND carol added by hand to drift's admin group, and an unmanaged project named like the clash tenant
    await act(['group', 'add', 'user', ids[group('drift', 'admin')]!, ids[euid('carol')]!]);
    ids['unmanaged'] = await make(['project', 'create', '--domain', DOMAIN, '--description', 'made by hand', 'w1.clash']);
  }, SEED_TIMEOUT_MS);

  it('plans exactly the drift, in execution order, with the remark and the clash', async () => {
    // WHEN the plan is made and saved
    const r = await plan(dir, ['plan', '--out', 'plan.json', '--detailed-exitcode']);
    // THEN it is an error (the clash), shown on stdout, and still saved for review (said on stderr)
    expect(r.stdout).toContain('Error: ');
    expect(r.stderr).toContain('Saved the plan to plan.json');
    expect(r.code).toBe(1);
    const saved = decodePlan(readFileSync(join(dir, 'plan.json'), 'utf8'))._unsafeUnwrap();
    const p = saved.platforms[0]!;
    // AND the changes are exactly the drift, parents first, in batches by address
    expect(p.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      `create ${group('clash', 'admin')}`,
      `create ${group('clash', 'reader')}`,
      `create ${group('nogroup', 'reader')}`,
      `create ${member('drift', 'admin', 'bob')}`,
      `delete ${member('drift', 'admin', 'carol')}`,
      `update ${project('drift')}`,
      `create ${member('clash', 'admin', 'alice')}`,
      `create ${member('nogroup', 'reader', 'alice')}`,
      `create ${grant('clash', 'admin')}`,
      `create ${grant('clash', 'reader')}`,
      `create ${grant('nogroup', 'reader')}`,
    ]);
    expect(p.changes.find((c) => c.address === project('drift'))!.operations).toEqual([
      { op: 'update', set: { tags: expect.arrayContaining(['kf_cost_center=cc-1']) }, waitsFor: [] },
    ]);
    // AND dave, who has no Keystone user, is a remark, not a change
    expect(p.remarks).toEqual([expect.objectContaining({ kind: 'user-not-found', euid: euid('dave'), tenant: 'w1.ok', roles: ['reader'] })]);
    // AND the unmanaged project is named in the error, not touched
    expect(p.errors).toEqual([expect.objectContaining({ kind: 'name-clash', address: project('clash'), name: 'w1.clash', domain: DOMAIN, conflictingId: ids['unmanaged'] })]);
    expect(saved).toMatchObject({ errored: true, applyable: false });
  });

  it('shows a saved plan as Markdown and as Terraform JSON', async () => {
    // GIVEN the saved plan WHEN shown
    const md = await plan(dir, ['show', 'plan.json', '--format', 'markdown']);
    const json = await plan(dir, ['show', 'plan.json', '--format', 'json']);
    // THEN each rendering goes to stdout alone, as terraform show does
    expect(md).toMatchObject({ code: 0, stderr: '' });
    expect(md.stdout).toMatch(/^## keyform plan\n/);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { format_version: string; resource_changes: { address: string; change: { actions: string[] } }[] };
    expect(doc.format_version).toBe('1.2');
    expect(doc.resource_changes.find((c) => c.address === member('drift', 'admin', 'carol'))?.change.actions).toEqual(['delete']);
  });

  it('exits 2 with --detailed-exitcode once the clash is gone, and plans the missing project', async () => {
    // GIVEN the unmanaged project is deleted by hand
    await act(['project', 'delete', ids['unmanaged']!]);
    // WHEN planned again, as JSON
    const r = await plan(dir, ['plan', '--format', 'json', '--detailed-exitcode']);
    // THEN changes are present (exit 2) and the clash tenant's project is created
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { errored: boolean; resource_changes: { address: string; change: { actions: string[] } }[] };
    expect(doc.errored).toBe(false);
    expect(doc.resource_changes.find((c) => c.address === project('clash'))?.change.actions).toEqual(['create']);
  });

  it('plans and applies one tenant with -target, touching only it and what it depends on', async () => {
    // WHEN the nogroup tenant alone is planned, in Terraform's spelling
    const planned = await plan(dir, ['plan', `-target=${P}/w1/nogroup`, '-out=target.kfplan', '-detailed-exitcode', '-no-color']);
    // THEN the plan holds the tenant's missing group, grant and member, and says it is partial
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/This plan is partial: only ".*\/w1\/nogroup" .* changes outside the targets were left out/);
    const saved = decodePlan(readFileSync(join(dir, 'target.kfplan'), 'utf8'))._unsafeUnwrap();
    expect(saved.platforms[0]!.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      `create ${group('nogroup', 'reader')}`, `create ${member('nogroup', 'reader', 'alice')}`, `create ${grant('nogroup', 'reader')}`,
    ]);
    // WHEN it is applied
    const applied = await plan(dir, ['apply', 'target.kfplan', '-parallelism=2', '-lock-timeout=30s', '-input=false', '-no-color']);
    expect([applied.code, applied.stderr]).toEqual([0, expect.stringContaining('Apply complete! 3 done')]);
    // THEN Keystone has the reader group with alice, and nothing outside the target moved
    const groups = (await osc(['group', 'list', '--domain', DOMAIN]))._unsafeUnwrap() as { Name: string }[];
    expect(groups.map((g) => g.Name)).toContain('w1.nogroup-reader');
    expect(groups.map((g) => g.Name)).not.toContain('w1.clash-admin');
    const drift = (await osc(['project', 'show', '--domain', DOMAIN, 'w1.drift']))._unsafeUnwrap() as { tags: string[] };
    expect(drift.tags).toContain('kf_cost_center=cc-0');
    // AND a full plan sees the tenant done and the rest still to do
    const after = JSON.parse((await plan(dir, ['plan', '-json'])).stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] };
    const actionOf = (a: string) => after.resource_changes.find((c) => c.address === a)?.change.actions;
    expect(actionOf(member('nogroup', 'reader', 'alice'))).toEqual(['no-op']);
    expect(actionOf(project('drift'))).toEqual(['update']);
  }, SEED_TIMEOUT_MS);
});
