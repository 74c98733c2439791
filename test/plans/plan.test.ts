import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createPlan, digestOf, encodePlan, publicEndpoint, PLAN_FORMAT_VERSION, type Plan } from '../../plans/index.ts';
import { desiredState, liveState, tenant, workspaceDomain } from './fixtures.ts';
import { world, worldArb } from './worlds.ts';

const at = '2025-06-01T12:00:00.000Z';

function planOf(desired = desiredState(tenant()), live = liveState([]), endpoint = 'https://keystone.example:5000/v3'): Plan {
  return createPlan({ toolVersion: '0.1.0', createdAt: at, platforms: [{ desired, live, endpoint, region: 'RegionOne' }] });
}

describe('createPlan', () => {
  it('records the version, time, endpoint, region, live digest and desired state of each platform', () => {
    // GIVEN a desired state and a snapshot
    const desired = desiredState(tenant());
    const live = liveState([]);
    // WHEN a plan is made
    const plan = planOf(desired, live);
    // THEN it carries what apply needs to check and recompute it
    expect(plan).toMatchObject({ formatVersion: PLAN_FORMAT_VERSION, toolVersion: '0.1.0', createdAt: at, applyable: true, errored: false });
    expect(plan.platforms[0]).toMatchObject({ platform: 'os-prod', endpoint: 'https://keystone.example:5000/v3', region: 'RegionOne', liveDigest: digestOf(live), desired });
  });

  it('counts a replace that deletes as one to add and one to destroy, and one that retires as one to add and one to change', () => {
    // GIVEN two tenants moving into their workspace domain, one retained and one deleted, and one new tenant
    const live = liveState([...tenant({ roles: {} }), ...tenant({ project: 'gone', deletionPolicy: 'delete', roles: {} })]);
    const desired = desiredState([workspaceDomain(), ...tenant({ ownDomain: true, roles: {} }), ...tenant({ ownDomain: true, project: 'gone', deletionPolicy: 'delete', roles: {} })]);
    // WHEN planned
    const { summary } = planOf(desired, live);
    // THEN the domain and both new projects are added, the retired one changed, the deleted one destroyed
    expect(summary).toEqual({ add: 3, change: 1, destroy: 1, replace: 2, unchanged: 0, remarks: 0, errors: 0 });
  });

  it('is neither applyable nor errored when there is nothing to do', () => {
    // GIVEN a snapshot that matches
    const plan = planOf(desiredState(tenant()), liveState(tenant()));
    // THEN
    expect(plan).toMatchObject({ applyable: false, errored: false, summary: { add: 0, change: 0, destroy: 0, unchanged: 3 } });
  });

  it('is errored and not applyable when a name clashes', () => {
    // GIVEN a clash with an unmanaged project
    const plan = planOf(desiredState(tenant()), liveState([], { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'x' }] }));
    // THEN
    expect(plan).toMatchObject({ applyable: false, errored: true, summary: { errors: 1 } });
  });
});

describe('publicEndpoint', () => {
  it.each([
    ['keeps a plain endpoint', 'https://keystone.example:5000/v3', 'https://keystone.example:5000/v3'],
    ['drops user info, query and fragment', 'https://admin:s3cret@keystone.example/identity/v3?token=abc#x', 'https://keystone.example/identity/v3'],
    ['keeps a bare host', 'http://keystone', 'http://keystone'],
    ['hides a non-URL that looks like it carries credentials', 'admin:s3cret@keystone', '(not shown)'],
  ])('%s', (_name, input, expected) => {
    // GIVEN / WHEN / THEN
    expect(publicEndpoint(input)).toBe(expected);
  });
});

describe('no secret in a plan', () => {
  it('never writes a password, token or credential into the plan file', () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom('s3cr3t-pass', 'gAAAAABtoken'), (x, secret) => {
        // GIVEN random states and an endpoint that carries credentials
        const { desired, live } = world(x);
        const plan = planOf(desired, live, `https://admin:${secret}@keystone.example:5000/v3?token=${secret}`);
        // WHEN the plan file is written
        const text = encodePlan(plan);
        // THEN neither the secret nor any field named like one is in it
        expect(text).not.toContain(secret);
        expect(text).not.toMatch(/"[^"]*(password|secret|token|credential)[^"]*":/i);
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
