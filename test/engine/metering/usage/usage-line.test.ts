import { describe, expect, it } from 'vitest';
import type { SampleGroup } from '../../../../engine/metering/store/metering-store.ts';
import { usageLines as linesOf } from '../../../../engine/metering/usage/usage-line.ts';

const usageLines = (g: SampleGroup) => linesOf(g, { platform: 'os-test', region: 'RegionOne' });

const group = (resourceType: SampleGroup['resourceType'], traits: SampleGroup['traits'], seconds = 1800): SampleGroup => ({
  resourceId: 'r-1',
  resourceType,
  projectId: 'p-1',
  traits,
  hourStart: 7200,
  seconds,
  ownerRef: 1,
});

describe('usageLines', () => {
  it('turns half an hour of a server into server-hours by flavor, vCPU-hours and RAM GiB-hours', () => {
    // GIVEN a 2-vCPU, 4 GiB server sampled for 30 minutes
    const g = group('server', { flavor: 'm1.medium', vcpus: 2, ram_mib: 4096, disk_gib: 40, status: 'ACTIVE' });
    // WHEN its usage lines are made
    const lines = usageLines(g);
    // THEN they are 0.5 server-hours of m1.medium, 1 vCPU-hour, 2 RAM GiB-hours
    expect(lines.map((l) => [l.metric, l.qualifier, l.quantity])).toEqual([
      ['server.hours', 'm1.medium', 0.5],
      ['vcpu.hours', null, 1],
      ['ram.gib_hours', null, 2],
    ]);
  });

  it('counts volumes by type, snapshots, images by size, and the hourly resources by presence', () => {
    // GIVEN one group of each other type, each for a whole hour
    const cases: [SampleGroup, string, string | null, number][] = [
      [group('volume', { size_gib: 10, volume_type: 'ssd', status: 'in-use' }, 3600), 'volume.gib_hours', 'ssd', 10],
      [group('snapshot', { size_gib: 10, status: 'available' }, 3600), 'snapshot.gib_hours', null, 10],
      [group('image', { size_bytes: 3 * 1024 ** 3, status: 'active' }, 3600), 'image.gib_hours', null, 3],
      [group('floatingip', { status: 'DOWN' }, 3600), 'floatingip.hours', null, 1],
      [group('router', { status: 'ACTIVE' }, 3600), 'router.hours', null, 1],
      [group('loadbalancer', { provisioning_status: 'PENDING_CREATE' }, 3600), 'loadbalancer.hours', null, 1],
    ];
    for (const [g, metric, qualifier, quantity] of cases) {
      // WHEN its lines are made THEN it is one line of the metric
      expect(usageLines(g).map((l) => [l.metric, l.qualifier, l.quantity])).toEqual([[metric, qualifier, quantity]]);
    }
  });

  it('leaves out resources in states that hold nothing, but keeps stopped servers', () => {
    // GIVEN a server in ERROR, a volume in error, an image still queued and a SHUTOFF server
    // WHEN usage lines are made
    // THEN only the stopped server counts (its flavor stays reserved)
    expect(usageLines(group('server', { flavor: 'x', vcpus: 1, ram_mib: 1024, status: 'ERROR' }))).toEqual([]);
    expect(usageLines(group('volume', { size_gib: 5, status: 'error' }))).toEqual([]);
    expect(usageLines(group('image', { size_bytes: null, status: 'queued' }))).toEqual([]);
    expect(usageLines(group('server', { flavor: 'x', vcpus: 1, ram_mib: 1024, status: 'SHUTOFF' }))).toHaveLength(3);
  });

  it('marks a SHUTOFF server\'s lines stopped and a running one\'s running, with exact quantities', () => {
    // GIVEN a stopped and an active 2-vCPU server sampled for 5 minutes
    const stopped = usageLines(group('server', { flavor: 'm1.small', vcpus: 2, ram_mib: 2048, status: 'SHUTOFF' }, 300));
    const running = usageLines(group('server', { flavor: 'm1.small', vcpus: 2, ram_mib: 2048, status: 'ACTIVE' }, 300));
    // WHEN their lines are made THEN the state is on every line and quantities are integer units
    expect(stopped.map((l) => l.state)).toEqual(['stopped', 'stopped', 'stopped']);
    expect(running.map((l) => [l.state, l.units, l.variant])).toEqual([
      ['running', 300n, 'm1.small'],
      ['running', 600n, 'm1.small'],
      ['running', 614_400n, 'm1.small'],
    ]);
  });
});
