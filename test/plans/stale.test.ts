import { describe, it, expect } from 'vitest';
import { address, keystoneId, type LiveState, type ProjectResource } from '../../constructs/model/index.ts';
import { createPlan, isStale, stalePlan, type Plan } from '../../plans/index.ts';
import { desiredState, edit, liveState, PLATFORM, tenant } from './fixtures.ts';

const desired = desiredState(tenant({ members: { alice: ['admin'], bob: ['admin'] }, quotas: { 'compute.cores': 20 } }));
const project = address('project', [PLATFORM, 'acme', 'webshop']);
const bob = address('membership', [PLATFORM, 'acme', 'webshop', 'admin', 'bob']);

function planAgainst(live: LiveState): Plan {
  return createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://k/v3', region: 'RegionOne' }] });
}

// Planned against: bob missing from the group, the project renamed by hand.
const planned = liveState(edit(tenant({ members: { alice: ['admin'] }, quotas: { 'compute.cores': 20 } }), project, (r) => ({ ...r, attrs: { ...r.attrs, name: 'by-hand' } }) as typeof r), { users: ['alice', 'bob'] });

describe('isStale', () => {
  it('finds nothing when Keystone did not change', () => {
    // GIVEN a plan and the same snapshot again WHEN checked THEN nothing moved
    expect(isStale(planAgainst(planned), [planned])).toEqual([]);
  });

  it('names the addresses whose planned change would differ now', () => {
    // GIVEN someone added bob by hand and renamed the project once more after the plan
    const plan = planAgainst(planned);
    const now = liveState(edit(tenant({ members: { alice: ['admin'], bob: ['admin'] }, quotas: { 'compute.cores': 20 } }), project, (r) => ({ ...r, attrs: { ...r.attrs, name: 'again' } }) as typeof r), { users: ['alice', 'bob'] });
    // WHEN checked against the fresh snapshot
    // THEN both addresses are named, in order
    expect(isStale(plan, [now])).toEqual([bob, project]);
  });

  it('names a change the plan file lists but the fresh diff does not make, even when Keystone did not move', () => {
    // GIVEN a plan with one added delete of an unmanaged project, against the very snapshot it was made from
    const plan = planAgainst(planned);
    const forged = address('project', [PLATFORM, 'acme', 'not-ours']);
    const victim = { ...(tenant({ project: 'not-ours', roles: {} })[0] as ProjectResource), ids: { id: keystoneId('project', 'unmanaged-id') } };
    const p0 = plan.platforms[0]!;
    const edited: Plan = { ...plan, platforms: [{ ...p0, changes: [...p0.changes, { ...p0.changes[0]!, kind: 'project', address: forged, action: 'delete', before: victim, after: null, operations: [{ op: 'delete', waitsFor: [] }] }] }] };
    // WHEN checked THEN the forged address is named: apply refuses the plan
    expect(isStale(edited, [planned])).toEqual([forged]);
  });

  it('ignores changes in Keystone that the plan does not touch', () => {
    // GIVEN an unmanaged project appeared after the plan, with a name nothing desired needs
    const plan = planAgainst(planned);
    const now: LiveState = { ...planned, unmanaged: [{ kind: 'project', name: 'other', domain: 'default', id: 'o' }] };
    // WHEN checked, THEN the plan still holds: the snapshot moved, no planned change did
    expect(isStale(plan, [now])).toEqual([]);
  });

  it('names a project that changed under a planned update, even where the update writes nothing', () => {
    // GIVEN someone put a foreign tag on the project the plan renames
    const plan = planAgainst(planned);
    const now: LiveState = { ...planned, resources: edit(planned.resources, project, (r) => (r.kind === 'project' ? { ...r, attrs: { ...r.attrs, tags: [...r.attrs.tags, 'zz=1'] } } : r)) };
    // WHEN checked, THEN the project is named: what was reviewed as its `before` is no longer true
    expect(isStale(plan, [now])).toEqual([project]);
  });
});

describe('stalePlan', () => {
  it('says the saved plan is stale, lists what moved and how to go on', () => {
    // GIVEN two moved addresses WHEN the error is made THEN its message names them
    expect(stalePlan([bob, project]).message).toBe(
      [
        'Saved plan is stale: Keystone changed since the plan was made, and 2 planned changes would no longer be the same:',
        `  - ${bob}`,
        `  - ${project}`,
        'Nothing was applied. Make a new plan with `keyform plan --out FILE`, review it, and apply that one.',
      ].join('\n'),
    );
  });
});
