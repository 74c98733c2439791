import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeterReport } from '../../../../engine/metering/rating/meter-report.ts';
import type { ReportSettings } from '../../../../engine/metering/rating/report-builder.ts';
import { buildReport } from '../../../../engine/metering/report/build-report.ts';
import { renderCsv, renderHourlyCsv } from '../../../../engine/metering/report/render-csv.ts';
import { renderFocus } from '../../../../engine/metering/report/render-focus.ts';
import { renderHtml } from '../../../../engine/metering/report/render-html.ts';
import { renderJson } from '../../../../engine/metering/report/render-json.ts';
import type { MeterSource, ProjectRecord, ResourceType, Sample } from '../../../../engine/metering/sample.ts';
import type { MeteringStore } from '../../../../engine/metering/store/metering-store.ts';
import { openPostgresStore } from '../../../../engine/metering/store/postgres-store.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { testStack } from '../../../openstack/stack.ts';
import { freshDatabase } from '../store/fresh-postgres.ts';

const H = 3600;
const DAY = 24 * H;
/** The period reported: two UTC days. Runs start 2 h before it and end 2 h after it. */
const FROM = Date.UTC(2026, 4, 1) / 1000;
const TO = FROM + 2 * DAY;
const P = 'os-p';
const Q = 'os-q';
/** P/RegionOne misses every run in these three hours of day 2 (a gap the report must show, not fill). */
const GAP = { from: FROM + DAY + 5 * H, to: FROM + DAY + 8 * H };
/**
 * Three collectors: P in two regions (15-minute runs; 21-minute runs, whose windows cross
 * hour and day boundaries) and Q hourly, the last two missing some runs at random.
 */
const SOURCES: readonly (MeterSource & { interval: number; skip: number })[] = [
  { platform: P, region: 'RegionOne', interval: 900, skip: 0 },
  { platform: P, region: 'RegionTwo', interval: 1260, skip: 0.06 },
  { platform: Q, region: 'RegionOne', interval: H, skip: 0.1 },
];
/** P leaves m1.large, snapshots and load balancers without a price; Q prices servers by vCPU and RAM. */
const PRICES = {
  [P]: {
    'server.flavor.m1.small': 0.0125,
    'server.stopped.flavor.m1.small': 0.004,
    'server.flavor.m1.tiny': 0.0031,
    'volume.gigabyte_hour': 0.0001,
    'volume.type.ssd.gigabyte_hour': 0.00037,
    'floatingip.hour': 0.005,
    'router.hour': 0.013,
    'image.gigabyte_hour': 0.0000315,
  },
  [Q]: {
    'server.vcpu_hour': 0.0113,
    'server.ram_gib_hour': 0.00175,
    'server.stopped.vcpu_hour': 0.002,
    'volume.type.default.gigabyte_hour': 0.00021,
    'snapshot.gigabyte_hour': 0.00005,
    'loadbalancer.hour': 0.0297,
    'router.hour': 0.011,
  },
} as const;

/** A seeded generator (Park–Miller): the same cloud on every run and in both stores. */
function rng(seed: number): () => number {
  let a = seed;
  return () => (a = (a * 48271) % 2147483647) / 2147483647;
}

/**
 * The projects as Keystone showed them at time `t`: p-move moves from globex to acme at the
 * middle of the period, p-legacy (unmanaged) is renamed on day 2, p-q is Q's, and p-lost is
 * in no map at all (its samples carry no owner version).
 */
function projectsAt(platform: string, t: number): ProjectRecord[] {
  const half = t >= FROM + DAY + 7 * H;
  const all: ProjectRecord[] = [
    { projectId: 'p-web', name: 'acme.web', owner: { platform: P, workspace: 'acme', project: 'web' }, tags: { cost_center: 'cc-1' } },
    half
      ? { projectId: 'p-move', name: 'acme.data', owner: { platform: P, workspace: 'acme', project: 'data' }, tags: { cost_center: 'cc-2' } }
      : { projectId: 'p-move', name: 'globex.data', owner: { platform: P, workspace: 'globex', project: 'data' }, tags: { cost_center: 'cc-2' } },
    { projectId: 'p-legacy', name: t >= FROM + DAY ? 'legacy-2' : 'legacy' },
    { projectId: 'p-q', name: 'acme.batch', owner: { platform: Q, workspace: 'acme', project: 'batch' }, tags: { cost_center: 'cc-1' } },
    { projectId: 'p-ops', name: 'initech.ops', owner: { platform, workspace: 'initech', project: 'ops' } },
    { projectId: 'p-net', name: 'initech.net', owner: { platform: P, workspace: 'initech', project: 'net' } },
    { projectId: 'p-edge', name: 'initech.edge', owner: { platform: P, workspace: 'initech', project: 'edge' } },
    { projectId: 'p-twin', name: 'initech.twin', owner: { platform: P, workspace: 'initech', project: 'twin' } },
  ];
  return all;
}

