import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, keystoneId, objectIdOf, type Resource } from '../../../constructs/model/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import { snapshot, type PlatformSettingsForSnapshot } from '../../../engine/snapshot/index.ts';
import { main } from '../../../engine/cli/main.ts';
import { osc, oscAction, startListLimitKeystone, type ExtraKeystone } from '../../openstack/osc.ts';
import { testStack, type TestStack } from '../../openstack/stack.ts';

const tag = randomBytes(3).toString('hex');
/** Each `openstack` command starts a Python process (seconds each on a busy machine); the worlds take dozens. */
const WORLD_TIMEOUT_MS = 900_000;
const P = `kfs${tag}`;
const OTHER = `kfo${tag}`;

async function sessionFor(stack: TestStack, cloud: string): Promise<OpenStackSession> {
  const c = loadCloud({ cloud, files: { clouds: stack.cloudsYaml }, env: {} })._unsafeUnwrap();
  return (await openSession(c))._unsafeUnwrap();
}

type Id = { id: string };
const make = async (stack: TestStack, args: string[], cloud = 'admin'): Promise<string> => ((await osc(args, { stack, cloud }))._unsafeUnwrap() as Id).id;
const act = async (stack: TestStack, args: string[], cloud = 'admin'): Promise<void> => void (await oscAction(args, { stack, cloud }))._unsafeUnwrap();
const marker = (fields: string): string => `made by the openstack CLI [keyform ${fields}]`;

/** Everything the scenario made, by name, to build the expected snapshot from. */
interface World {
  readonly domain: string;
  readonly userDomain: string;
  readonly ids: Record<string, string>;
}

/**
 * Two tenants of platform P made with the real openstack CLI, plus look-alikes that are not P's:
 * ws1.web (tags, two groups with the member role, four members of which one hand-added from the
 * user domain and one from Default, a unified limit) and ws2.db (retired, disabled; a group that
 * lost its role assignment but kept a member).
 */
async function buildWorld(stack: TestStack): Promise<World> {
  const ids: Record<string, string> = {};
  const domain = `kf-snap-${tag}`;
  const userDomain = `kf-users-${tag}`;
  ids.domain = await make(stack, ['domain', 'create', domain]);
  ids.userDomain = await make(stack, ['domain', 'create', userDomain]);
  for (const u of ['alice', 'bob', 'carol']) ids[u] = await make(stack, ['user', 'create', '--domain', ids.userDomain!, `${u}@acme.example`]);
  ids.dave = await make(stack, ['user', 'create', '--domain', 'default', `dave-${tag}`]);
  const project = (name: string, tags: string[], extra: string[] = []) => make(stack, ['project', 'create', '--domain', ids.domain!, ...tags.flatMap((t) => ['--tag', t]), ...extra, name]);
  ids.web = await project('ws1.web', [`keyform.managed=${P}`, 'keyform.tenant=ws1.web', 'kf_cost_center=cc-42', 'owner-note']);
  ids.db = await project('ws2.db', [`keyform.managed=${P}`, 'keyform.tenant=ws2.db', 'keyform.retired'], ['--disable']);
  ids.copy = await project('ws1.web-copy', []);
  ids.otherProject = await project('ws3.app', [`keyform.managed=${OTHER}`, 'keyform.tenant=ws3.app']);
  const group = (name: string, desc: string) => make(stack, ['group', 'create', '--domain', ids.domain!, '--description', desc, name]);
  ids.webAdmin = await group('ws1.web-admin', marker(`platform=${P} tenant=ws1.web role=admin`));
  ids.webReader = await group('ws1.web-reader', marker(`platform=${P} tenant=ws1.web role=reader`));
  ids.dbAdmin = await group('ws2.db-admin', marker(`platform=${P} tenant=ws2.db role=admin`));
  ids.manual = await group('ws1.web-admin-manual', 'made by hand');
  ids.otherGroup = await group('ws3.app-admin', marker(`platform=${OTHER} tenant=ws3.app role=admin`));
  for (const [g, p] of [[ids.webAdmin, ids.web], [ids.webReader, ids.web], [ids.otherGroup, ids.otherProject]]) {
    await act(stack, ['role', 'add', '--group', g!, '--project', p!, 'member']);
  }
  for (const [g, u] of [[ids.webAdmin, ids.alice], [ids.webAdmin, ids.carol], [ids.webReader, ids.bob], [ids.webReader, ids.dave], [ids.dbAdmin, ids.alice], [ids.manual, ids.bob]]) {
    await act(stack, ['group', 'add', 'user', g!, u!]);
  }
  ids.service = await make(stack, ['service', 'create', '--name', `kf-nova-${tag}`, 'compute']);
  await act(stack, ['registered', 'limit', 'create', '--service', ids.service, '--region', 'RegionOne', '--default-limit', '20', 'class:VCPU'], 'admin-system');
  ids.limit = await make(stack, ['limit', 'create', '--service', ids.service, '--project', ids.web, '--region', 'RegionOne', '--resource-limit', '40', '--description', marker(`platform=${P} tenant=ws1.web`), 'class:VCPU'], 'admin-system');
  return { domain, userDomain, ids };
}

