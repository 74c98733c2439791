/**
 * Metering benchmark: usage + rating + statements for 1,000 resources × 30 days of 5-minute
 * samples (8.64 million samples) on SQLite — time, peak memory and store size — beside a
 * bare SQL `GROUP BY` (resource, hour) over the same samples as the floor: no usage
 * computation can read the samples faster than one grouped scan.
 *
 * The store is filled through the collector's own write path (`recordRun`, one transaction
 * per run), and that ingest is timed too. Each measured case runs in its own process so its
 * peak RSS is its own; the baseline row is a process that only loads keyform.
 *
 * Shape: 100 projects in 20 workspaces; 400 servers of 3 flavors, 250 volumes of 2 types,
 * 100 snapshots, 100 floating IPs, 50 routers, 50 load balancers, 50 images. One server in
 * ten is resized on day 15 (a second facet); one resource in twenty exists only from day 10.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { buildReport } from '../../engine/metering/report/build-report.ts';
import type { ProjectRecord, ResourceType, Sample } from '../../engine/metering/sample.ts';
import { openSqliteStore } from '../../engine/metering/store/sqlite-store.ts';
import { runPostgres } from './metering-postgres-bench.ts';

const RESOURCES = 1_000;
const DAYS = 30;
const INTERVAL = 300;
const DAY0 = Date.UTC(2026, 0, 1) / 1000;
const MIX: readonly [ResourceType, number][] = [['server', 400], ['volume', 250], ['snapshot', 100], ['floatingip', 100], ['router', 50], ['loadbalancer', 50], ['image', 50]];
const PRICES = { 'server.flavor.m1.small': 0.02, 'server.flavor.m1.medium': 0.04, 'server.flavor.m1.large': 0.08, 'volume.gigabyte_hour': 0.0001, 'volume.type.ssd.gigabyte_hour': 0.0003, 'snapshot.gigabyte_hour': 0.00005, 'floatingip.hour': 0.005, 'router.hour': 0.01, 'loadbalancer.hour': 0.03, 'image.gigabyte_hour': 0.0001 };
const CASES = ['baseline', 'group-by', 'report'] as const;
type Case = (typeof CASES)[number];

interface Measure {
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly rows: number;
}

const FLAVORS = [['m1.small', 1, 2048], ['m1.medium', 2, 4096], ['m1.large', 4, 8192]] as const;

function traits(type: ResourceType, i: number, resized: boolean): Sample['traits'] {
  switch (type) {
    case 'server': {
      const [flavor, vcpus, ram] = FLAVORS[(i + (resized ? 1 : 0)) % 3]!;
      return { flavor, vcpus, ram_mib: ram, disk_gib: 20, status: 'ACTIVE' };
    }
    case 'volume':
      return { size_gib: 10 + (i % 90), volume_type: i % 3 === 0 ? 'ssd' : 'hdd', status: 'in-use' };
    case 'snapshot':
      return { size_gib: 10 + (i % 40), status: 'available', volume_id: `vol-${i}` };
    case 'floatingip':
      return { address: `203.0.113.${i % 250}`, status: 'ACTIVE', port_id: null };
    case 'router':
      return { status: 'ACTIVE', external_gateway: true };
    case 'loadbalancer':
      return { provisioning_status: 'ACTIVE', operating_status: 'ONLINE', provider: 'amphora' };
    case 'image':
      return { size_bytes: (1 + (i % 8)) * 1024 ** 3, status: 'active', visibility: 'private', disk_format: 'qcow2' };
  }
}

/** Fills a store at `file` with the benchmark's samples through `recordRun`; resolves to ms. */
async function fill(file: string): Promise<number> {
  const store = (await openSqliteStore(file))._unsafeUnwrap();
  const projects: ProjectRecord[] = Array.from({ length: 100 }, (_, p) => ({ projectId: `project-${p}`, name: `ws${p % 20}.p${p}`, owner: { platform: 'bench', workspace: `ws${p % 20}`, project: `p${p}` } }));
  const all = MIX.flatMap(([type, n]) => Array.from({ length: n }, (_, i) => ({ type, i, id: `${type}-${String(i).padStart(4, '0')}` })));
  const started = performance.now();
  for (let t = DAY0; t < DAY0 + DAYS * 86400; t += INTERVAL) {
    const day = (t - DAY0) / 86400;
    const samples: Sample[] = [];
    all.forEach((r, k) => {
      if (k % 20 === 0 && day < 10) return;
      samples.push({ resourceId: r.id, resourceType: r.type, projectId: `project-${k % 100}`, traits: traits(r.type, r.i, r.type === 'server' && r.i % 10 === 0 && day >= 15) });
    });
    const run = { platform: 'bench', region: 'RegionOne', sampledAt: t, intervalSeconds: INTERVAL, startedAt: t, finishedAt: t + 2, sampleCount: samples.length };
    (await store.recordRun(run, samples, projects))._unsafeUnwrap();
  }
  const ms = performance.now() - started;
  await store.close();
  return ms;
}

