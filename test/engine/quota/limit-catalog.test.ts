import { describe, expect, it } from 'vitest';
import { catalogDefaults, limitCatalog } from '../../../engine/quota/index.ts';
import type { RegisteredLimit, Service } from '../../../engine/keystone/index.ts';

const services: Service[] = [{ id: 'svc-nova', type: 'compute' }, { id: 'svc-cinder', type: 'volumev3' }];
const registered = (id: string, service_id: string, resource_name: string, default_limit: number, region_id: string | null): RegisteredLimit => ({
  id, service_id, resource_name, default_limit, region_id, description: null,
});

describe('limitCatalog', () => {
  // GIVEN a global and a regional default for VCPU, one for another region, and one for volumes
  const limits = [
    registered('1', 'svc-nova', 'class:VCPU', 10, null),
    registered('2', 'svc-nova', 'class:VCPU', 20, 'RegionOne'),
    registered('3', 'svc-nova', 'servers', 5, 'RegionTwo'),
    registered('4', 'svc-cinder', 'volumes', 7, null),
  ];

  it('maps registered limits to quota keys, the region\'s own winning over one for every region', () => {
    // WHEN the defaults of RegionOne are made
    const defaults = catalogDefaults(limitCatalog(limits, services, 'RegionOne'));
    // THEN VCPU takes the regional value, servers (another region) is absent, keys are sorted
    expect(defaults).toEqual({ 'compute.cores': 20, 'volume.volumes': 7 });
    expect(Object.keys(defaults)).toEqual(['compute.cores', 'volume.volumes']);
  });

  it('writes a key where the registered limit that wins says, whatever the order Keystone lists them in', () => {
    // WHEN the catalog of RegionOne is made from the limits in reverse order
    const catalog = limitCatalog([...limits].reverse(), services, 'RegionOne');
    // THEN VCPU's limits go to the regional registration's region, volumes' to every region
    expect(catalog.get('compute.cores')).toEqual({ serviceId: 'svc-nova', regionId: 'RegionOne', defaultLimit: 20 });
    expect(catalog.get('volume.volumes')).toEqual({ serviceId: 'svc-cinder', regionId: null, defaultLimit: 7 });
    expect(catalog.has('compute.instances')).toBe(false);
  });
});