interface Resource {
  readonly id: string;
  readonly type: ResourceType;
  readonly projectId: string;
  readonly from: number;
  readonly to: number;
  /** Traits at time t: some change on a day boundary (a resize, a new address). */
  readonly traits: (t: number) => Sample['traits'];
}

/** Resources of one source: a whole-period router (checked by hand) and random others of every type. */
function resourcesOf(source: MeterSource, seed: number): Resource[] {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const projects = ['p-web', 'p-move', 'p-legacy', 'p-q', 'p-ops', 'p-lost'];
  const start = FROM - 2 * H;
  const span = TO + 2 * H - start;
  const whole = (id: string, type: ResourceType, projectId: string, traits: Sample['traits']): Resource => ({ id: `${source.region}-${id}`, type, projectId, from: start, to: TO + 2 * H, traits: () => traits });
  const out: Resource[] = [
    whole('router-whole', 'router', 'p-net', { status: 'ACTIVE', external_gateway: true }),
    whole('vm-legacy', 'server', 'p-legacy', { flavor: 'm1.large', vcpus: 8, ram_mib: 12288, disk_gib: 20, status: 'ACTIVE' }),
    whole('fip-lost', 'floatingip', 'p-lost', { address: '198.51.100.9', status: 'ACTIVE', port_id: 'port-1' }),
    whole('vol-move', 'volume', 'p-move', { size_gib: 33, volume_type: 'ssd', status: 'in-use' }),
    // three equal volumes: their line's 0.35 does not split evenly, and the order they were seen in decides which get the rest
    ...['c', 'a', 'b'].map((x) => whole(`vol-twin-${x}`, 'volume', 'p-twin', { size_gib: 7, volume_type: 'ssd', status: 'in-use' })),
    // 5 h on each day (to the gap's start on day 2): its 0.05 splits into two equal halves, and the cent left goes to the earlier day
    { id: `${source.region}-fip-edge`, type: 'floatingip', projectId: 'p-edge', from: FROM + 19 * H, to: FROM + DAY + 5 * H, traits: () => ({ address: '198.51.100.10', status: 'ACTIVE', port_id: null }) },
  ];
  const types: ResourceType[] = ['server', 'server', 'server', 'volume', 'volume', 'snapshot', 'floatingip', 'router', 'loadbalancer', 'image'];
  for (let i = 0; i < 24; i++) {
    const type = types[i % types.length]!;
    const from = start + Math.floor(r() * span * 0.6);
    const to = r() < 0.4 ? TO + 2 * H : from + Math.floor(r() * span * 0.7);
    const flavor = pick(['m1.small', 'm1.large', 'm1.tiny']);
    const size = 1 + Math.floor(r() * 200);
    const volumeType = pick(['ssd', '__DEFAULT__', 'hdd']);
    const status = pick(['ACTIVE', 'ACTIVE', 'ACTIVE', 'SHUTOFF', 'ERROR']);
    const resizeAt = FROM + Math.floor(r() * 3) * DAY;
    const bytes = Math.floor(r() * 50 * 1024 ** 3);
    const traits = (t: number): Sample['traits'] => {
      switch (type) {
        case 'server': {
          const f = t >= resizeAt ? 'm1.small' : flavor;
          const vcpus = f === 'm1.tiny' ? 1 : f === 'm1.small' ? 2 : 8;
          return { flavor: f, vcpus, ram_mib: vcpus * 1536, disk_gib: 20, status, name: `vm-${i}` };
        }
        case 'volume':
          return { size_gib: t >= resizeAt ? size + 50 : size, volume_type: volumeType, status: status === 'ERROR' ? 'error' : 'in-use' };
        case 'snapshot':
          return { size_gib: size, status: 'available', volume_id: `vol-${i}` };
        case 'floatingip':
          return { address: `203.0.113.${Math.floor((t - start) / DAY) + i}`, status: 'DOWN', port_id: null };
        case 'router':
          return { status: 'ACTIVE', external_gateway: false };
        case 'loadbalancer':
          return { provisioning_status: status === 'ERROR' ? 'ERROR' : 'ACTIVE', operating_status: 'ONLINE', provider: 'amphora' };
        case 'image':
          return { size_bytes: bytes, status: 'active', visibility: 'private', disk_format: 'qcow2' };
      }
    };
    out.push({ id: `${source.region}-${type}-${i}`, type, projectId: pick(projects), from, to, traits });
  }
  return out;
}

