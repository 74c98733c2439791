import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { osc, oscAction, startListLimitKeystone, type ExtraKeystone } from '../../openstack/osc.ts';
import { testStack, type TestStack } from '../../openstack/stack.ts';

const unique = (prefix: string): string => `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;

async function sessionFor(stack: TestStack, cloud: string): Promise<OpenStackSession> {
  const c = loadCloud({ cloud, files: { clouds: stack.cloudsYaml }, env: {} })._unsafeUnwrap();
  return (await openSession(c))._unsafeUnwrap();
}

let s: OpenStackSession;
let sys: OpenStackSession;
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  s = await sessionFor(testStack(), 'admin');
  sys = await sessionFor(testStack(), 'admin-system');
});

afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
  s.close();
  sys.close();
});

describe('the Keystone client', () => {
  it('creates a project with tags, replaces its tags and finds it by tag, as the openstack CLI sees it', async () => {
    // GIVEN a new project made through the client
    const name = unique('kf-kc');
    const p = (await ks.createProject(s, { name, domain_id: 'default', description: 'd', enabled: true, tags: ['a=1', 'b'] }))._unsafeUnwrap();
    cleanup.push(() => oscAction(['project', 'delete', p.id]));
    // WHEN its tags are replaced and projects are listed by tag
    (await ks.replaceProjectTags(s, p.id, ['b', 'c=3']))._unsafeUnwrap();
    const tagged = (await ks.listProjects(s, { tags: 'c=3' }))._unsafeUnwrap();
    const shown = (await osc(['project', 'show', p.id]))._unsafeUnwrap() as { name: string; tags: string[] };
    // THEN the CLI sees the new tags and the tag query finds exactly it
    expect(shown.name).toBe(name);
    expect([...shown.tags].sort()).toEqual(['b', 'c=3']);
    expect(tagged.map((x) => x.id)).toEqual([p.id]);
  });

  it('adds and removes one project tag idempotently, leaving the others, and tells a full or gone project apart', async () => {
    // GIVEN a project with a tag someone else set
    const p = (await ks.createProject(s, { name: unique('kf-kc-t'), domain_id: 'default', description: '', enabled: true, tags: ['owner=alice'] }))._unsafeUnwrap();
    cleanup.push(() => oscAction(['project', 'delete', p.id]));
    // WHEN one tag is added twice and another removed twice (Keystone answers 400, then 404, to the repeats)
    (await ks.addProjectTag(s, p.id, 'kf_a=1'))._unsafeUnwrap();
    (await ks.addProjectTag(s, p.id, 'kf_a=1'))._unsafeUnwrap();
    (await ks.removeProjectTag(s, p.id, 'owner=alice'))._unsafeUnwrap();
    (await ks.removeProjectTag(s, p.id, 'owner=alice'))._unsafeUnwrap();
    // THEN the CLI shows exactly the added tag
    expect(((await osc(['project', 'show', p.id]))._unsafeUnwrap() as { tags: string[] }).tags).toEqual(['kf_a=1']);
    // AND on a project with Keystone's 80 tags, one more is an error that says so
    (await ks.replaceProjectTags(s, p.id, Array.from({ length: 80 }, (_, i) => `t${i}`)))._unsafeUnwrap();
    expect((await ks.addProjectTag(s, p.id, 'kf_b=2'))._unsafeUnwrapErr().message).toMatch(/The project has 80 tags; Keystone allows 80/);
    // AND once the project is deleted, both are NotFound, not done
    (await oscAction(['project', 'delete', p.id]))._unsafeUnwrap();
    expect((await ks.addProjectTag(s, p.id, 'kf_a=1'))._unsafeUnwrapErr().kind).toBe('not-found');
    expect((await ks.removeProjectTag(s, p.id, 'kf_a=1'))._unsafeUnwrapErr().kind).toBe('not-found');
  });

  it('adds and removes group members idempotently and reads them both ways', async () => {
    // GIVEN a group and a user made with the openstack CLI
    const g = (await osc(['group', 'create', '--domain', 'default', unique('kf-kc-g')]))._unsafeUnwrap() as { id: string };
    const u = (await osc(['user', 'create', '--domain', 'default', unique('kf-kc-u')]))._unsafeUnwrap() as { id: string; name: string };
    cleanup.push(() => oscAction(['group', 'delete', g.id]), () => oscAction(['user', 'delete', u.id]));
    // WHEN the user is added twice through the client
    (await ks.addGroupUser(s, g.id, u.id))._unsafeUnwrap();
    (await ks.addGroupUser(s, g.id, u.id))._unsafeUnwrap();
    const members = (await ks.listGroupUsers(s, g.id))._unsafeUnwrap();
    const groups = (await ks.listUserGroups(s, u.id))._unsafeUnwrap();
    const found = (await ks.findUserByName(s, u.name, 'default'))._unsafeUnwrap();
    (await ks.removeGroupUser(s, g.id, u.id))._unsafeUnwrap();
    const again = await ks.removeGroupUser(s, g.id, u.id);
    // THEN both listings agree, and a second removal is NotFound
    expect(members.map((m) => m.id)).toEqual([u.id]);
    expect(groups.map((x) => x.id)).toEqual([g.id]);
    expect(found?.id).toBe(u.id);
    expect(again._unsafeUnwrapErr().kind).toBe('not-found');
  });

  it('grants a group a role on a project and lists it in role assignments with names', async () => {
    // GIVEN a project, a group and the member role
    const p = (await osc(['project', 'create', '--domain', 'default', unique('kf-kc-p')]))._unsafeUnwrap() as { id: string };
    const g = (await osc(['group', 'create', '--domain', 'default', unique('kf-kc-g')]))._unsafeUnwrap() as { id: string };
    cleanup.push(() => oscAction(['project', 'delete', p.id]), () => oscAction(['group', 'delete', g.id]));
    const member = (await ks.listRoles(s, { name: 'member' }))._unsafeUnwrap()[0]!;
    // WHEN the role is granted through the client
    (await ks.grantRole(s, { actor: { group: g.id }, target: { project: p.id }, roleId: member.id }))._unsafeUnwrap();
    const listed = (await ks.listRoleAssignments(s, { 'group.id': g.id, include_names: true }))._unsafeUnwrap();
    const cli = (await osc(['role', 'assignment', 'list', '--group', g.id]))._unsafeUnwrap() as { Role: string; Project: string }[];
    // THEN the client and the CLI both see it
    expect(listed.map((a) => [a.role.name, a.scope.project?.id])).toEqual([['member', p.id]]);
    expect(cli).toEqual([expect.objectContaining({ Role: member.id, Project: p.id })]);
  });

  it('creates, updates and deletes a project limit through a system-scoped session', async () => {
    // GIVEN a service of its own with a registered limit, and a project
    const svc = (await osc(['service', 'create', '--name', unique('kf-kc-svc'), 'compute']))._unsafeUnwrap() as { id: string };
    const p = (await osc(['project', 'create', '--domain', 'default', unique('kf-kc-l')]))._unsafeUnwrap() as { id: string };
    cleanup.push(() => oscAction(['service', 'delete', svc.id]), () => oscAction(['project', 'delete', p.id]));
    (await ks.createRegisteredLimits(sys, [{ service_id: svc.id, region_id: 'RegionOne', resource_name: 'class:VCPU', default_limit: 10 }]))._unsafeUnwrap();
    // WHEN a limit is created, changed, read, and deleted
    const [l] = (await ks.createLimits(sys, [{ service_id: svc.id, region_id: 'RegionOne', project_id: p.id, resource_name: 'class:VCPU', resource_limit: 20, description: 'x' }]))._unsafeUnwrap();
    (await ks.updateLimit(sys, l!.id, { resource_limit: 30 }))._unsafeUnwrap();
    const read = (await ks.listLimits(sys, { project_id: p.id }))._unsafeUnwrap();
    (await ks.deleteLimit(sys, l!.id))._unsafeUnwrap();
    const gone = (await ks.listLimits(sys, { project_id: p.id }))._unsafeUnwrap();
    // THEN the change was read back, and the delete took
    expect(read.map((x) => x.resource_limit)).toEqual([30]);
    expect(gone).toEqual([]);
  });
});

describe('lists that Keystone truncates (list_limit)', () => {
  let extra: ExtraKeystone;
  let ls: OpenStackSession;

  beforeAll(async () => {
    extra = (await startListLimitKeystone(3))._unsafeUnwrap();
    ls = await sessionFor(extra.stack, 'admin');
  });

  afterAll(async () => {
    ls?.close();
    await extra?.stop();
  });

  it('are completed from narrower queries when the narrower ones are whole', async () => {
    // GIVEN list_limit 3, and 2 enabled plus 2 disabled projects in a domain of their own (admin is the 5th project)
    const d = (await osc(['domain', 'create', 'kf-trunc'], { stack: extra.stack }))._unsafeUnwrap() as { id: string };
    for (const [n, flag] of [['a', '--enable'], ['b', '--enable'], ['c', '--disable'], ['e', '--disable']] as const) {
      (await osc(['project', 'create', '--domain', d.id, flag, `kf-${n}`], { stack: extra.stack }))._unsafeUnwrap();
    }
    // WHEN the domain's projects are listed (4 > 3: truncated), then all groups of a domain with none
    const page = (await ks.listOnce<ks.Project>(ls, '/projects', 'projects', { domain_id: d.id }))._unsafeUnwrap();
    const all = (await ks.listProjects(ls, { domain_id: d.id }))._unsafeUnwrap();
    // THEN the raw page says truncated, and the client got all four from the enabled/disabled halves
    expect(page).toMatchObject({ truncated: true });
    expect(page.items).toHaveLength(3);
    expect(all.map((p) => p.name).sort()).toEqual(['kf-a', 'kf-b', 'kf-c', 'kf-e']);
  });

  it('fail with a Truncated error naming the queries and list_limit when every narrowing is cut too', async () => {
    // GIVEN five groups in one domain, list_limit 3, and no narrower query that splits them
    const d = (await osc(['domain', 'create', 'kf-trunc-g'], { stack: extra.stack }))._unsafeUnwrap() as { id: string };
    for (const n of [1, 2, 3, 4, 5]) (await osc(['group', 'create', '--domain', d.id, `kf-g${n}`], { stack: extra.stack }))._unsafeUnwrap();
    // WHEN the groups are listed with a per-domain fallback
    const e = (await ks.listGroups(ls, {}, [[{ domain_id: d.id }]]))._unsafeUnwrapErr();
    // THEN it refuses to pass the partial list on
    expect(e.kind).toBe('truncated');
    expect(e.message).toContain(`/groups?domain_id=${d.id}`);
    expect(e.message).toContain('list_limit');
  });
});
