/**
 * Metering at cloud scale on PostgreSQL: usage + rating + statements for 10,000 projects ×
 * 30 days in the launcher's real PostgreSQL, beside a bare SQL `GROUP BY` over the same
 * samples as the floor (no usage computation can read the samples faster than one grouped
 * scan of them).
 *
 * Shape (KEYFORM_BENCH_METER_PROJECTS, KEYFORM_BENCH_METER_INTERVAL override it): every
 * project has one server (3 flavors; one in ten resized on day 15, a second facet) and one
 * volume (2 types), sampled every hour by one collector: 20,000 resources, 14.4 M samples.
 * The samples are generated inside PostgreSQL with generate_series in the store's own
 * schema (a store opened and migrated by keyform), not through the collector, and kept in
 * database `metering_bench_N_I` for the next run.
 *
 * Then the same projects spread over three regions' collectors writing one store (a region
 * per project, runs 20 minutes apart: windows that cross days), database `metering_bench_N_I_r3`:
 * one report of all three sources, beside the same floor over its samples
 * (KEYFORM_BENCH_METER_REGIONS lists the region counts measured, default `1,3`).
 *
 * The goal's floor is the bare `GROUP BY (resource, day)`: a statement needs each line's
 * amount per day and per resource, so per resource and day is the finest result it needs
 * (the `(resource, hour)` grouping, what `--hourly` and FOCUS need, is printed beside it).
 * Figures are wall time, the best of two runs (one for the reference rows), with the CPU
 * time of this process and of the PostgreSQL server's processes during the run, and the
 * machine's load average.
 */
import pg from 'pg';
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { MeterReport } from '../../engine/metering/rating/meter-report.ts';
import { buildReport } from '../../engine/metering/report/build-report.ts';
import { openPostgresStore } from '../../engine/metering/store/postgres-store.ts';
import { acquireStack, releaseStack } from '../openstack/launcher.ts';
import { must } from './bench-kit.ts';
import { childrenCpuMs } from '../openstack/processes.ts';

const PROJECTS = Number(process.env['KEYFORM_BENCH_METER_PROJECTS'] ?? 10_000);
const INTERVAL = Number(process.env['KEYFORM_BENCH_METER_INTERVAL'] ?? 3600);
const DAYS = 30;
const DAY0 = Date.UTC(2026, 0, 1) / 1000;
const END = DAY0 + DAYS * 86400;
const RESIZED_FROM = DAY0 + 15 * 86400;
const SOURCE = { platform: 'bench', region: 'RegionOne' };
const REGION_NAMES = ['RegionOne', 'RegionTwo', 'RegionThree'];
/** How far apart the regions' collectors run. */
const REGION_OFFSET = 1200;
const REGION_COUNTS = (process.env['KEYFORM_BENCH_METER_REGIONS'] ?? '1,3').split(',').map(Number);
const PRICES = { 'server.flavor.m1.small': 0.02, 'server.flavor.m1.medium': 0.04, 'server.flavor.m1.large': 0.08, 'volume.gigabyte_hour': 0.0001, 'volume.type.ssd.gigabyte_hour': 0.0003 };
const WORKSPACES = 100;

