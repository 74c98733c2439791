import { describe, expect, it } from 'vitest';
import { toLiveState, type KeystoneView, type PlatformSettingsForSnapshot } from '../../../engine/snapshot/index.ts';
import type { Project } from '../../../engine/keystone/index.ts';
import { address, objectIdOf, sortResources, twinsOf, type Resource } from '../../../constructs/model/index.ts';

// toLiveState is the pure half of snapshot(): these tests feed it what Keystone answered in
// situations that are awkward to make for real (copied markers, several regions).

const platform: PlatformSettingsForSnapshot = { id: 'p1', cloud: 'c', region: 'R1', userDomain: 'users', domain: 'shared', domainPerWorkspace: false, tagPrefix: 'kf_', quotaBackend: 'unified-limits' };

const project = (id: string, tags: string[], extra: Partial<Project> = {}): Project => ({ id, name: `n-${id}`, domain_id: 'd-shared', description: '', enabled: true, tags, ...extra });

function view(over: Partial<KeystoneView>): KeystoneView {
  return {
    domains: [
      { id: 'd-shared', name: 'shared', description: '', enabled: true },
      { id: 'd-users', name: 'users', description: '', enabled: true },
    ],
    platformDomainIds: new Set(['d-shared']),
    userDomainId: 'd-users',
    projects: [],
    groups: [],
    users: [],
    roles: [{ id: 'r-member', name: 'member' }],
    domainRoles: [],
    assignments: [],
    members: new Map(),
    ...over,
  };
}

describe('toLiveState', () => {
  it('keeps one project per tenant when two carry the same marker, and lists the other as unmanaged owned by the platform', () => {
    // GIVEN two projects tagged for tenant w.a of p1, one of them retired
    const tags = ['keyform.managed=p1', 'keyform.tenant=w.a'];
    const v = view({ projects: [project('b-live', tags), project('a-retired', [...tags, 'keyform.retired'])] });
    // WHEN turned into live state
    const live = toLiveState(v, platform, []);
    // THEN the non-retired one is the resource; the copy is never touched
    expect(live.resources.map(objectIdOf)).toEqual(['b-live']);
    expect(live.unmanaged).toEqual([expect.objectContaining({ kind: 'project', id: 'a-retired', ownedByPlatform: 'p1' })]);
  });

  it('honours markers only in the platform domains: a project and a group copied with markers into another domain are not claimed', () => {
    // GIVEN the tenant w.a in the shared domain, and copies of its project tags and group marker in domain users
    const tags = ['keyform.managed=p1', 'keyform.tenant=w.a'];
    const marker = '[keyform platform=p1 tenant=w.a role=admin]';
    const v = view({
      projects: [project('a-real', tags), project('z-copy', tags, { domain_id: 'd-users' })],
      groups: [{ id: 'g-real', name: 'w.a-admin', domain_id: 'd-shared', description: marker }, { id: 'g-copy', name: 'w.a-admin', domain_id: 'd-users', description: marker }],
    });
    // WHEN turned into live state
    const live = toLiveState(v, platform, []);
    // THEN only the shared domain's objects are the tenant's, and the copies are neither managed nor in the way
    expect(live.resources.filter((r) => r.kind === 'project' || r.kind === 'group').map((r) => r.ids?.id)).toEqual(['g-real', 'a-real']);
    expect(live.unmanaged).toEqual([]);
  });

  it('claims, of a tenant moved half-way out of its workspace domain, the old project and group first, and lists the domain to remove', () => {
    // GIVEN a shared-domain platform, the workspace domain w it marked before, and tenant w.a both there (old) and in the shared domain (new)
    const tags = ['keyform.managed=p1', 'keyform.tenant=w.a'];
    const marker = '[keyform platform=p1 tenant=w.a role=admin]';
    const v = view({
      domains: [...view({}).domains, { id: 'd-w', name: 'w', description: '[keyform platform=p1 workspace=w]', enabled: true }],
      platformDomainIds: new Set(['d-shared', 'd-w']),
      projects: [project('a-new', tags), project('z-old', tags, { domain_id: 'd-w' })],
      groups: [{ id: 'g-new', name: 'w.a-admin', domain_id: 'd-shared', description: marker }, { id: 'g-old', name: 'w.a-admin', domain_id: 'd-w', description: marker }],
    });
    // WHEN turned into live state
    const live = toLiveState(v, platform, []);
    // THEN the old domain, project and group are the tenant's (the next plan finishes the move), the new ones are ours but set aside
    expect(live.resources.map((r) => `${r.kind}:${objectIdOf(r)}`)).toEqual(['domain:d-w', 'group:g-old', 'project:z-old']);
    expect(live.unmanaged.map((u) => `${u.kind}:${u.id}:${u.ownedByPlatform}`)).toEqual(['group:g-new:p1', 'project:a-new:p1']);
  });

  it('reports a role the config does not want when a group holds several on its project, so the next plan revokes it', () => {
    // GIVEN group w.a-admin holding member and reader on w.a's project, and a config that maps admin to member
    const v = view({
      roles: [{ id: 'r-member', name: 'member' }, { id: 'r-reader', name: 'reader' }],
      projects: [project('pa', ['keyform.managed=p1', 'keyform.tenant=w.a'])],
      groups: [{ id: 'g', name: 'w.a-admin', domain_id: 'd-shared', description: '[keyform platform=p1 tenant=w.a role=admin]' }],
      assignments: [
        { role: { id: 'r-member' }, group: { id: 'g' }, scope: { project: { id: 'pa' } }, links: {} },
        { role: { id: 'r-reader' }, group: { id: 'g' }, scope: { project: { id: 'pa' } }, links: {} },
      ],
    });
    const grant = 'keyform_role_assignment.grant["p1/w/a/admin"]';
    // WHEN turned into live state with and without the config's roles
    const roleOf = (desiredRoles?: Record<string, string>) => toLiveState(v, platform, [], desiredRoles).resources.filter((r) => r.kind === 'assignment').map((r) => r.kind === 'assignment' && r.attrs.keystoneRole);
    // THEN the unwanted reader is reported when member is wanted, the first by name otherwise
    expect(roleOf({ [grant]: 'member' })).toEqual(['reader']);
    expect(roleOf()).toEqual(['member']);
    // AND the desired assignment, given as the live records' twin, says the same
    const wanted: Resource = { kind: 'assignment', address: grant, platform: 'p1', key: { workspace: 'w', project: 'a', role: 'admin' }, attrs: { keystoneRole: 'member' } };
    const viaTwin = toLiveState(v, platform, [], {}, twinsOf([wanted])).resources.filter((r) => r.kind === 'assignment');
    expect(viaTwin.map((r) => r.kind === 'assignment' && r.attrs.keystoneRole)).toEqual(['reader']);
  });

  it('ignores a group grant on another tenant’s project and keeps resources sorted by address', () => {
    // GIVEN group of w.a granted member on w.a's and on w.b's project
    const v = view({
      projects: [project('pa', ['keyform.managed=p1', 'keyform.tenant=w.a']), project('pb', ['keyform.managed=p1', 'keyform.tenant=w.b'])],
      groups: [{ id: 'g', name: 'w.a-admin', domain_id: 'd-shared', description: '[keyform platform=p1 tenant=w.a role=admin]' }],
      assignments: [
        { role: { id: 'r-member' }, group: { id: 'g' }, scope: { project: { id: 'pb' } }, links: {} },
        { role: { id: 'r-member' }, group: { id: 'g' }, scope: { project: { id: 'pa' } }, links: {} },
      ],
    });
    // WHEN turned into live state
    const live = toLiveState(v, platform, []);
    // THEN one assignment, on w.a's project, and addresses in order
    expect(live.resources.filter((r) => r.kind === 'assignment').map((r) => r.ids?.projectId)).toEqual(['pa']);
    const addresses = live.resources.map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort());
  });
});

