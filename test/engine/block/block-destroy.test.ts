import { describe, expect, it } from 'vitest';
import { DELETE_POLICY_TAG } from '../../../constructs/index.ts';
import { diff } from '../../../plans/index.ts';
import { destroyDesired, destroyOutputs, livePolicy, scopeLive, withDeletionPolicy } from '../../../engine/block/index.ts';
import { PLATFORM, actions, desiredState, liveState, tenant, workspaceDomain } from '../../plans/fixtures.ts';

const SCOPE = { platform: PLATFORM, workspace: 'acme', project: 'webshop' };

describe('destroy of one tenant', () => {
  it("keeps the workspace's domain while another tenant of the workspace is in it, and lets it go with the last", () => {
    // GIVEN acme.webshop desired in its workspace's domain, and Keystone holding it with or without acme.analytics
    const desired = desiredState([workspaceDomain(), ...tenant({ ownDomain: true })]);
    const alone = liveState([workspaceDomain(), ...tenant({ ownDomain: true, deletionPolicy: 'delete' })]);
    const shared = liveState([...alone.resources, ...tenant({ ownDomain: true, project: 'analytics' })]);
    // WHEN the destroy's desired state is made, and the cut sides diffed
    const planned = (live: typeof alone): string[] => actions(diff(destroyDesired(desired, live, SCOPE), scopeLive(live, SCOPE)).changes);
    // THEN with a sibling the domain stays; alone, it is deleted after the project
    expect(destroyDesired(desired, shared, SCOPE).resources.map((r) => r.kind)).toEqual(['domain']);
    expect(planned(shared).filter((a) => a.includes('domain'))).toEqual([]);
    expect(planned(shared)).toContain('delete keyform_project.tenant["os-prod/acme/webshop"]');
    expect(planned(alone).at(-1)).toBe('delete keyform_domain.workspace["os-prod/acme"]');
    expect(destroyDesired(desired, alone, SCOPE).resources).toEqual([]);
  });

  it("follows the inputs' deletion policy over the one recorded on the project, and the recorded one when the inputs say none", () => {
    // GIVEN a live project recorded as retain
    const live = liveState(tenant());
    // WHEN the inputs say delete, retain, or nothing
    const as = (policy?: 'retain' | 'delete'): string[] => actions(diff(desiredState([]), withDeletionPolicy(live, SCOPE, policy)).changes).filter((a) => a.includes('project'));
    // THEN the project is deleted, retired, retired
    expect([as('delete'), as('retain'), as(undefined)]).toEqual([
      ['delete keyform_project.tenant["os-prod/acme/webshop"]'],
      ['update keyform_project.tenant["os-prod/acme/webshop"]'],
      ['update keyform_project.tenant["os-prod/acme/webshop"]'],
    ]);
    expect(livePolicy(withDeletionPolicy(liveState(tenant({ deletionPolicy: 'delete' })), SCOPE, 'retain'), SCOPE)).toBe('retain');
    expect(livePolicy(liveState(tenant({ deletionPolicy: 'delete' })), SCOPE)).toBe('delete');
    expect(livePolicy(liveState([]), SCOPE)).toBeUndefined();
    expect(withDeletionPolicy(live, SCOPE, 'delete').resources.find((r) => r.kind === 'project')!.attrs).toMatchObject({ tags: expect.arrayContaining([DELETE_POLICY_TAG]) });
  });

  it('lists what the removal took and what is left of the tenant', () => {
    // GIVEN the plan of a retain removal, and Keystone after it: the retired project and its quota
    const live = liveState(tenant({ members: { alice: ['admin'] }, quotas: { 'compute.cores': 4 } }));
    const p = diff(desiredState([]), live);
    const after = liveState(tenant({ quotas: { 'compute.cores': 4 } }).filter((r) => r.kind === 'project' || r.kind === 'quota'));
    // WHEN the outputs are made
    const out = destroyOutputs(p, after, SCOPE, 'retain');
    // THEN they name each object, with its id where it has one
    expect(out.removed.map((o) => `${o.kind} ${o.name}`)).toEqual(['membership alice in admin', 'assignment admin: member', 'group acme.webshop-admin']);
    expect(out.retained).toEqual([
      { kind: 'project', address: 'keyform_project.tenant["os-prod/acme/webshop"]', name: 'acme.webshop', id: 'project-os-prod-acme-webshop' },
      { kind: 'quota', address: 'keyform_quota.limit["os-prod/acme/webshop/compute.cores"]', name: 'compute.cores = 4', id: 'limit-os-prod-acme-webshop-compute.cores' },
    ]);
    expect([out.behavior, out.deletionPolicy]).toEqual(['DESTROY', 'retain']);
  });
});
