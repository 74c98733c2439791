import { describe, expect, it } from 'vitest';
import { diff } from '../../../plans/index.ts';
import { inScope, scopeClashes, scopeDesired, scopeLive } from '../../../engine/block/index.ts';
import { PLATFORM, actions, desiredState, liveState, tenant, workspaceDomain } from '../../plans/fixtures.ts';

const SCOPE = { platform: PLATFORM, workspace: 'acme', project: 'webshop' };

describe('tenant scope', () => {
  it('plans only the tenant: the other tenants in Keystone are neither seen nor removed', () => {
    // GIVEN a desired acme.webshop with a new member, and a Keystone holding acme.webshop and globex.billing
    const desired = desiredState(tenant({ members: { alice: ['admin'], bob: ['admin'] } }));
    const live = liveState([...tenant({ members: { alice: ['admin'] } }), ...tenant({ workspace: 'globex', project: 'billing', members: { carol: ['admin'] } })], { users: ['alice', 'bob', 'carol'] });
    // WHEN both sides are cut to the tenant and diffed
    const scoped = diff(scopeDesired(desired, SCOPE), scopeLive(live, SCOPE));
    // THEN the one change is bob's membership, where the uncut diff would also retire globex.billing
    expect(actions(scoped.changes)).toEqual(['create keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]']);
    expect(actions(diff(desired, live).changes).some((a) => a.includes('globex/billing'))).toBe(true);
  });

  it("keeps the workspace's own domain in scope, and other workspaces' domains and projects out", () => {
    // GIVEN resources of acme (domain, webshop, analytics) and globex
    const own = workspaceDomain('acme');
    const sibling = tenant({ project: 'analytics', ownDomain: true })[0]!;
    const other = workspaceDomain('globex');
    // WHEN each is checked against the scope of acme.webshop
    // THEN only the acme domain and webshop's objects are in
    expect([own, sibling, other, ...tenant({ ownDomain: true })].map((r) => inScope(r, SCOPE))).toEqual([true, false, false, true, true, true]);
  });

  it('keeps unmanaged objects, users, roles and domains when cutting the live state', () => {
    // GIVEN a live state with an unmanaged look-alike
    const live = liveState(tenant({ workspace: 'globex', project: 'billing' }), { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'p-x' }] });
    // WHEN it is cut to acme.webshop
    const cut = scopeLive(live, SCOPE);
    // THEN the other tenant is gone, and everything clash checks need stays
    expect(cut.resources).toEqual([]);
    expect({ ...cut, resources: live.resources }).toEqual(live);
  });

  it("finds a name the tenant needs that another tenant's object holds, which the cut live state would hide", () => {
    // GIVEN globex.billing whose project is (by a truncating pattern) named like acme.webshop's
    const desired = desiredState(tenant());
    const live = liveState(tenant({ workspace: 'globex', project: 'billing', name: 'acme.webshop' }));
    // WHEN clashes are looked for
    const clashes = scopeClashes(desired, live, SCOPE);
    // THEN the project's name is reported with its holder, and nothing when the names differ
    expect(clashes).toEqual([{
      address: 'keyform_project.tenant["os-prod/acme/webshop"]', kind: 'project', name: 'acme.webshop',
      holder: 'keyform_project.tenant["os-prod/globex/billing"]', holderTenant: 'globex.billing',
    }]);
    expect(scopeClashes(desired, liveState(tenant({ workspace: 'globex', project: 'billing' })), SCOPE)).toEqual([]);
  });
});