describe('toLiveState memberships', () => {
  it('lists the members of every group in address order, also when names hold characters an address escapes or that sort around its separator', () => {
    // GIVEN tenants w.a and w.a-b (whose paths sort one way as groups and the other way under a `/`)
    // AND members named with a quote, a backslash, a slash and a dash, in one group or several
    const groups = ['w.a', 'w.a-b'].flatMap((t) => ['admin', 'user'].map((role) => ({ id: `g-${t}-${role}`, name: `${t}-${role}`, domain_id: 'd-shared', description: `[keyform platform=p1 tenant=${t} role=${role}]` })));
    const names = ['a"b', 'a\\b', 'a/b', 'a-b', 'ab', 'a b'];
    const users = names.map((name, i) => ({ id: `u${i}`, name, domain_id: 'd-users', enabled: true }));
    const members = new Map(groups.map((g, i) => [g.id, users.filter((_, j) => (i + j) % 2 === 0 || j === 0).map((u) => u.id).sort()]));
    // WHEN turned into live state
    const live = toLiveState(view({ groups, users, members }), platform, names);
    // THEN every member of every group is there once, and the resources are in address order
    const memberships = live.resources.filter((r) => r.kind === 'membership');
    expect(memberships).toHaveLength([...members.values()].reduce((n, m) => n + m.length, 0));
    const addresses = live.resources.map((r) => r.address);
    expect(addresses).toEqual([...addresses].sort());
  });
});

describe('toLiveState with the desired records (twins)', () => {
  it('gives the same live state, its records holding the desired key and attributes where equal and their own where not', () => {
    // GIVEN tenant w.a wanted with group admin (name w.a-admin), found in Keystone with that group renamed by hand
    const desired = sortResources<Resource>([
      { kind: 'project', address: address('project', ['p1', 'w', 'a']), platform: 'p1', key: { workspace: 'w', project: 'a' }, attrs: { name: 'n-pa', domain: 'shared', description: '', enabled: true, tags: ['keyform.managed=p1', 'keyform.tenant=w.a'] } },
      { kind: 'group', address: address('group', ['p1', 'w', 'a', 'admin']), platform: 'p1', key: { workspace: 'w', project: 'a', role: 'admin' }, attrs: { name: 'w.a-admin', domain: 'shared', description: '[keyform platform=p1 tenant=w.a role=admin]' } },
    ]);
    const v = view({
      projects: [project('pa', ['keyform.managed=p1', 'keyform.tenant=w.a'])],
      groups: [{ id: 'g', name: 'renamed', domain_id: 'd-shared', description: '[keyform platform=p1 tenant=w.a role=admin]' }],
    });
    // WHEN turned into live state with and without the desired records
    const shared = toLiveState(v, platform, [], {}, twinsOf(desired));
    const own = toLiveState(v, platform, []);
    // THEN both hold the same values
    expect(shared).toStrictEqual(own);
    // AND the project shares the desired key and attributes; the renamed group shares its key only
    const [group, proj] = shared.resources;
    expect(proj!.key).toBe(desired[1]!.key);
    expect(proj!.attrs).toBe(desired[1]!.attrs);
    expect(group!.key).toBe(desired[0]!.key);
    expect(group!.attrs).not.toBe(desired[0]!.attrs);
    expect(group!.attrs).toMatchObject({ name: 'renamed' });
  });
});
