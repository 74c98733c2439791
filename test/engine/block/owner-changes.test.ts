import { describe, expect, it } from 'vitest';
import { diff } from '../../../plans/index.ts';
import { ownerChanges } from '../../../engine/block/index.ts';
import { desiredState, liveState, retired, tenant } from '../../plans/fixtures.ts';

describe('ownerChanges', () => {
  it('says who gains and loses which role, and which tag and quota change, leaving out the plumbing', () => {
    // GIVEN acme.webshop live with alice (admin, user) and bob (user), and inputs where bob is gone, alice only admin, tag and quota changed
    const roles = { admin: 'member', user: 'member' };
    const live = liveState(tenant({ roles, members: { alice: ['admin', 'user'], bob: ['user'] }, tags: { cost_center: 'cc-1' }, quotas: { 'compute.cores': 4 } }), { users: ['alice', 'bob', 'carol'] });
    const desired = desiredState(tenant({ roles, members: { alice: ['admin'], carol: ['user'] }, tags: { cost_center: 'cc-2', env: 'dev' }, quotas: { 'compute.cores': -1 } }));
    // WHEN the diff is told in the owner's words
    const lines = ownerChanges(diff(desired, live));
    // THEN each change a project owner can see is one sentence, sorted by the plan's order
    expect([...lines].sort()).toEqual([
      'Quota compute.cores: 4 → unlimited.',
      'Tag kf_cost_center: "cc-1" → "cc-2".',
      'Tag kf_env is set to "dev".',
      'alice loses role user.',
      'bob loses role user.',
      'carol gets role user.',
    ]);
  });

  it('tells a retain removal, a re-enabled project and a changed deletion policy in words', () => {
    // GIVEN the live tenant, and a desired state without it
    const live = liveState(tenant({ members: { alice: ['admin'] } }));
    // WHEN the removal (policy retain) is told, a retired project's return, and a policy change
    const removed = ownerChanges(diff(desiredState([]), live));
    const back = ownerChanges(diff(desiredState(tenant()), liveState(retired(tenant()))));
    const policy = ownerChanges(diff(desiredState(tenant({ deletionPolicy: 'delete' })), liveState(tenant())));
    // THEN each says what happens to the project and its people
    expect(removed).toEqual([
      'alice loses role admin.',
      'Role admin is removed (group acme.webshop-admin): nobody gets access through it any more.',
      'Project acme.webshop is disabled and marked retired, not deleted (deletion policy retain): nobody can use it any more.',
    ]);
    expect(back).toEqual(['Project acme.webshop is enabled again.']);
    expect(policy).toEqual(['Deletion policy: retain → delete.']);
  });

  it('says nothing for a plan without changes', () => {
    // GIVEN a tenant that matches its desired state
    // WHEN its empty diff is told
    // THEN there is not a line
    expect(ownerChanges(diff(desiredState(tenant()), liveState(tenant())))).toEqual([]);
  });
});
