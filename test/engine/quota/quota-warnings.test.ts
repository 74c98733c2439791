import { describe, expect, it } from 'vitest';
import { address, keystoneId, type LiveState, type ProjectResource, type QuotaResource } from '../../../constructs/model/index.ts';
import type { Change } from '../../../plans/index.ts';
import { usageChecks, usageWarning } from '../../../engine/quota/index.ts';

const P = 'os-prod';
const project: ProjectResource = {
  kind: 'project', address: address('project', [P, 'acme', 'web']), platform: P, key: { workspace: 'acme', project: 'web' },
  attrs: { name: 'acme.web', domain: 'Default', description: '', enabled: true, tags: [] }, ids: { id: keystoneId('project', 'pid-1'), domainId: keystoneId('domain', 'default') }, managed: true,
};
const quota = (quotaKey: string, value: number, live: boolean): QuotaResource => ({
  kind: 'quota', address: address('quota', [P, 'acme', 'web', quotaKey]), platform: P, key: { workspace: 'acme', project: 'web', quotaKey },
  attrs: { value, backend: 'service-apis' }, ...(live ? { ids: { projectId: keystoneId('project', 'pid-1') }, managed: true } : {}),
});
const change = (action: Change['action'], before: QuotaResource | null, after: QuotaResource | null): Change => ({
  kind: 'quota', address: (after ?? before)!.address, action, before, after, changed: action === 'update' ? ['value'] : [], replacePaths: [], operations: [], dependsOn: [], reason: 'test',
});
const live: LiveState = { platform: P, resources: [project], unmanaged: [], users: {}, roles: {}, domains: {}, quotaDefaults: { 'compute.instances': 10, 'network.network': 100 } };

describe('usageChecks', () => {
  it('checks creates, lowered updates and deletes whose default is lower, and nothing else', () => {
    // GIVEN a create, a lowered and a raised update, an update to unlimited, and two deletes (default below / above the value)
    const changes = [
      change('create', null, quota('compute.cores', 4, false)),
      change('update', quota('volume.volumes', 10, true), quota('volume.volumes', 2, false)),
      change('update', quota('volume.gigabytes', 10, true), quota('volume.gigabytes', 20, false)),
      change('update', quota('compute.ram', 10, true), quota('compute.ram', -1, false)),
      change('delete', quota('compute.instances', 50, true), null),
      change('delete', quota('network.network', 5, true), null),
    ];
    // WHEN the checks are made
    const checks = usageChecks(changes, live);
    // THEN exactly the three that may end below usage are checked, each with the limit it will have
    expect(checks.map((c) => [c.quotaKey, c.limit, c.source, c.projectId, c.service])).toEqual([
      ['compute.cores', 4, 'set', 'pid-1', 'compute'],
      ['volume.volumes', 2, 'set', 'pid-1', 'volume'],
      ['compute.instances', 10, 'default', 'pid-1', 'compute'],
    ]);
  });

  it('skips the quotas of a project the plan creates, which uses nothing yet', () => {
    // GIVEN the project itself is created in the same plan
    const created: Change = { ...change('create', null, quota('compute.cores', 4, false)), kind: 'project', address: project.address, after: project };
    // WHEN the checks are made
    const checks = usageChecks([created, change('create', null, quota('compute.cores', 4, false))], live);
    // THEN none is made
    expect(checks).toEqual([]);
  });
});

describe('usageWarning', () => {
  const check = { address: 'a', projectId: 'pid-1', quotaKey: 'compute.instances', service: 'compute', limit: 0, source: 'set' } as const;

  it('warns when the new limit is below what is in use, naming both numbers', () => {
    // GIVEN one server running and a new limit of 0
    // WHEN the warning is made
    const w = usageWarning(check, 1);
    // THEN it names the key, the limit, the usage and the service
    expect(w).toBe('compute.instances gets the limit 0, below the 1 in use now (nova). Nothing in use is stopped or deleted, but the project can create no more until its usage drops under the limit.');
  });

  it('says nothing when the usage fits under the limit', () => {
    // GIVEN usage equal to the limit
    // WHEN the warning is made
    // THEN there is none
    expect(usageWarning({ ...check, limit: 2 }, 2)).toBeUndefined();
  });

  it('warns, rather than keeping silent, when the usage could not be read', () => {
    // GIVEN a failed usage read
    // WHEN the warning is made
    const w = usageWarning(check, undefined, 'GET … answered 403');
    // THEN it says the check could not be made and why
    expect(w).toContain('could not be read from nova (GET … answered 403)');
  });
});
