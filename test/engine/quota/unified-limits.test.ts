import { describe, expect, it } from 'vitest';
import { liveLimits } from '../../../engine/quota/unified-limits.ts';
import type { Limit } from '../../../engine/keystone/index.ts';
import { address } from '../../../constructs/model/index.ts';

// liveLimits is the pure half of reading unified limits: these tests feed it what Keystone
// answered in situations that are awkward to make for real (several regions, copied markers).

const services = [{ id: 's-compute', type: 'compute' }];
const desc = '[keyform platform=p1 tenant=w.a]';
const limit = (id: string, region_id: string | null, resource_name: string, resource_limit: number, project_id = 'pa'): Limit =>
  ({ id, service_id: 's-compute', project_id, domain_id: null, description: desc, region_id, resource_name, resource_limit });
const projectIds = new Map([[address('project', ['p1', 'w', 'a']), 'pa']]);

describe('liveLimits', () => {
  it('reads only limits of the platform region (or none) and maps them to quota keys', () => {
    // GIVEN limits for tenant w.a in R1, in R2, and without a region, plus an unknown resource
    const limits = [limit('l1', 'R1', 'class:VCPU', 8), limit('l2', 'R2', 'servers', 5), limit('l3', null, 'gpus', 1)];
    // WHEN they are read for platform p1 in R1
    const quotas = liveLimits(limits, services, 'p1', 'R1', projectIds);
    // THEN R2's limit is not this platform's; names map through the quota key catalog
    expect(quotas.map((q) => [q.key, q.attrs])).toEqual([
      [{ workspace: 'w', project: 'a', quotaKey: 'compute.cores' }, { value: 8, backend: 'unified-limits' }],
      [{ workspace: 'w', project: 'a', quotaKey: 'compute.gpus' }, { value: 1, backend: 'unified-limits' }],
    ]);
  });

  it('keeps the limit on the tenant\'s own project when a copied marker claims the same key elsewhere', () => {
    // GIVEN two limits for compute.cores with w.a's marker, the lower id on another project
    const limits = [limit('l0', 'R1', 'class:VCPU', 99, 'elsewhere'), limit('l1', 'R1', 'class:VCPU', 8)];
    // WHEN they are read
    const quotas = liveLimits(limits, services, 'p1', 'R1', projectIds);
    // THEN the one on w.a's project is the quota
    expect(quotas.map((q) => [q.ids, q.attrs.value])).toEqual([[{ id: 'l1', projectId: 'pa', serviceId: 's-compute' }, 8]]);
  });
});
