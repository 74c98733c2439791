import { describe, it, expect } from 'vitest';
import { address, type DesiredState, type LiveState } from '../../constructs/model/index.ts';
import { createPlan, unconfiguredAdoptions } from '../../plans/index.ts';
import { desiredState, liveState, PLATFORM, tenant } from './fixtures.ts';

const planOf = (desired: DesiredState, live: LiveState) =>
  createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://k/v3', region: 'R' }] });
const legacy = address('project', [PLATFORM, 'acme', 'legacy']);
const live = liveState([], {
  unmanaged: [
    { kind: 'project', name: 'acme.legacy', domain: 'default', id: 'p-hand', description: '', enabled: true, tags: [] },
    { kind: 'project', name: 'payroll', domain: 'default', id: 'p-payroll', description: '', enabled: true, tags: [] },
  ],
});

describe('unconfiguredAdoptions', () => {
  it('accepts a plan whose adoptions the configuration asks for exactly so', () => {
    // GIVEN a config that adopts acme.legacy, and the plan made from it
    const desired = desiredState(tenant({ project: 'legacy', adopt: true, roles: {} }));
    // WHEN the plan is checked against the same config THEN nothing is refused
    expect(unconfiguredAdoptions(planOf(desired, live), [desired])).toEqual([]);
  });

  it('names an adoption the configuration does not have, or has for another project name', () => {
    // GIVEN a plan adopting acme.legacy, and one whose adopted project was renamed to payroll (an edited desired state)
    const adopting = desiredState(tenant({ project: 'legacy', adopt: true, roles: {} }));
    const renamed = desiredState(tenant({ project: 'legacy', adopt: true, roles: {}, name: 'payroll' }));
    // WHEN checked against a config without adopt, and against the config that adopts acme.legacy
    const withoutAdopt = desiredState(tenant({ project: 'legacy', roles: {} }));
    // THEN both are refused, by address
    expect(unconfiguredAdoptions(planOf(adopting, live), [withoutAdopt])).toEqual([legacy]);
    expect(unconfiguredAdoptions(planOf(renamed, live), [adopting])).toEqual([legacy]);
    expect(unconfiguredAdoptions(planOf(adopting, live), [])).toEqual([legacy]);
  });
});