/** Records the same runs, samples and project maps of `sources` into every store given. */
async function fill(stores: readonly MeteringStore[], sources = SOURCES): Promise<void> {
  for (const source of sources) {
    const k = SOURCES.indexOf(source);
    const resources = resourcesOf(source, 97_781 * (k + 3));
    const skip = rng(48_611 * (k + 5));
    const first = Math.floor((FROM - 2 * H) / source.interval) * source.interval;
    for (let t = first; t < TO + 2 * H; t += source.interval) {
      if (skip() < source.skip || (source.region === 'RegionOne' && source.platform === P && t >= GAP.from && t < GAP.to)) continue;
      const samples = resources.filter((x) => x.from <= t && t < x.to).map((x): Sample => ({ resourceId: x.id, resourceType: x.type, projectId: x.projectId, traits: x.traits(t) }));
      const run = { platform: source.platform, region: source.region, sampledAt: t, intervalSeconds: source.interval, startedAt: t + 1, finishedAt: t + 2, sampleCount: samples.length };
      const known = projectsAt(source.platform, t).filter((p) => p.projectId !== 'p-lost');
      for (const store of stores) (await store.recordRun(run, samples, known))._unsafeUnwrap();
    }
  }
}

const settings = (extra: Partial<ReportSettings> = {}): ReportSettings => ({
  platforms: [
    { platform: P, region: 'RegionOne', prices: PRICES[P] },
    { platform: Q, region: 'RegionOne', prices: PRICES[Q] },
  ],
  period: { from: FROM, to: TO },
  currency: { code: 'EUR', digits: 2 },
  ...extra,
});

/** Every format a report is written in, as the CLI writes it. */
function formats(r: MeterReport): Record<string, string> {
  return { json: renderJson(r), csv: renderCsv(r), html: renderHtml(r), ...(r.hourly ? { hourlyCsv: renderHourlyCsv(r), focus: renderFocus(r) } : {}) };
}

const cents = (m: string): bigint => BigInt(m.replace('.', ''));

