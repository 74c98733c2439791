import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectRecord, Sample } from '../../../../engine/metering/sample.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import type { MeteringStore } from '../../../../engine/metering/store/metering-store.ts';

/** 2026-03-01T00:00:00Z. */
export const DAY0 = Date.UTC(2026, 2, 1) / 1000;
export const H = 3600;

export const PROJECTS: ProjectRecord[] = [
  { projectId: 'p-shop', name: 'acme.shop', owner: { platform: 'os-test', workspace: 'acme', project: 'shop' }, tags: { cost_center: 'cc-42' } },
  { projectId: 'p-data', name: 'globex.data', owner: { platform: 'os-test', workspace: 'globex', project: 'data' }, tags: { cost_center: 'cc-7' } },
  { projectId: 'p-other', name: 'legacy', owner: { platform: 'other-platform', workspace: 'x', project: 'y' } },
];

export const SERVER: Sample = { resourceId: 'srv-1', resourceType: 'server', projectId: 'p-shop', traits: { flavor: 'm1.small', vcpus: 1, ram_mib: 2048, disk_gib: 20, status: 'ACTIVE' } };
export const VOLUME: Sample = { resourceId: 'vol-1', resourceType: 'volume', projectId: 'p-data', traits: { size_gib: 10, volume_type: 'ssd', status: 'available' } };
export const FIP: Sample = { resourceId: 'fip-1', resourceType: 'floatingip', projectId: 'p-other', traits: { address: '203.0.113.7', status: 'DOWN', port_id: null } };

/**
 * A store with a known timeline (5-minute runs):
 * - day 0, 00:00–02:00: the server, the volume and the FIP in every run;
 * - day 0, 02:00–03:00: no run at all (a gap);
 * - day 1, 00:00–01:00: only the volume, for the first half hour.
 */
export async function fixtureStore(): Promise<MeteringStore> {
  const store = (await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kf-report-')), 'm.db')))._unsafeUnwrap();
  const record = async (t: number, samples: Sample[]) =>
    (await store.recordRun({ platform: 'os-test', region: 'RegionOne', sampledAt: t, intervalSeconds: 300, startedAt: t, finishedAt: t + 1, sampleCount: samples.length }, samples, PROJECTS))._unsafeUnwrap();
  for (let t = DAY0; t < DAY0 + 2 * H; t += 300) await record(t, [SERVER, VOLUME, FIP]);
  for (let t = DAY0 + 24 * H; t < DAY0 + 25 * H; t += 300) await record(t, t < DAY0 + 24 * H + 1800 ? [VOLUME] : []);
  return store;
}

export const PRICES = { 'server.flavor.m1.small': 0.02, 'volume.type.ssd.gigabyte_hour': 0.001 };

export const EUR = { code: 'EUR', digits: 2 } as const;
