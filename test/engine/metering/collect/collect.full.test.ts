import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud, openSession, type OpenStackSession } from '../../../../engine/openstack/index.ts';
import { collectOnce } from '../../../../engine/metering/collect/collect-once.ts';
import { buildReport } from '../../../../engine/metering/report/build-report.ts';
import type { ResourceType } from '../../../../engine/metering/sample.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import type { MeteringStore } from '../../../../engine/metering/store/metering-store.ts';
import { hourlyUsage } from '../../../../engine/metering/usage/hourly-usage.ts';
import { testStack } from '../../../openstack/stack.ts';
import { CloudFixture } from '../cloud-fixture.ts';
import { startOctavia, type OctaviaApi } from '../octavia-api.ts';

const MIB = 1024 * 1024;
/** The test's own clock: runs at these minutes after 10:00 UTC on 2031-01-06 (a gap from 10:20 to 11:30). */
const BASE = Date.UTC(2031, 0, 6, 10) / 1000;
const RUN_MINUTES = [0, 5, 10, 15, 90] as const;
const INTERVAL = 300;

interface Made {
  readonly id: string;
  readonly type: ResourceType;
  readonly project: 'A' | 'B';
  /** What one hour of it is worth per metric (the hand computation's unit rates). */
  readonly perHour: Readonly<Record<string, number>>;
  /** Unit prices per metric that the price list below gives it. */
  readonly price: Readonly<Record<string, number>>;
  /** The first run (index into RUN_MINUTES) that no longer sees it; undefined: all do. */
  deletedBefore?: number;
}

const PRICES = { 'server.vcpu_hour': 0.04, 'server.ram_gib_hour': 0.01, 'volume.gigabyte_hour': 0.001, 'snapshot.gigabyte_hour': 0.0005, 'floatingip.hour': 0.005, 'router.hour': 0.01, 'loadbalancer.hour': 0.03, 'image.gigabyte_hour': 0.1 };
const METRIC_PRICE: Record<string, number> = { 'vcpu.hours': 0.04, 'ram.gib_hours': 0.01, 'volume.gib_hours': 0.001, 'snapshot.gib_hours': 0.0005, 'floatingip.hours': 0.005, 'router.hours': 0.01, 'loadbalancer.hours': 0.03, 'image.gib_hours': 0.1 };
const present = (m: Made, run: number) => m.deletedBefore === undefined || run < m.deletedBefore;