/** Fills the store's tables with the shape above, in SQL: project p's resources in region p mod `regions`. */
async function generate(c: pg.Client, name: string, regions: number): Promise<void> {
  const names = `ARRAY[${REGION_NAMES.slice(0, regions).map((r) => `'${r}'`).join(', ')}]`;
  // Region k runs REGION_OFFSET × k seconds early, one run more: every hour of the period stays covered.
  const runs = DAYS * (86400 / INTERVAL);
  const at = (offset: string) => `${DAY0} - ${offset} + n * ${INTERVAL}`;
  // Server traits by flavor (k = 0..2) as canonical (sorted-key) JSON text.
  const server = (k: string) =>
    `'{"disk_gib":20,"flavor":"m1.' || (ARRAY['small','medium','large'])[(${k}) + 1] || '","ram_mib":' || (2048 * 2 ^ (${k}))::int || ',"status":"ACTIVE","vcpus":' || (2 ^ (${k}))::int || '}'`;
  const volume = `'{"size_gib":' || (10 + p % 90) || ',"status":"in-use","volume_type":"' || CASE WHEN p % 3 = 0 THEN 'ssd' ELSE 'hdd' END || '"}'`;
  const owner = `json_build_object('name', 'ws' || p % ${WORKSPACES} || '.p' || p, 'owner', json_build_object('platform', 'bench', 'workspace', 'ws' || p % ${WORKSPACES}, 'project', 'p' || p), 'tags', json_build_object('cost_center', 'cc-' || p % 7))::text`;
  const steps = [
    `INSERT INTO owners (platform, project_id, record) SELECT 'bench', 'project-' || p, ${owner} FROM generate_series(0, ${PROJECTS - 1}) p`,
    `INSERT INTO resources (platform, region, resource_id, resource_type)
       SELECT 'bench', (${names})[p % ${regions} + 1], t || '-' || p, t FROM generate_series(0, ${PROJECTS - 1}) p, unnest(ARRAY['server', 'volume']) t`,
    `INSERT INTO facets (project_id, traits)
       SELECT 'project-' || p, ${server('p % 3')} FROM generate_series(0, ${PROJECTS - 1}) p
       UNION SELECT 'project-' || p, ${server('(p + 1) % 3')} FROM generate_series(0, ${PROJECTS - 1}) p WHERE p % 10 = 0
       UNION SELECT 'project-' || p, ${volume} FROM generate_series(0, ${PROJECTS - 1}) p`,
    // Per resource: its facet before and after day 15, and its owner version.
    `CREATE TEMP TABLE plan AS
       SELECT r.ref AS resource_ref, f1.ref AS before_ref, COALESCE(f2.ref, f1.ref) AS after_ref, o.ref AS owner_ref, (p % ${regions}) * ${REGION_OFFSET} AS off
       FROM generate_series(0, ${PROJECTS - 1}) p
       JOIN resources r ON r.platform = 'bench' AND r.resource_id IN ('server-' || p, 'volume-' || p)
       JOIN facets f1 ON f1.project_id = 'project-' || p AND f1.traits = CASE WHEN r.resource_type = 'server' THEN ${server('p % 3')} ELSE ${volume} END
       LEFT JOIN facets f2 ON r.resource_type = 'server' AND p % 10 = 0 AND f2.project_id = 'project-' || p AND f2.traits = ${server('(p + 1) % 3')}
       JOIN owners o ON o.platform = 'bench' AND o.project_id = 'project-' || p`,
    `INSERT INTO runs (platform, region, sampled_at, interval_seconds, started_at, finished_at, sample_count)
       SELECT 'bench', (${names})[k + 1], t, ${INTERVAL}, t, t + 2, (SELECT COUNT(*) FROM resources r WHERE r.region = (${names})[k + 1])
       FROM generate_series(0, ${regions - 1}) k, generate_series(${DAY0} - k * ${REGION_OFFSET}, ${END - 1}, ${INTERVAL}) t`,
    // The key is built after the bulk insert (one sort instead of millions of index inserts),
    // and the generated rows, consistent by construction, skip the per-row foreign-key checks.
    'ALTER TABLE samples DROP CONSTRAINT samples_pkey',
    'SET session_replication_role = replica',
    // In sample-time order, as collectors write them: a run's samples lie together.
    `INSERT INTO samples (sampled_at, resource_ref, facet_ref, owner_ref)
       SELECT ${at('off')}, resource_ref, CASE WHEN ${at('off')} >= ${RESIZED_FROM} THEN after_ref ELSE before_ref END, owner_ref
       FROM generate_series(0, ${runs}) n CROSS JOIN plan WHERE ${at('off')} < ${END}`,
    'SET session_replication_role = DEFAULT',
    'ALTER TABLE samples ADD PRIMARY KEY (sampled_at, resource_ref)',
    'VACUUM ANALYZE',
    // Marks the database whole: a run stopped halfway leaves it unmarked, and it is made again.
    `COMMENT ON DATABASE ${name} IS 'complete'`,
  ];
  for (const sql of steps) await c.query(sql);
}

