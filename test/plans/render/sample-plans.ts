import { createPlan, type Plan } from '../../../plans/index.ts';
import { desiredState, liveState, retired, tenant } from '../fixtures.ts';

/**
 * Small plans for renderer tests, each about one thing. `createdAt` and the endpoint are
 * fixed so that rendered text is exact.
 */
function planOf(desired: ReturnType<typeof desiredState>, live: ReturnType<typeof liveState>): Plan {
  return createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://keystone.example/v3', region: 'RegionOne' }] });
}

export const SAMPLE_PLANS = {
  /** Keystone matches the configuration. */
  'no changes': () => planOf(desiredState(tenant({ roles: {} })), liveState(tenant({ roles: {} }))),
  /** A new tenant with one bound user. */
  'new tenant': () => planOf(desiredState(tenant({ members: { alice: ['admin'] } })), liveState([], { users: ['alice'] })),
  /** A changed tag, a hand-added member, a raised quota, a user who never logged in. */
  drift: () => planOf(
    desiredState(tenant({ tags: { cost_center: 'cc42' }, members: { carol: ['admin'] }, quotas: { 'compute.cores': 40 } })),
    liveState(tenant({ tags: { cost_center: 'cc41' }, extraTags: ['owner=ops'], members: { bob: ['admin'] }, quotas: { 'compute.cores': 20 } }), { users: ['bob'] }),
  ),
  /** A tenant removed under the default policy, one under `delete`. */
  removed: () => planOf(desiredState([]), liveState([...retired(tenant({ project: 'kept', roles: {} })).map((r) => r), ...tenant({ project: 'gone', deletionPolicy: 'delete', roles: {} })])),
  /** A role mapped to another Keystone role: the grant is replaced. */
  replace: () => planOf(desiredState(tenant({ roles: { admin: 'reader' } })), liveState(tenant())),
  /** A name held by a project keyform does not manage. */
  clash: () => planOf(desiredState(tenant({ roles: {} })), liveState([], { unmanaged: [{ kind: 'project', name: 'acme.webshop', domain: 'default', id: 'p-by-hand' }] })),
} as const;
