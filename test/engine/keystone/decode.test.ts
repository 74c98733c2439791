import { describe, expect, it } from 'vitest';
import { decodeGroup, decodeItems, decodeLimit, decodeProject, decodeRoleAssignment, decodeUser } from '../../../engine/keystone/index.ts';

// The objects below are shaped as Keystone (Zed) lists them, fields keyform never reads included.
const LINK = { self: 'https://keystone.example:5000/v3/projects/p1' };

describe('Keystone list decoders', () => {
  it('read a project into the fields keyform uses, leaving links, options and unknown fields behind', () => {
    // GIVEN a project as GET /v3/projects lists it, with a field a newer Keystone might add
    const raw = { id: 'p1', name: 'acme.web', domain_id: 'd1', description: 'acme/web', enabled: true, tags: ['keyform.managed=os'], parent_id: 'd1', is_domain: false, options: {}, links: LINK, future_field: { x: 1 } };
    // WHEN decoded
    const p = decodeProject(raw);
    // THEN exactly the fields keyform reads are kept
    expect(p._unsafeUnwrap()).toStrictEqual({ id: 'p1', name: 'acme.web', domain_id: 'd1', description: 'acme/web', enabled: true, tags: ['keyform.managed=os'] });
  });

  it('keep a domain acting as a project marked, so that the project list can leave it out', () => {
    // GIVEN a domain listed among the projects (is_domain)
    const raw = { id: 'd1', name: 'Default', domain_id: '<<keystone.domain.root>>', description: '', enabled: true, tags: [], is_domain: true, links: LINK };
    // WHEN decoded THEN it says so
    expect(decodeProject(raw)._unsafeUnwrap().is_domain).toBe(true);
  });

  it('take a null description and a user without enabled as Keystone means them', () => {
    // GIVEN a group whose description is null, and a user of an identity backend that omits enabled
    const group = decodeGroup({ id: 'g1', name: 'g', domain_id: 'd1', description: null, links: LINK });
    const user = decodeUser({ id: 'u1', name: 'alice', domain_id: 'd1', password_expires_at: null, options: {}, links: LINK });
    // THEN the description stays null (read as empty) and the user is enabled
    expect(group._unsafeUnwrap().description).toBeNull();
    expect(user._unsafeUnwrap()).toStrictEqual({ id: 'u1', name: 'alice', domain_id: 'd1', enabled: true });
  });

  it('keep of a role assignment its role, actor and scope, and the group an effective entry comes through', () => {
    // GIVEN a plain group grant and an effective entry through a group
    const plain = { role: { id: 'r1' }, group: { id: 'g1' }, scope: { project: { id: 'p1' } }, links: { assignment: 'https://k/v3/projects/p1/groups/g1/roles/r1' } };
    const effective = { role: { id: 'r1', name: 'member' }, user: { id: 'u1', domain: { id: 'd1', name: 'Default' } }, scope: { project: { id: 'p1' }, 'OS-INHERIT:inherited_to': 'projects' }, links: { assignment: 'x', membership: 'https://k/v3/groups/g1/users/u1' } };
    // WHEN decoded
    const a = decodeRoleAssignment(plain)._unsafeUnwrap();
    const e = decodeRoleAssignment(effective)._unsafeUnwrap();
    // THEN what the snapshot and the doctor read is there, and the assignment link is not
    expect(a).toEqual({ role: { id: 'r1' }, group: { id: 'g1' }, scope: { project: { id: 'p1' } }, links: {} });
    expect(e).toEqual({ role: { id: 'r1', name: 'member' }, user: { id: 'u1', domain: { id: 'd1', name: 'Default' } }, scope: { project: { id: 'p1' }, 'OS-INHERIT:inherited_to': 'projects' }, links: { membership: 'https://k/v3/groups/g1/users/u1' } });
  });

  it('give the grants of one answer one record for a repeated role and scope', () => {
    // GIVEN two groups granted member on one project, and one on another
    const grant = (g: string, p: string) => ({ role: { id: 'r1' }, group: { id: g }, scope: { project: { id: p } }, links: { assignment: `https://k/v3/projects/${p}/groups/${g}/roles/r1` } });
    // WHEN the answer is decoded
    const [a, b, c] = decodeItems([grant('g1', 'p1'), grant('g2', 'p1'), grant('g3', 'p2')], decodeRoleAssignment, '/role_assignments', 'role_assignments')._unsafeUnwrap();
    // THEN the role is one record, the first project's scope one record, the other project's its own
    expect(a!.role).toBe(b!.role);
    expect(a!.role).toBe(c!.role);
    expect(a!.scope).toBe(b!.scope);
    expect(c!.scope).not.toBe(a!.scope);
    expect(c!.scope.project).toEqual({ id: 'p2' });
  });

  it('fail a list at the first item lacking a field keyform reads, naming the list, the item, its id and the field', () => {
    // GIVEN a limits answer whose second limit has no resource_limit
    const limit = { id: 'l1', service_id: 's1', region_id: 'RegionOne', resource_name: 'cores', resource_limit: 8, project_id: 'p1', domain_id: null, description: null, links: LINK };
    const items = [limit, { ...limit, id: 'l2', resource_limit: 'eight' }];
    // WHEN decoded
    const r = decodeItems(items, decodeLimit, '/limits?region_id=RegionOne', 'limits');
    // THEN it fails as a bad answer that says where and what
    expect(r._unsafeUnwrapErr()).toMatchObject({ kind: 'bad-response', method: 'GET' });
    expect(r._unsafeUnwrapErr().message).toContain('GET /limits?region_id=RegionOne: item 1 (id l2) of "limits" cannot be read: "resource_limit" must be a number, found "eight"');
  });

  it('fail an item that is not an object, or an assignment without a scope', () => {
    expect(decodeItems([null], decodeProject, '/projects', 'projects')._unsafeUnwrapErr().message).toContain('item 0 of "projects" cannot be read: the item must be an object, found null');
    expect(decodeRoleAssignment({ role: { id: 'r1' }, group: { id: 'g1' } })._unsafeUnwrapErr()).toBe('"scope" must be an object, found none');
    expect(decodeRoleAssignment({ role: { id: 'r1' }, group: { id: 7 }, scope: {} })._unsafeUnwrapErr()).toBe('"group.id" must be a string, found 7');
  });
});