/** The snapshot the world above must give, built from the ids the CLI returned. */
function expectedResources(w: World): Resource[] {
  const i = w.ids;
  const base = { platform: P, managed: true } as const;
  const project = (ws: string, p: string, id: string, name: string, enabled: boolean, tags: string[]): Resource => ({
    ...base, kind: 'project', address: address('project', [P, ws, p]), key: { workspace: ws, project: p },
    attrs: { name, domain: w.domain, description: '', enabled, tags: [...tags].sort() }, ids: { id: keystoneId('project', id), domainId: keystoneId('domain', i.domain!) },
  });
  const group = (ws: string, p: string, role: string, id: string): Resource => ({
    ...base, kind: 'group', address: address('group', [P, ws, p, role]), key: { workspace: ws, project: p, role },
    attrs: { name: `${ws}.${p}-${role}`, domain: w.domain, description: marker(`platform=${P} tenant=${ws}.${p} role=${role}`) }, ids: { id: keystoneId('group', id), domainId: keystoneId('domain', i.domain!) },
  });
  const member = (ws: string, p: string, role: string, euid: string, groupId: string, userId: string): Resource => ({
    ...base, kind: 'membership', address: address('membership', [P, ws, p, role, euid]), key: { workspace: ws, project: p, role, euid }, attrs: {}, ids: { groupId: keystoneId('group', groupId), userId: keystoneId('user', userId) },
  });
  const grant = (role: string, groupId: string): Resource => ({
    ...base, kind: 'assignment', address: address('assignment', [P, 'ws1', 'web', role]), key: { workspace: 'ws1', project: 'web', role },
    attrs: { keystoneRole: 'member' }, ids: expect.objectContaining({ groupId, projectId: i.web }) as never,
  });
  const quota: Resource = {
    ...base, kind: 'quota', address: address('quota', [P, 'ws1', 'web', 'compute.cores']), key: { workspace: 'ws1', project: 'web', quotaKey: 'compute.cores' },
    attrs: { value: 40, backend: 'unified-limits' }, ids: { id: keystoneId('limit', i.limit!), projectId: keystoneId('project', i.web!), serviceId: keystoneId('service', i.service!) },
  };
  return [
    project('ws1', 'web', i.web!, 'ws1.web', true, [`keyform.managed=${P}`, 'keyform.tenant=ws1.web', 'kf_cost_center=cc-42', 'owner-note']),
    project('ws2', 'db', i.db!, 'ws2.db', false, [`keyform.managed=${P}`, 'keyform.tenant=ws2.db', 'keyform.retired']),
    group('ws1', 'web', 'admin', i.webAdmin!),
    group('ws1', 'web', 'reader', i.webReader!),
    group('ws2', 'db', 'admin', i.dbAdmin!),
    member('ws1', 'web', 'admin', 'alice@acme.example', i.webAdmin!, i.alice!),
    member('ws1', 'web', 'admin', 'carol@acme.example', i.webAdmin!, i.carol!),
    member('ws1', 'web', 'reader', 'bob@acme.example', i.webReader!, i.bob!),
    member('ws1', 'web', 'reader', `dave-${tag}@Default (${i.dave})`, i.webReader!, i.dave!),
    member('ws2', 'db', 'admin', 'alice@acme.example', i.dbAdmin!, i.alice!),
    grant('admin', i.webAdmin!),
    grant('reader', i.webReader!),
    quota,
  ].sort((a, b) => (a.address < b.address ? -1 : 1));
}

