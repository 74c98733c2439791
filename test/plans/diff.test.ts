import { describe, it, expect } from 'vitest';
import { address, DELETE_POLICY_TAG, RETIRED_TAG, type Resource } from '../../constructs/model/index.ts';
import { diff, isReverse, schedule, type Change } from '../../plans/index.ts';
import { retiredName } from '../../plans/change-builders.ts';
import { applyChanges } from './keystone-model.ts';
import { actions, desiredState, edit, liveState, PLATFORM, retired, tenant, workspaceDomain } from './fixtures.ts';

const project = (w = 'acme', p = 'webshop') => address('project', [PLATFORM, w, p]);
const group = (role = 'admin', w = 'acme', p = 'webshop') => address('group', [PLATFORM, w, p, role]);
const grant = (role = 'admin', w = 'acme', p = 'webshop') => address('assignment', [PLATFORM, w, p, role]);
const member = (euid: string, role = 'admin', w = 'acme', p = 'webshop') => address('membership', [PLATFORM, w, p, role, euid]);
const quota = (key: string, w = 'acme', p = 'webshop') => address('quota', [PLATFORM, w, p, key]);
const domain = (w = 'acme') => address('domain', [PLATFORM, w]);

describe('diff', () => {
  it('creates a new tenant parent first: project and group, then the grant and the membership', () => {
    // GIVEN a tenant that is not in Keystone
    const desired = desiredState(tenant({ members: { alice: ['admin'] }, quotas: { 'compute.cores': 20 } }));
    // WHEN it is diffed against an empty snapshot in which alice exists
    const d = diff(desired, liveState([], { users: ['alice'] }));
    // THEN everything is created, parents before children
    expect(actions(d.changes)).toEqual([
      `create ${group()}`,
      `create ${project()}`,
      `create ${member('alice')}`,
      `create ${quota('compute.cores')}`,
      `create ${grant()}`,
    ]);
    expect(d.changes.find((c) => c.address === grant())?.dependsOn).toEqual([group(), project()]);
  });

  it('updates a renamed project in place and names the changed attribute', () => {
    // GIVEN a live project whose name the pattern now renders differently
    const live = liveState(tenant());
    const desired = desiredState(tenant({ name: 'acme-webshop' }));
    // WHEN diffed
    const [c, ...rest] = diff(desired, live).changes;
    // THEN one update of the same address sets the new name
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ action: 'update', address: project(), changed: ['name'], operations: [{ op: 'update', set: { name: 'acme-webshop' } }] });
  });

  it('removes a member someone added by hand to a keyform group', () => {
    // GIVEN bob is in the admin group but only alice is bound
    const live = liveState(tenant({ members: { alice: ['admin'], bob: ['admin'] } }));
    const desired = desiredState(tenant({ members: { alice: ['admin'] } }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN bob's membership is deleted and nothing else changes
    expect(actions(d.changes)).toEqual([`delete ${member('bob')}`]);
    expect(d.changes[0]!.before?.ids).toEqual({ groupId: 'group-os-prod-acme-webshop-admin', userId: 'user-bob' });
  });

  it('plans no membership for a bound user without a Keystone user and says so in a remark', () => {
    // GIVEN carol is bound with two roles but has never logged in
    const desired = desiredState(tenant({ roles: { admin: 'member', reader: 'reader' }, members: { carol: ['admin', 'reader'] } }));
    const live = liveState(tenant({ roles: { admin: 'member', reader: 'reader' } }), { users: [] });
    // WHEN diffed
    const d = diff(desired, live);
    // THEN there is no change and one remark naming who, which tenant and why
    expect(d.changes).toEqual([]);
    expect(d.remarks).toEqual([
      expect.objectContaining({ kind: 'user-not-found', euid: 'carol', tenant: 'acme.webshop', roles: ['admin', 'reader'], addresses: [member('carol'), member('carol', 'reader')] }),
    ]);
    expect(d.remarks[0]!.message).toContain('has no Keystone user yet');
  });

  it('owns the tags under its prefix and leaves every other tag as found', () => {
    // GIVEN a live project with a foreign tag and an outdated keyform tag
    const live = liveState(tenant({ tags: { cost_center: 'cc41', old: 'x' }, extraTags: ['owner=ops'] }));
    const desired = desiredState(tenant({ tags: { cost_center: 'cc42' } }));
    // WHEN diffed
    const [c] = diff(desired, live).changes;
    // THEN the tags are updated to the desired ones plus the foreign one
    expect(c).toMatchObject({ action: 'update', changed: ['tags'] });
    expect(c!.after!.attrs).toMatchObject({ tags: ['keyform.managed=os-prod', 'keyform.tenant=acme.webshop', 'kf_cost_center=cc42', 'owner=ops'] });
  });

  it('retires a removed tenant by default: members, grants and groups go, the project is disabled and tagged, its quotas stay', () => {
    // GIVEN a live tenant that the configuration no longer has
    const live = liveState(tenant({ members: { alice: ['admin'] }, quotas: { 'compute.cores': 20 } }));
    // WHEN diffed against a configuration without it
    const d = diff(desiredState([]), live);
    // THEN children go first, the project is retired, not deleted, and the quota is left
    expect(actions(d.changes)).toEqual([`delete ${member('alice')}`, `delete ${grant()}`, `delete ${group()}`, `update ${project()}`]);
    const retire = d.changes[3]!;
    expect(retire.operations).toEqual([{ op: 'update', set: { enabled: false, tags: ['keyform.managed=os-prod', RETIRED_TAG, 'keyform.tenant=acme.webshop'] }, waitsFor: [{ address: grant(), index: 0 }] }]);
    expect(d.unchanged).toBe(1);
  });

  it('deletes a removed tenant whose project records the delete policy, disabling it first', () => {
    // GIVEN a live tenant tagged with the delete policy
    const live = liveState(tenant({ deletionPolicy: 'delete', quotas: { 'compute.cores': 20 } }));
    // WHEN diffed against a configuration without it
    const d = diff(desiredState([]), live);
    // THEN the grant, group and quota go before the project, which is disabled and then deleted
    expect(actions(d.changes)).toEqual([`delete ${quota('compute.cores')}`, `delete ${grant()}`, `delete ${group()}`, `delete ${project()}`]);
    expect(d.changes[3]!.operations.map((o) => o.op)).toEqual(['update', 'delete']);
    expect(d.changes[3]!.before?.attrs).toMatchObject({ tags: expect.arrayContaining([DELETE_POLICY_TAG]) });
  });

  it('brings a retired project back when its tenant returns', () => {
    // GIVEN a retired project of a tenant that is in the configuration again
    const live = liveState(retired(tenant({ roles: {} })));
    const desired = desiredState(tenant());
    // WHEN diffed
    const d = diff(desired, live);
    // THEN the project is re-enabled without keyform.retired, and its group and grant are created again
    expect(actions(d.changes)).toEqual([`create ${group()}`, `update ${project()}`, `create ${grant()}`]);
    expect(d.changes[1]).toMatchObject({ changed: ['enabled', 'tags'], reason: expect.stringContaining('re-enabled') });
    expect(d.changes[1]!.after!.attrs).toMatchObject({ enabled: true, tags: ['keyform.managed=os-prod', 'keyform.tenant=acme.webshop'] });
  });

  it('deletes a workspace domain with its last project, after the project', () => {
    // GIVEN a workspace domain whose only tenant is removed with the delete policy
    const live = liveState([workspaceDomain(), ...tenant({ ownDomain: true, deletionPolicy: 'delete', roles: {} })]);
    // WHEN diffed against an empty configuration
    const d = diff(desiredState([]), live);
    // THEN the project goes, then the domain, each disabled first
    expect(actions(d.changes)).toEqual([`delete ${project()}`, `delete ${domain()}`]);
    expect(d.changes[1]!.operations).toEqual([
      { op: 'update', set: { enabled: false }, waitsFor: [{ address: project(), index: 0 }, { address: project(), index: 1 }] },
      { op: 'delete', waitsFor: [{ address: project(), index: 0 }, { address: project(), index: 1 }] },
    ]);
  });

  it('keeps a workspace domain that holds a user or domain role keyform did not create, disabled, and says why', () => {
    // GIVEN a workspace domain whose only tenant is removed with the delete policy, and a user and a role made there by hand
    const base = liveState([workspaceDomain(), ...tenant({ ownDomain: true, deletionPolicy: 'delete', roles: {} })]);
    const live = { ...base, foreignInDomains: { acme: ['role "auditor"', 'user "bob"'] } };
    // WHEN diffed against an empty configuration
    const d = diff(desiredState([]), live);
    // THEN the project goes, but the domain is only disabled (Keystone would delete bob with it), naming both
    expect(actions(d.changes)).toEqual([`delete ${project()}`, `update ${domain()}`]);
    expect(d.changes[1]!.operations.map((o) => o.op)).toEqual(['update']);
    expect(d.changes[1]!.reason).toMatch(/holds what keyform did not create \(role "auditor", user "bob"\).*disabled, not deleted/);
  });

  it('only disables a workspace domain that still holds a retained project', () => {
    // GIVEN a workspace with two tenants, one retained and one deleted
    const live = liveState([workspaceDomain(), ...tenant({ ownDomain: true, roles: {} }), ...tenant({ ownDomain: true, project: 'shop2', deletionPolicy: 'delete', roles: {} })]);
    // WHEN both are removed
    const d = diff(desiredState([]), live);
    // THEN the domain is disabled after both projects, not deleted
    expect(actions(d.changes)).toEqual([`delete ${project('acme', 'shop2')}`, `update ${project()}`, `update ${domain()}`]);
    expect(d.changes[2]).toMatchObject({ changed: ['enabled'], operations: [{ op: 'update', set: { enabled: false } }] });
  });

  it('refuses to plan a project whose name an unmanaged project holds, naming both', () => {
    // GIVEN someone created acme.webshop by hand
    const live = liveState([], { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'p-by-hand' }] });
    // WHEN the tenant is planned
    const d = diff(desiredState(tenant({ roles: {} })), live);
    // THEN the plan has an error and no change for the project
    expect(d.changes).toEqual([]);
    expect(d.errors).toEqual([expect.objectContaining({ kind: 'name-clash', address: project(), name: 'acme.webshop', domain: 'default', conflictingId: 'p-by-hand' })]);
    expect(d.errors[0]!.message).toContain('adopt = true');
  });

  it('adopts an unmanaged project when the tenant says so, adding the markers and keeping its foreign tags', () => {
    // GIVEN an unmanaged project with a foreign tag and a tenant that adopts it
    const live = liveState([], { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'p-by-hand', tags: ['owner=ops'], enabled: true, description: 'acme/webshop' }] });
    // WHEN planned
    const [c, ...rest] = diff(desiredState(tenant({ roles: {}, adopt: true })), live).changes;
    // THEN the project is updated in place, with the markers added
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ action: 'update', changed: ['tags'], before: { managed: false, ids: { id: 'p-by-hand' } } });
    expect(c!.operations).toEqual([{ op: 'update', set: { tags: ['keyform.managed=os-prod', 'keyform.tenant=acme.webshop', 'owner=ops'] }, waitsFor: [] }]);
  });

  it('never adopts a project that belongs to another platform', () => {
    // GIVEN the name is held by a project of platform os-other
    const live = liveState([], { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'p-other', ownedByPlatform: 'os-other' }] });
    // WHEN a tenant adopting it is planned
    const d = diff(desiredState(tenant({ roles: {}, adopt: true })), live);
    // THEN it is an error naming the other platform
    expect(d.changes).toEqual([]);
    expect(d.errors).toEqual([expect.objectContaining({ kind: 'foreign-owner', conflictingId: 'p-other', message: expect.stringContaining('"os-other"') })]);
  });

  it('replaces a role assignment whose Keystone role changes, granting the new role before revoking the old one', () => {
    // GIVEN the admin role now maps to Keystone's reader role
    const live = liveState(tenant());
    const desired = desiredState(tenant({ roles: { admin: 'reader' } }));
    // WHEN diffed
    const [c, ...rest] = diff(desired, live).changes;
    // THEN the new grant is made first (create-before-destroy): the group's members hold a role throughout
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ action: 'replace', changed: ['keystoneRole'], replacePaths: ['keystoneRole'] });
    expect(c!.operations.map((o) => o.op)).toEqual(['create', 'delete']);
    expect(c!.reason).toMatch(/the new role is granted before the old one is revoked/);
  });

  it('retires and releases the old project when a retained tenant moves to its workspace domain, after the new one exists', () => {
    // GIVEN a project in the shared domain whose platform now gives each workspace a domain
    const live = liveState(tenant({ quotas: { 'compute.cores': 20 } }));
    const desired = desiredState([workspaceDomain(), ...tenant({ ownDomain: true, quotas: { 'compute.cores': 20 } })]);
    // WHEN diffed
    const d = diff(desired, live);
    // THEN the grant and quota are recreated on a new project in the new domain, the old one is kept but let go
    expect(actions(d.changes)).toEqual([
      `create ${domain()}`, `replace ${group()}`, `replace ${project()}`, `replace ${quota('compute.cores')}`, `replace ${grant()}`,
    ]);
    const p = d.changes.find((c) => c.address === project())!;
    expect(p.replacePaths).toEqual(['domain']);
    // AND the new project comes first, the old one is retired last (create_before_destroy)
    expect(p.operations.map((o) => (o.op === 'update' ? o.set : o.op))).toEqual(['create', { enabled: false, tags: [RETIRED_TAG] }]);
    expect(p.reason).toContain('created before the old ones are removed');
    expect(d.changes.find((c) => c.address === grant())!.replacePaths).toEqual(['ids.group', 'ids.project']);
  });

  it('deletes the old project when a tenant with the delete policy moves domain, after the new one exists', () => {
    // GIVEN the same move for a tenant whose policy is delete
    const live = liveState(tenant({ deletionPolicy: 'delete', roles: {} }));
    const desired = desiredState([workspaceDomain(), ...tenant({ ownDomain: true, deletionPolicy: 'delete', roles: {} })]);
    // WHEN diffed
    const p = diff(desired, live).changes.find((c) => c.address === project())!;
    // THEN the new project is created, then the old one disabled and deleted
    expect(p.action).toBe('replace');
    expect(p.operations.map((o) => o.op)).toEqual(['create', 'update', 'delete']);
  });

  it('creates every new object and grant of a moving tenant before it removes any old one, so its users never lose access', () => {
    // GIVEN a tenant with a member and two roles moving from the shared domain to its workspace domain
    const spec = { roles: { admin: 'member', reader: 'reader' }, members: { alice: ['admin', 'reader'] }, quotas: { 'compute.cores': 20 } };
    const live = liveState(tenant(spec));
    const desired = desiredState([workspaceDomain(), ...tenant({ ...spec, ownDomain: true })]);
    // WHEN diffed and scheduled
    const changes = diff(desired, live).changes;
    const batches = schedule(changes);
    const at = (pick: (c: Change, i: number) => boolean) => batches.flatMap((b, n) => (b.some((r) => pick(changes.find((c) => c.address === r.address)!, r.index)) ? [n] : []));
    // THEN every create runs in an earlier batch than every delete or disable
    const lastCreate = Math.max(...at((c, i) => c.operations[i]!.op === 'create'));
    const firstRemoval = Math.min(...at((c, i) => isReverse(c.operations[i]!)));
    expect(lastCreate).toBeLessThan(firstRemoval);
    // AND in the in-memory Keystone alice holds both roles on the tenant after every single operation
    expect(applyChanges(live, changes, desired).violations).toEqual([]);
  });

  it('renames the old project and group first when the new ones need their names in the same domain', () => {
    // GIVEN a tenant in its workspace domain "acme", whose platform now puts every tenant in the shared domain "acme"
    const spec = { members: { alice: ['admin'] } };
    const live = liveState([workspaceDomain(), ...tenant({ ...spec, ownDomain: true })]);
    const desired = desiredState(tenant({ ...spec, domain: 'acme' }));
    // WHEN diffed
    const d = diff(desired, live);
    const p = d.changes.find((c) => c.address === project())!;
    // THEN the old project takes a retired name first, then the new one is created, then the old one is retired
    expect(p.operations.map((o) => (o.op === 'update' ? o.set : o.op))).toEqual([
      { name: 'acme.webshop~retired-project-' }, 'create', { enabled: false, tags: [RETIRED_TAG] },
    ]);
    expect(p.reason).toContain('Keystone names are unique per domain, so the old project is first renamed "acme.webshop~retired-project-"');
    expect(d.changes.find((c) => c.address === group())!.operations.map((o) => (o.op === 'update' ? o.set : o.op))).toEqual([{ name: 'acme.webshop-admin~retired-group-os' }, 'create', 'delete']);
    // AND the domain the new objects live in is left as it is, not disabled or deleted
    expect(d.changes.find((c) => c.address === domain())).toBeUndefined();
    // AND in the in-memory Keystone no name is ever held twice and alice never loses access
    expect(applyChanges(live, d.changes, desired).violations).toEqual([]);
  });

  it('keeps a retired name within 64 characters', () => {
    // GIVEN / WHEN a 64-character name is retired THEN it is cut to leave room for the suffix
    const name = retiredName('x'.repeat(64), '0123456789abcdef');
    expect(name).toBe(`${'x'.repeat(47)}~retired-01234567`);
    expect(name.length).toBe(64);
  });

  it('keeps projects where they are when their workspace domain is renamed', () => {
    // GIVEN a workspace domain renamed by a new domain pattern
    const live = liveState([workspaceDomain(), ...tenant({ ownDomain: true })]);
    const desired = desiredState([workspaceDomain('acme', { name: 'ws-acme' }), ...tenant({ ownDomain: true, domain: 'ws-acme' })]);
    // WHEN diffed
    const d = diff(desired, live);
    // THEN only the domain is renamed
    expect(actions(d.changes)).toEqual([`update ${domain()}`]);
    expect(d.changes[0]!.changed).toEqual(['name']);
  });

  it('plans nothing when the config names the shared domain by id and Keystone lists it by name', () => {
    // GIVEN a tenant applied in the domain named Default (id `default`), configured as `default`
    const live = { ...liveState(tenant({ domain: 'Default', members: { alice: ['admin'] } })), domains: { Default: 'default' } };
    const desired = desiredState(tenant({ domain: 'default', members: { alice: ['admin'] } }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN the same domain is seen under both spellings: no change, no replace
    expect(actions(d.changes)).toEqual([]);
  });

  it('resolves a domain spelling as an id before a name, as the openstack CLI does', () => {
    // GIVEN the project lives in the domain whose id is `default`, and another domain is *named* `default`
    const live = { ...liveState(tenant({ domain: 'Default' })), domains: { Default: 'default', default: 'd-impostor' } };
    // WHEN the config says `default`
    const d = diff(desiredState(tenant({ domain: 'default' })), live);
    // THEN it is the domain whose id is `default`: nothing moves to the look-alike
    expect(actions(d.changes)).toEqual([]);
  });

  it('refuses a role mapping to a Keystone role that does not exist, naming the role and the fix, instead of replacing the grant', () => {
    // GIVEN an applied tenant whose role_mapping now says admin = "membr"
    const live = liveState(tenant({ roles: { admin: 'member' } }));
    const desired = desiredState(tenant({ roles: { admin: 'membr' } }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN the grant is a plan error, not a replace: the old grant stays untouched
    expect(actions(d.changes)).toEqual([]);
    expect(d.errors.map((e) => [e.kind, e.address, e.name])).toEqual([['unknown-role', grant(), 'membr']]);
    expect(d.errors[0]!.message).toMatch(/did you mean "member"\?/);
  });

  it('updates a changed quota, creates a new key and deletes a dropped one back to the default', () => {
    // GIVEN quotas that drifted
    const live = liveState(tenant({ roles: {}, quotas: { 'compute.cores': 20, 'compute.ram': 1024 } }));
    const desired = desiredState(tenant({ roles: {}, quotas: { 'compute.cores': 40, 'network.floatingip': 2 } }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN one update, one delete, one create
    expect(actions(d.changes)).toEqual([`update ${quota('compute.cores')}`, `delete ${quota('compute.ram')}`, `create ${quota('network.floatingip')}`]);
    expect(d.changes[1]!.reason).toContain("back to the cloud's default");
  });

  it('lets a new project take the name of a project this plan deletes, after the delete', () => {
    // GIVEN a deleted tenant whose project name a new tenant wants
    const live = liveState(tenant({ project: 'old', name: 'acme.shop', deletionPolicy: 'delete', roles: {} }));
    const desired = desiredState(tenant({ name: 'acme.shop', roles: {} }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN the create waits for the delete
    expect(actions(d.changes)).toEqual([`delete ${project('acme', 'old')}`, `create ${project()}`]);
    expect(d.changes[1]!.operations[0]!.waitsFor).toEqual([{ address: project('acme', 'old'), index: 1 }]);
  });

  it('refuses a name that a retained project keeps', () => {
    // GIVEN a retired project that keeps the name a new tenant wants
    const live = liveState(retired(tenant({ project: 'old', name: 'acme.shop', roles: {} })));
    const desired = desiredState(tenant({ name: 'acme.shop', roles: {} }));
    // WHEN diffed
    const d = diff(desired, live);
    // THEN it is an error and nothing is planned for the new project
    expect(d.changes).toEqual([]);
    expect(d.errors).toEqual([expect.objectContaining({ kind: 'name-taken', address: project(), conflictingId: 'project-os-prod-acme-old' })]);
  });

  it('treats a snapshot that lists an unmanaged object among managed resources as a bug', () => {
    // GIVEN a malformed snapshot
    const live = liveState(tenant({ roles: {} }));
    const bad = { ...live, resources: edit(live.resources, project(), (r): Resource => ({ ...r, managed: false })) };
    // WHEN diffed, THEN it throws instead of planning changes to an object keyform does not own
    expect(() => diff(desiredState([]), bad)).toThrow(/carries no marker/);
  });
});