/** A store in a fresh database on the stack's PostgreSQL and one in a fresh SQLite file. */
async function emptyStores(): Promise<{ pg: MeteringStore; sqlite: MeteringStore }> {
  const pgUrl = testStack().pgUrl;
  if (pgUrl === undefined) throw new Error('the full stack has no PostgreSQL: check test/openstack/postgres.ts');
  const url = await freshDatabase(pgUrl);
  const pg = (await openPostgresStore(url, url))._unsafeUnwrap();
  const sqlite = (await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kf-rating-')), 'm.db')))._unsafeUnwrap();
  return { pg, sqlite };
}

describe('usage and rating in PostgreSQL', () => {
  it('gives the same statements, in every format, as rating in JavaScript on PostgreSQL and on SQLite', { timeout: 600_000 }, async () => {
    // GIVEN two platforms, three regions, moved and renamed projects, a project no run mapped,
    // unpriced flavors and resources, runs that cross the period's edges and its hours, and gaps,
    // recorded alike into a fresh database on the stack's PostgreSQL and into a SQLite file
    const { pg, sqlite } = await emptyStores();
    await fill([pg, sqlite]);
    let rated = 0;
    const counted: MeteringStore = { ...pg, rateUsage: (...args) => (rated++, pg.rateUsage!(...args)) };
    // The same PostgreSQL store without SQL rating: its sample groups rated in JavaScript.
    const inNode: MeteringStore = { ...pg, rateUsage: undefined };
    expect(sqlite.rateUsage).toBeUndefined();

    // Q alone: a report of some of the store's sources (the others' samples are not its usage)
    const onlyQ = { platforms: [{ platform: Q, region: 'RegionOne', prices: PRICES[Q] }] };
    for (const extra of [{}, { groupBy: { kind: 'tag', tag: 'cost_center' } } as const, { hourly: true }, onlyQ]) {
      // WHEN the period is reported from PostgreSQL (rated in SQL unless hourly), from PostgreSQL rated in JavaScript, and from SQLite
      const before = rated;
      const [inSql, oracle, fromSqlite] = await Promise.all([buildReport(counted, settings(extra)), buildReport(inNode, settings(extra)), buildReport(sqlite, settings(extra))]);
      // THEN statements were rated in SQL, every source of the report in one pass, and every format is the same byte for byte
      expect(rated - before).toBe('hourly' in extra ? 0 : 1);
      expect(inSql._unsafeUnwrap().sources.length).toBe(extra === onlyQ ? 1 : 3);
      const mine = formats(inSql._unsafeUnwrap());
      expect(mine).toEqual(formats(oracle._unsafeUnwrap()));
      expect(mine).toEqual(formats(fromSqlite._unsafeUnwrap()));
    }

    // AND the report rated in SQL says what the data says, checked by hand
    const r = (await buildReport(counted, settings()))._unsafeUnwrap();
    const statements = r.statements.map((s) => s.group);
    expect(statements).toEqual(['acme', 'globex', 'initech']);
    // P/RegionOne's whole-period router, initech.net's only resource: 48 h less the 3-hour gap
    // = 45 h × 0.013 = 0.585, rounded once, half away from zero (not to even, not through a binary float)
    const net = r.statements[2]!.tenants.find((t) => t.tenant === 'initech.net' && t.platform === P && t.region === 'RegionOne')!;
    expect(net.items.map((i) => [i.metric, i.quantity, i.unitPrice, i.amount])).toEqual([['router.hours', 45, '0.013', '0.59']]);
    const edge = r.statements[2]!.tenants.find((t) => t.tenant === 'initech.edge' && t.platform === P && t.region === 'RegionOne')!;
    expect(edge.items.map((i) => [i.quantity, i.amount])).toEqual([[10, '0.05']]);
    const twins = r.resources.filter((x) => x.tenant === 'initech.twin' && x.platform === P && x.region === 'RegionOne');
    expect(twins.map((x) => [x.resourceId, x.amount])).toEqual([
      ['RegionOne-vol-twin-a', '0.116667'],
      ['RegionOne-vol-twin-b', '0.116666'],
      ['RegionOne-vol-twin-c', '0.116667'],
    ]);
    // the gap is reported, not filled
    expect(r.sources.find((s) => s.platform === P && s.region === 'RegionOne')!.coverage.gaps).toEqual([{ from: '2026-05-02T05:00:00Z', to: '2026-05-02T08:00:00Z', status: 'missed', coveredSeconds: 0 }]);
    // the moved project is billed to globex before the move and to acme after; the renamed unmanaged one under both names
    expect(r.statements.find((s) => s.group === 'globex')!.tenants.map((t) => t.tenant)).toContain('globex.data');
    expect(r.statements[0]!.tenants.map((t) => t.tenant)).toContain('acme.data');
    expect(r.unmanaged.map((t) => t.tenant)).toEqual(expect.arrayContaining(['legacy', 'legacy-2', 'p-lost']));
    // what nothing prices is listed with the key that would price it, never charged
    expect(r.unpriced.map((u) => `${u.platform} ${u.priceKey}`)).toEqual(expect.arrayContaining([`${P} server.flavor.m1.large`]));
    const lines = [...r.statements.flatMap((s) => s.tenants), ...r.unmanaged].flatMap((t) => t.items);
    expect(lines.filter((i) => i.priceKey === null).every((i) => i.amount === '0.00')).toBe(true);
    // every total is the sum of its lines, and the days of a statement add up to it
    for (const s of r.statements) {
      expect(s.daily.reduce((a, d) => a + cents(d.amount), 0n)).toBe(cents(s.total));
      expect(s.tenants.reduce((a, t) => a + cents(t.total), 0n)).toBe(cents(s.total));
      for (const t of s.tenants) expect(t.items.reduce((a, i) => a + cents(i.amount), 0n)).toBe(cents(t.total));
    }
    expect(cents(r.totals.grand)).toBe(lines.reduce((a, i) => a + cents(i.amount), 0n));
    await pg.close();
    await sqlite.close();
  });

  it('gives the same statements from a store of one source, over all its samples and over part of them', { timeout: 600_000 }, async () => {
    // GIVEN a store that holds one source only (P/RegionTwo: 21-minute runs crossing hours and days),
    // where PostgreSQL needs no per-sample test of the source, nor of the time when the period spans every sample
    const { pg, sqlite } = await emptyStores();
    await fill([pg, sqlite], [SOURCES[1]!]);
    const inNode: MeteringStore = { ...pg, rateUsage: undefined };
    const one = { platforms: [{ platform: P, region: 'RegionTwo', prices: PRICES[P] }] };
    for (const period of [{ from: FROM - 3 * H, to: TO + 3 * H }, { from: FROM, to: TO }]) {
      // WHEN the period is reported from PostgreSQL rated in SQL, rated in JavaScript, and from SQLite
      const [inSql, oracle, fromSqlite] = await Promise.all([pg, inNode, sqlite].map((store) => buildReport(store, settings({ ...one, period }))));
      // THEN every format is the same byte for byte, and the report is not empty
      const mine = formats(inSql!._unsafeUnwrap());
      expect(mine).toEqual(formats(oracle!._unsafeUnwrap()));
      expect(mine).toEqual(formats(fromSqlite!._unsafeUnwrap()));
      expect(inSql!._unsafeUnwrap().resources.length).toBeGreaterThan(10);
    }
    await pg.close();
    await sqlite.close();
  });
});