/** A config whose platform P reads the world: shared domain, users in the user domain. */
function cliConfig(w: World): string {
  return [
    `platform "${P}" {`, '  cloud = "admin"', '  region = "RegionOne"', `  user_domain = "${w.userDomain}"`, `  domain = "${w.domain}"`, '  quota_backend = "unified-limits"', '}',
    `landing_zone "lz" {`, `  platform = "${P}"`, '}',
    'workspace "ws1" {', '  name = "Workspace one"', '  project "web" {', `    tenant "${P}" {`, '      landing_zone = "lz"', '    }',
    '    user "alice@acme.example" { roles = ["admin"] }', '    user "bob@acme.example" { roles = ["reader"] }', '  }', '}', '',
  ].join('\n');
}

const platformFor = (w: World): PlatformSettingsForSnapshot => ({ id: P, cloud: 'admin', region: 'RegionOne', userDomain: w.userDomain, domain: w.domain, domainPerWorkspace: false, tagPrefix: 'kf_', quotaBackend: 'unified-limits' });

describe('snapshot() against objects made with the openstack CLI', () => {
  let world: World;
  let s: OpenStackSession;
  let sys: OpenStackSession;

  beforeAll(async () => {
    world = await buildWorld(testStack());
    s = await sessionFor(testStack(), 'admin');
    sys = await sessionFor(testStack(), 'admin-system');
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    s?.close();
    sys?.close();
    for (const d of [world?.domain, world?.userDomain]) {
      if (!d) continue;
      await oscAction(['domain', 'set', '--disable', d]);
      await oscAction(['domain', 'delete', d]);
    }
    if (world?.ids.service) await oscAction(['service', 'delete', world.ids.service]);
    if (world?.ids.dave) await oscAction(['user', 'delete', world.ids.dave]);
  });

  it('returns exactly the platform-marked objects, their members, grants and limits', async () => {
    // GIVEN the world made with the CLI
    // WHEN a snapshot is taken through a project-scoped session, limits through a system-scoped one
    const r = (await snapshot(s, platformFor(world), { euids: ['alice@acme.example', 'bob@acme.example', 'zed@acme.example'], limitsSession: sys }))._unsafeUnwrap();
    // THEN the managed resources are exactly those expected, hand-added members included
    expect(r.live.resources).toEqual(expectedResources(world));
    expect(r.live.users).toEqual({ 'alice@acme.example': world.ids.alice, 'bob@acme.example': world.ids.bob });
    expect(r.live.roles).toMatchObject({ admin: expect.any(String), member: expect.any(String), reader: expect.any(String) });
    expect(r.live.domains).toMatchObject({ Default: 'default', [world.domain]: world.ids.domain, [world.userDomain]: world.ids.userDomain });
    expect(r.calls).toBeGreaterThan(7);
    // AND the registered limit made above, read through the project-scoped session, gives the key its default
    expect(r.live.quotaDefaults?.['compute.cores']).toEqual(expect.any(Number));
  });

  it('reads the same members through the effective role assignments and through each group as through each user\'s groups', async () => {
    // GIVEN the world made with the CLI: hand-added members, one from another domain, and a group that lost its role assignment
    const euids = ['alice@acme.example', 'bob@acme.example'];
    // WHEN one snapshot reads every user's groups and another the effective role assignments
    const perUser = (await snapshot(s, platformFor(world), { euids, limitsSession: sys, membershipRead: 'per-user' }))._unsafeUnwrap();
    const effective = (await snapshot(s, platformFor(world), { euids, limitsSession: sys, membershipRead: 'effective' }))._unsafeUnwrap();
    const perGroup = (await snapshot(s, platformFor(world), { euids, limitsSession: sys, membershipRead: 'per-group' }))._unsafeUnwrap();
    // THEN all are exactly the expected resources (the unassigned group's member read from the group itself)
    expect(effective.live.resources).toEqual(expectedResources(world));
    expect(effective.live).toEqual(perUser.live);
    expect(perGroup.live).toEqual(perUser.live);
    // AND per group costs 8 lists, the registered limits and one read per platform group
    const platformGroups = perGroup.live.resources.filter((x) => x.kind === 'group').length;
    expect(perGroup.calls).toBe(9 + platformGroups);
    // AND the effective way costs 8 lists, the registered limits, the effective list and one read for the one group without a grant
    expect(effective.calls).toBe(11);
    expect(perUser.calls).toBeGreaterThan(11);
  });

  it('lists the look-alikes in the platform domain as unmanaged, naming another platform when marked', async () => {
    // GIVEN the same world
    // WHEN a snapshot is taken
    const r = (await snapshot(sys, platformFor(world), { euids: [] }))._unsafeUnwrap();
    // THEN the unmarked and other-platform objects are unmanaged and no managed resource uses them
    const seen = r.live.unmanaged.map((u) => [u.kind, u.name, u.ownedByPlatform ?? null]);
    expect(seen).toEqual([
      ['group', 'ws1.web-admin-manual', null],
      ['group', 'ws3.app-admin', OTHER],
      ['project', 'ws1.web-copy', null],
      ['project', 'ws3.app', OTHER],
    ]);
    const managedIds = new Set(r.live.resources.map(objectIdOf));
    expect(r.live.unmanaged.some((u) => managedIds.has(u.id))).toBe(false);
  });

  it('refuses to read unified limits without a system-scoped session, saying what the account needs', async () => {
    // GIVEN only the project-scoped session
    // WHEN a snapshot of a unified-limits platform is asked for
    const e = (await snapshot(s, platformFor(world), { euids: [] }))._unsafeUnwrapErr();
    // THEN it says why and how to fix it
    expect(e.kind).toBe('scope-required');
    expect(e.message).toContain('--system all');
  });

  it('is what `keyform snapshot --format json` prints for a config naming the platform', async () => {
    // GIVEN an HCL config for platform P binding alice and bob on ws1.web, and the stack's clouds.yaml
    const dir = mkdtempSync(join(tmpdir(), 'kf-snapshot-cli-'));
    writeFileSync(join(dir, 'keyform.hcl'), cliConfig(world));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), isTTY: false, env: { OS_CLIENT_CONFIG_FILE: testStack().cloudsYaml }, cwd: dir };
    // WHEN the CLI runs in-process
    const code = await main(['snapshot', '--config', join(dir, 'keyform.hcl'), '--format', 'json'], io);
    // THEN stdout is the live state as JSON, the call count goes to stderr
    expect(err.join('')).toContain('API calls');
    expect(code).toBe(0);
    const live = JSON.parse(out.join('')) as { platform: string; resources: Resource[]; users: Record<string, string> };
    expect(live.platform).toBe(P);
    expect(live.resources).toEqual(expectedResources(world));
    expect(live.users).toEqual({ 'alice@acme.example': world.ids.alice, 'bob@acme.example': world.ids.bob });
  });

  it('fails clearly when the platform domain does not exist', async () => {
    // GIVEN a platform naming a domain nobody made
    // WHEN a snapshot is taken
    const e = (await snapshot(sys, { ...platformFor(world), domain: `kf-missing-${tag}` }, { euids: [] }))._unsafeUnwrapErr();
    // THEN the error names it and the fix
    expect(e.kind).toBe('domain-not-found');
    expect(e.message).toContain(`kf-missing-${tag}`);
  });
});