async function runCase(which: Case, file: string): Promise<Measure> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let rows = 0;
  if (which === 'group-by') {
    const db = new Database(file, { readonly: true });
    for (const _ of db.prepare('SELECT resource_ref, sampled_at / 3600 AS hour, COUNT(*) AS n FROM samples GROUP BY 1, 2').iterate()) rows++;
    db.close();
  } else if (which === 'report') {
    const store = (await openSqliteStore(file))._unsafeUnwrap();
    const report = (await buildReport(store, { platforms: [{ platform: 'bench', region: 'RegionOne', prices: PRICES }], period: { from: DAY0, to: DAY0 + DAYS * 86400 }, currency: { code: 'EUR', digits: 2 } }))._unsafeUnwrap();
    rows = report.resources.length;
    if (report.coverage.missed !== 0 || report.statements.length !== 20) throw new Error('the benchmark report is not what the data says');
    await store.close();
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, rows };
}

const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);

/** The stores to bench (KEYFORM_BENCH_METER_STORES=postgres for the PostgreSQL figure alone). */
const STORES = (process.env['KEYFORM_BENCH_METER_STORES'] ?? 'sqlite,postgres').split(',');

/** The SQLite figures, then the PostgreSQL ones (metering-postgres-bench.ts). */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  if (STORES.includes('sqlite')) await runSqlite(print);
  if (STORES.includes('postgres')) await runPostgres(print);
}

/** Fills the SQLite store, runs every case in a child process, and prints a table. */
async function runSqlite(print: (line: string) => void): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'keyform-metering-bench-')), 'metering.db');
  const self = fileURLToPath(import.meta.url);
  const runner = resolve(self, '../../../engine/cli/run-ts.mjs');
  const samples = RESOURCES * DAYS * (86400 / INTERVAL);
  print(`metering: ${RESOURCES} resources × ${DAYS} days of ${INTERVAL / 60}-minute samples (≈${(samples / 1e6).toFixed(2)} M samples) on SQLite`);
  const ingestMs = await fill(file);
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const stored = (db.prepare('SELECT COUNT(*) AS n FROM samples').get() as { n: number }).n;
  db.close();
  print(`ingest through recordRun: ${(ingestMs / 1000).toFixed(1)} s for ${stored} samples (${Math.round(stored / (ingestMs / 1000))} samples/s); store ${(size(file) / 1024 ** 2).toFixed(0)} MiB (${(size(file) / stored).toFixed(1)} bytes/sample)`);
  print('| case | wall (ms) | CPU (ms) | peak RSS (MB) | rows | × GROUP BY (CPU) |');
  print('|---|---:|---:|---:|---:|---:|');
  let floor = 0;
  for (const which of CASES) {
    const child = spawnSync(process.execPath, [runner, self, '--case', which, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status !== 0) throw new Error(`${which}: ${child.stderr}`);
    const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measure;
    if (which === 'group-by') floor = m.cpuMs;
    const ratio = which === 'report' ? `${(m.cpuMs / floor).toFixed(1)}×` : '';
    print(`| ${which === 'report' ? 'usage + rating + statements' : which === 'group-by' ? 'bare SQL GROUP BY (resource, hour)' : 'baseline (load keyform)'} | ${m.ms.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${m.rows} | ${ratio} |`);
  }
}

const entry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (entry && process.argv[2] === '--case') {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[3] as Case, process.argv[4] ?? ''))}\n`);
} else if (entry) await run();