describe('metering collection on the real full stack', () => {
  const stack = testStack();
  const platform = `os-meter-${Math.random().toString(36).slice(2, 8)}`;
  const source = { platform, region: 'RegionOne' };
  const fixture = new CloudFixture(stack.authUrl);
  const made: Made[] = [];
  let octavia: OctaviaApi;
  let session: OpenStackSession;
  let store: MeteringStore;
  const projects = { A: '', B: '' };

  const collectAt = async (run: number, pageSize: number) => {
    const now = () => (BASE + RUN_MINUTES[run]! * 60) * 1000;
    const r = await collectOnce(session, store, { platform, region: 'RegionOne', intervalSeconds: INTERVAL, now, pageSize });
    expect(r._unsafeUnwrap().kind).toBe('recorded');
  };
  const flavorPrices: Record<string, number> = {};

  beforeAll(async () => {
    // GIVEN two keyform-managed projects with servers of two flavors, volumes, a snapshot,
    // floating IPs, routers, an image and a load balancer (Octavia with the noop provider)
    octavia = await startOctavia(stack.authUrl, (await fixture.as()).token);
    projects.A = await fixture.project(platform, 'acme', 'shop');
    projects.B = await fixture.project(platform, 'globex', 'data');
    const small = await fixture.flavor('meter.small', 1, 512, 1);
    const large = await fixture.flavor('meter.large', 2, 1024, 1);
    const image = await fixture.image(projects.A, 3 * MIB);
    const net = await fixture.externalNetwork();
    const add = (id: string, type: ResourceType, project: 'A' | 'B', perHour: Record<string, number>, serverHourPrice = 0) =>
      made.push({ id, type, project, perHour, price: { ...METRIC_PRICE, 'server.hours': serverHourPrice } });
    flavorPrices[`server.flavor.meter.small-${fixture.tag}`] = 0.02;
    flavorPrices[`server.flavor.meter.large-${fixture.tag}`] = 0.05;
    const imageB = await fixture.image(projects.B, MIB);
    add(image, 'image', 'A', { 'image.gib_hours': (3 * MIB) / 1024 ** 3 });
    add(imageB, 'image', 'B', { 'image.gib_hours': MIB / 1024 ** 3 });
    add(await fixture.server(projects.A, small, image), 'server', 'A', { 'server.hours': 1, 'vcpu.hours': 1, 'ram.gib_hours': 0.5 }, 0.02);
    add(await fixture.server(projects.A, large, image), 'server', 'A', { 'server.hours': 1, 'vcpu.hours': 2, 'ram.gib_hours': 1 }, 0.05);
    add(await fixture.server(projects.B, small, imageB), 'server', 'B', { 'server.hours': 1, 'vcpu.hours': 1, 'ram.gib_hours': 0.5 }, 0.02);
    const volA = await fixture.volume(projects.A, 1);
    add(volA.id, 'volume', 'A', { 'volume.gib_hours': 1 });
    add((await fixture.volume(projects.B, 2)).id, 'volume', 'B', { 'volume.gib_hours': 2 });
    add(await fixture.snapshot(projects.A, volA.id), 'snapshot', 'A', { 'snapshot.gib_hours': 1 });
    add(await fixture.floatingIp(projects.A, net), 'floatingip', 'A', { 'floatingip.hours': 1 });
    add(await fixture.floatingIp(projects.B, net), 'floatingip', 'B', { 'floatingip.hours': 1 });
    add(await fixture.router(projects.A), 'router', 'A', { 'router.hours': 1 });
    add(await fixture.router(projects.B), 'router', 'B', { 'router.hours': 1 });
    add(await fixture.loadBalancer(octavia.url, projects.A), 'loadbalancer', 'A', { 'loadbalancer.hours': 1 });
    const cloud = loadCloud({ cloud: 'admin', files: { clouds: stack.cloudsYaml } })._unsafeUnwrap();
    session = (await openSession(cloud))._unsafeUnwrap();
    store = (await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kf-collect-')), 'metering.db')))._unsafeUnwrap();
  });

  afterAll(async () => {
    await store?.close();
    await fixture.cleanup();
    await octavia?.stop();
  });

  it('samples every resource of both projects in each run, following pagination, and usage and charges match the timeline', async () => {
    // WHEN the collector runs at 10:00 (one item per page), 10:05, then after the large server
    // and B's floating IP are deleted at 10:10, after the snapshot is deleted at 10:15, and at 11:30
    const byType = (t: ResourceType, p: 'A' | 'B') => made.filter((m) => m.type === t && m.project === p);
    await collectAt(0, 1);
    await collectAt(1, 1000);
    await fixture.delete(projects.A, 'compute', `/servers/${byType('server', 'A')[1]!.id}`, 'server');
    await fixture.delete(undefined, 'network', `/v2.0/floatingips/${byType('floatingip', 'B')[0]!.id}`);
    for (const m of [byType('server', 'A')[1]!, byType('floatingip', 'B')[0]!]) m.deletedBefore = 2;
    await collectAt(2, 1000);
    await fixture.delete(projects.A, 'volumev3', `/snapshots/${byType('snapshot', 'A')[0]!.id}`, 'snapshot');
    byType('snapshot', 'A')[0]!.deletedBefore = 3;
    await collectAt(3, 1000);
    await collectAt(4, 1000);

    // THEN each run holds exactly the resources that existed at it, with their traits
    const ours = new Set(made.map((m) => m.id));
    for (const [run, minute] of RUN_MINUTES.entries()) {
      const samples = (await store.samplesAt(source, BASE + minute * 60))._unsafeUnwrap().filter((s) => ours.has(s.resourceId));
      const expected = made.filter((m) => present(m, run)).map((m) => m.id).sort();
      expect(samples.map((s) => s.resourceId), `run ${run}`).toEqual(expected);
    }
    const first = (await store.samplesAt(source, BASE))._unsafeUnwrap();
    const server = first.find((s) => s.resourceId === byType('server', 'A')[1]!.id)!;
    expect(server.traits).toMatchObject({ flavor: expect.stringMatching(/^meter\.large-/), vcpus: 2, ram_mib: 1024, disk_gib: 1, status: 'ACTIVE' });
    expect(server.projectId).toBe(projects.A);

    // AND the hourly usage equals the hand computation: each run stands for 300 s of its hour
    const { lines, summary } = (await hourlyUsage(store, source, { from: BASE, to: BASE + 2 * 3600 }))._unsafeUnwrap();
    const expected = new Map<string, number>();
    for (const m of made)
      for (const run of RUN_MINUTES.keys()) {
        if (!present(m, run)) continue;
        const hour = BASE + Math.floor((RUN_MINUTES[run]! * 60) / 3600) * 3600;
        for (const [metric, rate] of Object.entries(m.perHour)) expected.set(`${m.id} ${hour} ${metric}`, (expected.get(`${m.id} ${hour} ${metric}`) ?? 0) + (rate * INTERVAL) / 3600);
      }
    const actual = new Map(lines.filter((l) => ours.has(l.resourceId)).map((l) => [`${l.resourceId} ${l.hourStart} ${l.metric}`, l.quantity]));
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, q] of expected) expect(actual.get(k), k).toBeCloseTo(q, 9);
    // AND the gap is reported: four runs cover 20 minutes of 10:xx, one covers 5 minutes of 11:xx
    expect(summary.hours.map((h) => [h.status, h.coveredSeconds])).toEqual([
      ['partial', 1200],
      ['partial', 300],
    ]);

    // AND the statements per workspace price that usage
    const prices = { ...PRICES, ...flavorPrices };
    const owed = { A: 0, B: 0 };
    for (const m of made) for (const [k, q] of expected) if (k.startsWith(`${m.id} `)) owed[m.project] += q * m.price[k.split(' ')[2]!]!;
    const report = (await buildReport(store, { platforms: [{ ...source, prices }], period: { from: BASE, to: BASE + 2 * 3600 }, currency: { code: 'EUR', digits: 2 } }))._unsafeUnwrap();
    const statement = (ws: string) => report.statements.find((s) => s.group === ws)!;
    expect(report.statements.map((s) => [s.group, s.tenants.map((t) => t.tenant)])).toEqual([
      ['acme', ['acme.shop']],
      ['globex', ['globex.data']],
    ]);
    // Each stated line is rounded once to the cent: a total is within half a cent per line of the exact sum.
    for (const [ws, exact] of [['acme', owed.A], ['globex', owed.B]] as const) {
      const lines = statement(ws).tenants.flatMap((t) => t.items).length;
      expect(Math.abs(Number(statement(ws).total) - exact), ws).toBeLessThanOrEqual(0.005 * lines);
    }
    expect(owed.A).toBeGreaterThan(0);
  });
});