/** The bench database, generated unless a complete one is there from an earlier run. */
async function benchDatabase(serverUrl: string, regions: number, print: (line: string) => void): Promise<string> {
  const name = `metering_bench_${PROJECTS}_${INTERVAL}${regions === 1 ? '' : `_r${regions}`}`;
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length > 0;
  const samples = (PROJECTS * 2 * DAYS * 86400) / INTERVAL;
  if (exists) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const done = (await c.query<{ d: string | null }>('SELECT shobj_description(oid, $2) AS d FROM pg_database WHERE datname = $1', [name, 'pg_database'])).rows[0]?.d === 'complete';
    await c.end();
    if (done) {
      await admin.end();
      return url;
    }
    await admin.query(`DROP DATABASE ${name}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  // keyform makes the schema: the samples go into the tables a collector writes.
  await (await must('open the bench store', openPostgresStore(url, url))).close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = performance.now();
  await generate(c, name, regions);
  const size = Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0]!.b);
  await c.end();
  print(`generated ${(samples / 1e6).toFixed(1)} M samples in SQL in ${((performance.now() - t0) / 1000).toFixed(0)} s; database ${(size / 1024 ** 2).toFixed(0)} MiB (${(size / samples).toFixed(0)} bytes/sample with indexes)`);
  return url;
}

/**
 * CPU time (ms) the PostgreSQL server listening on `port` has used: its postmaster's and its
 * backends', live and ended. The postmaster is the one process started with the port on its
 * command line; backends rename themselves.
 */
function serverCpuMs(port: number): number {
  const master = readdirSync('/proc').find((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return /^\d+$/.test(pid) && cmd.includes('/postgres\0') && cmd.includes(`\0port=${port}\0`);
    } catch {
      return false; // a process that ended while being read
    }
  });
  if (master === undefined) throw new Error(`no PostgreSQL server process found listening on port ${port}`);
  return childrenCpuMs(Number(master));
}

interface Timed<T> {
  readonly ms: number;
  readonly value: T;
  readonly cpuMs: number;
  readonly serverCpuMs: number;
}

/** The best wall time of `n` runs of `work`, with its last value and the CPU time of this process and of the server. */
async function best<T>(n: number, port: number, work: () => Promise<T>): Promise<Timed<T>> {
  let out: Timed<T> | undefined;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const server0 = serverCpuMs(port);
    const value = await work();
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    if (!out || ms < out.ms) out = { ms, value, cpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: serverCpuMs(port) - server0 };
  }
  return out!;
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** The report's figures and what it says, for the next shape to compare with. */
interface Measured {
  readonly report: Timed<MeterReport>;
  readonly floor: Timed<number>;
}

/** Measures one shape (the projects' resources in `regions` regions) beside its floor, and prints it. */
async function measure(stackPgUrl: string, regions: number, print: (line: string) => void, first: Measured | undefined): Promise<Measured> {
  const url = await benchDatabase(stackPgUrl, regions, print);
  const port = Number(new URL(url).port);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  // The same grouping memory as the store's group queries (postgres-rating.ts).
  await c.query("SET work_mem = '256MB'");
  // The floors: every sample read once and grouped in the server, per resource and day (the
  // finest result a statement needs: the goal's floor) and per resource and hour (what
  // hourly rows need, for reference).
  const grouped = (bucket: number) => async () =>
    Number((await c.query(`SELECT COUNT(*) AS n FROM (SELECT resource_ref, sampled_at / ${bucket} AS b, COUNT(*) FROM samples GROUP BY 1, 2) g`)).rows[0]!.n);
  const byDay = await best(2, port, grouped(86400));
  const byHour = first === undefined ? await best(1, port, grouped(3600)) : undefined;
  await c.end();
  const store = await must('open the bench store', openPostgresStore(url, url));
  const settings = { platforms: [{ ...SOURCE, prices: PRICES }], period: { from: DAY0, to: END }, currency: { code: 'EUR', digits: 2 } };
  const report = await best(2, port, async () => must('report', buildReport(store, settings)));
  // The same report with the store's sample groups rated in JavaScript (as SQLite stores are), for reference, once.
  const inNode = first === undefined ? await best(1, port, async () => must('report', buildReport({ ...store, rateUsage: undefined }, settings))) : undefined;
  await store.close();
  const after = load();
  const r = report.value;
  if (r.coverage.missed !== 0 || r.statements.length !== Math.min(WORKSPACES, PROJECTS) || r.sources.length !== regions) throw new Error('the benchmark report is not what the data says');
  if (inNode !== undefined && JSON.stringify(r) !== JSON.stringify(inNode.value)) throw new Error('the report rated in SQL differs from the one rated in JavaScript');
  // The same resources sampled as long in other regions (resized a little apart): as many resource rows and server hours.
  const serverHours = (x: MeterReport) => x.resources.reduce((a, row) => a + (row.metric === 'server.hours' ? row.quantity : 0), 0).toFixed(3);
  if (first !== undefined && (r.resources.length !== first.report.value.resources.length || serverHours(r) !== serverHours(first.report.value))) {
    throw new Error(`${regions} regions: ${r.resources.length} resource rows and ${serverHours(r)} server hours, one region ${first.report.value.resources.length} and ${serverHours(first.report.value)}`);
  }
  const row = (name: string, t: Timed<unknown>, rows: number, ratio: string) =>
    `| ${name} | ${t.ms.toFixed(0)} | ${t.cpuMs.toFixed(0)} | ${t.serverCpuMs.toFixed(0)} | ${rows} | ${ratio} |`;
  const ratio = (t: Timed<unknown>) => `${(t.ms / byDay.ms).toFixed(2)}×`;
  print(`load average ${after} after the runs`);
  print('| case | wall (ms) | keyform CPU (ms) | PostgreSQL CPU (ms) | rows | × GROUP BY (resource, day) (wall) |');
  print('|---|---:|---:|---:|---:|---:|');
  print(row('bare SQL GROUP BY (resource, day): the floor', byDay, byDay.value, '1.00×'));
  if (byHour) print(row('bare SQL GROUP BY (resource, hour), one run', byHour, byHour.value, ratio(byHour)));
  const what = regions === 1 ? 'one collector' : `${regions} regions' collectors, one report`;
  print(row(`usage + rating + statements, rated in SQL (${r.statements.length} statements, ${what})`, report, r.resources.length, ratio(report)));
  if (inNode) print(row('the same, groups rated in JavaScript, one run', inNode, r.resources.length, ratio(inNode)));
  const x = report.ms / byDay.ms;
  // On a loaded machine either ratio alone can flatter (a floor run that waited for the CPU
  // longer, or one that paid more CPU for contended caches): the goal is met only when both are.
  const cpuX = (report.cpuMs + report.serverCpuMs) / (byDay.cpuMs + byDay.serverCpuMs);
  print(
    `${regions === 1 ? 'goal' : `${regions} sources in one store`}: usage + rating + statements within 3× of a bare SQL GROUP BY (resource, day): ${x.toFixed(2)}× in wall time, ` +
      `${cpuX.toFixed(2)}× in CPU time (keyform + PostgreSQL) — ${x <= 3 && cpuX <= 3 ? 'met' : 'NOT met'} (load average ${after}, ${cpus().length} cores)`,
  );
  return { report, floor: byDay };
}

/** Prints usage + rating on PostgreSQL beside the bare GROUP BY floor, for each shape measured. */
export async function runPostgres(print: (line: string) => void): Promise<void> {
  const { stack } = await must('full stack', acquireStack('full'));
  try {
    if (stack.pgUrl === undefined) throw new Error('the full stack has no PostgreSQL: check test/openstack/postgres.ts');
    const samples = (PROJECTS * 2 * DAYS * 86400) / INTERVAL;
    print(`load average ${load()} (${cpus().length} cores)`);
    print(`metering on PostgreSQL 15 (the launcher's): ${PROJECTS} projects × ${DAYS} days, a server and a volume each, samples every ${INTERVAL / 60} min (${(samples / 1e6).toFixed(1)} M samples)`);
    let first: Measured | undefined;
    for (const regions of REGION_COUNTS) {
      if (regions !== 1) print(`the same projects in ${regions} regions (project p in region p mod ${regions}), their collectors ${REGION_OFFSET / 60} min apart, one store`);
      const m = await measure(stack.pgUrl, regions, print, first);
      first ??= m;
    }
  } finally {
    await releaseStack('full');
  }
}