describe('snapshot() on a Keystone with list_limit', () => {
  let extra: ExtraKeystone;
  let sys: OpenStackSession;
  let world: World;

  beforeAll(async () => {
    extra = (await startListLimitKeystone(4))._unsafeUnwrap();
    sys = await sessionFor(extra.stack, 'admin-system');
    const k = extra.stack;
    const domain = `kf-lim-${tag}`;
    const ids: Record<string, string> = { domain: await make(k, ['domain', 'create', domain]) };
    for (const n of ['a', 'b']) {
      ids[n] = await make(k, ['project', 'create', '--domain', ids.domain!, '--tag', `keyform.managed=${P}`, '--tag', `keyform.tenant=ws.${n}`, `ws.${n}`]);
      await make(k, ['project', 'create', '--domain', 'default', `elsewhere-${n}`]);
    }
    world = { domain, userDomain: 'Default', ids };
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    sys?.close();
    await extra?.stop();
  });

  it('completes a truncated project list from narrower queries and equals the objects made', async () => {
    // GIVEN 5 projects (more than list_limit 4), two of them the platform's
    // WHEN a snapshot is taken
    const r = (await snapshot(sys, { ...platformFor(world), quotaBackend: 'unified-limits' }, { euids: [] }))._unsafeUnwrap();
    // THEN both managed projects are there
    expect(r.live.resources.map((x) => [x.kind, objectIdOf(x)])).toEqual([
      ['project', world.ids.a],
      ['project', world.ids.b],
    ]);
  });

  it('fails with a Truncated error, read per group, when one of the platform\'s groups holds more members than list_limit', async () => {
    // GIVEN a platform group with 5 members (more than list_limit 4), the users spread over two domains so that each domain's user list is whole
    const group = await make(extra.stack, ['group', 'create', '--domain', world.ids.domain!, '--description', `[keyform platform=${P} tenant=ws.a role=admin]`, 'ws.a-admin']);
    const other = await make(extra.stack, ['domain', 'create', `kf-lim-users-${tag}`]);
    for (const n of [1, 2, 3, 4, 5]) {
      const user = await make(extra.stack, ['user', 'create', '--domain', n <= 2 ? world.ids.domain! : other, `member${n}`]);
      await act(extra.stack, ['group', 'add', 'user', group, user]);
    }
    // WHEN a snapshot reads the memberships per group
    const e = (await snapshot(sys, platformFor(world), { euids: [], membershipRead: 'per-group' }))._unsafeUnwrapErr();
    // THEN it refuses to act on the cut member list, and says how to fix Keystone
    expect(e.kind).toBe('truncated');
    expect(e.message).toContain(`members of group ${group}`);
    expect(e.message).toContain('list_limit');
  }, WORLD_TIMEOUT_MS);

  it('fails with a Truncated error when the platform domain alone holds more groups than list_limit', async () => {
    // GIVEN five groups in the platform's domain
    for (const n of [1, 2, 3, 4, 5]) await make(extra.stack, ['group', 'create', '--domain', world.ids.domain!, `g${n}`]);
    // WHEN a snapshot is taken
    const e = (await snapshot(sys, platformFor(world), { euids: [] }))._unsafeUnwrapErr();
    // THEN it refuses to act on a partial list, and says how to fix Keystone
    expect(e.kind).toBe('truncated');
    expect(e.message).toContain('groups');
    expect(e.message).toContain('list_limit');
  }, WORLD_TIMEOUT_MS);
});
