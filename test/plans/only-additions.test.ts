import { describe, it, expect } from 'vitest';
import { createPlan, notAdditions } from '../../plans/index.ts';
import { desiredState, liveState, tenant } from './fixtures.ts';

const planOf = (desired: ReturnType<typeof desiredState>, live: ReturnType<typeof liveState>) =>
  createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://k/v3', region: 'R' }] });

describe('notAdditions', () => {
  it('accepts a plan whose only change is a membership into an existing group', () => {
    // GIVEN carol, bound to an applied tenant, now exists in Keystone
    const plan = planOf(desiredState(tenant({ members: { carol: ['admin'] } })), liveState(tenant(), { users: ['carol'] }));
    // WHEN checked THEN nothing is refused
    expect(plan.summary.add).toBe(1);
    expect(notAdditions(plan)).toEqual([]);
  });

  it.each([
    ['a new tenant (its memberships go into groups created by the same plan)', tenant({ members: { carol: ['admin'] } }), [], 4],
    ['a tag drift', tenant({ tags: { cost_center: 'cc42' } }), tenant({ tags: { cost_center: 'cc41' } }), 1],
    ['a member added by hand', tenant(), tenant({ members: { carol: ['admin'] } }), 1],
  ])('refuses %s, naming each change', (_name, desired, live, refused) => {
    // GIVEN such a plan WHEN checked THEN every change but a membership into an existing group is named with why
    const r = notAdditions(planOf(desiredState(desired), liveState(live, { users: ['carol'] })));
    expect(r).toHaveLength(refused);
    for (const x of r) expect(x.why).toMatch(/^(a \w+ (create|update|delete|replace): |its group .* does not exist in Keystone yet)/);
  });
});
