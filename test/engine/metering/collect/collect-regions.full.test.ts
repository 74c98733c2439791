import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../../engine/cli/main.ts';
import { osc, oscAction } from '../../../openstack/osc.ts';
import { testStack } from '../../../openstack/stack.ts';
import { CloudFixture } from '../cloud-fixture.ts';
import { freshDatabase } from '../store/fresh-postgres.ts';
import { startCollector, waitForLine, type CollectorProcess } from './collector-process.ts';

const EVERY = 8;
const SERVICES = ['identity', 'compute', 'network', 'volumev3', 'image'] as const;

/** A named collector process. */
interface Collector extends CollectorProcess {
  readonly name: string;
}

/** A slot a collector may have missed: from a kill's sample time up to its restart's first run. */
interface Outage {
  readonly source: string;
  readonly from: number;
  readonly to: number;
}

const slotOf = (ms: number): number => Math.floor(ms / 1000 / EVERY) * EVERY;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sample time a `metering: …` line names (recorded, already recorded, failed), if any. */
function lineSlot(line: string): number | undefined {
  const m = /the run at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)/.exec(line);
  return m ? Date.parse(m[1]!) / 1000 : undefined;
}

/**
 * Two regions of one platform (RegionTwo: the stack's own services registered again in the
 * catalog under that region) and a second platform of the same cloud, each with its own
 * collector, all writing one PostgreSQL store at once.
 */
describe('collectors of several regions and platforms writing one PostgreSQL store', () => {
  const stack = testStack();
  const fixture = new CloudFixture(stack.authUrl);
  const P = `os-mr-${fixture.tag}`;
  const Q = `os-mq-${fixture.tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'kf-meter-regions-'));
  // Outside the config folder: every YAML file in it is config.
  const cloudsYaml = join(mkdtempSync(join(tmpdir(), 'kf-meter-clouds-')), 'clouds.yaml');
  const madeEndpoints: string[] = [];
  let madeRegion = false;
  let storeUrl = '';
  const routers: string[] = [];
  const collectors = new Map<string, Collector>();
  const outages: Outage[] = [];
  const everyLine: string[] = [];
  let window = { from: 0, to: 0 };

  beforeAll(async () => {
    // RegionTwo in the catalog: the same service URLs under a second region.
    const regions = (await osc(['region', 'list']))._unsafeUnwrap() as { Region: string }[];
    if (!regions.some((r) => r.Region === 'RegionTwo')) {
      (await oscAction(['region', 'create', 'RegionTwo']))._unsafeUnwrap();
      madeRegion = true;
    }
    const endpoints = (await osc(['endpoint', 'list', '--interface', 'public']))._unsafeUnwrap() as { ID: string; Region: string; 'Service Type': string; URL: string }[];
    for (const type of SERVICES) {
      const one = endpoints.find((e) => e['Service Type'] === type && e.Region === 'RegionOne');
      if (!one) throw new Error(`the full stack has no ${type} endpoint in RegionOne`);
      if (endpoints.some((e) => e['Service Type'] === type && e.Region === 'RegionTwo')) continue;
      const made = (await osc(['endpoint', 'create', '--region', 'RegionTwo', type, 'public', one.URL]))._unsafeUnwrap() as { id: string };
      madeEndpoints.push(made.id);
    }
    writeFileSync(cloudsYaml, readFileSync(stack.cloudsYaml, 'utf8').replaceAll('    region_name: RegionOne\n', '    regions: [RegionOne, RegionTwo]\n'));
    storeUrl = await freshDatabase(stack.pgUrl!);
    // Two tenants of platform P with two routers each; platform Q manages nothing.
    for (const [ws, proj] of [['acme', 'web'], ['globex', 'data']] as const) {
      const project = await fixture.project(P, ws, proj);
      for (let i = 0; i < 2; i++) routers.push(await fixture.router(project));
    }
    const block = (id: string) =>
      `platform "${id}" {\n  cloud          = "admin"\n  metering_cloud = "admin"\n  region         = "RegionOne"\n}\n\n` +
      `metering "${id}" {\n  interval = "5m"\n  currency = "EUR"\n  store    = "${storeUrl}"\n  prices   = { "router.hour" = 36 }\n}\n`;
    writeFileSync(join(dir, 'platform.hcl'), block(P) + '\n' + block(Q));
  }, 600_000);

  afterAll(async () => {
    for (const c of collectors.values()) c.child.kill('SIGKILL');
    await fixture.cleanup();
    for (const id of madeEndpoints) await oscAction(['endpoint', 'delete', id]);
    if (madeRegion) await oscAction(['region', 'delete', 'RegionTwo']);
  }, 600_000);

  const start = (name: string, platform: string, region?: string): Collector => {
    const args = ['--every', `${EVERY}s`, '--page-size', '1', '--verbose', '--config', dir, '--platform', platform, ...(region ? ['--region', region] : [])];
    const c = { name, ...startCollector(dir, cloudsYaml, args, (l) => everyLine.push(`${name}: ${l}`)) };
    collectors.set(name, c);
    return c;
  };

  /** Kills `name` with SIGKILL in the middle of a run (after a run's first page), restarts it, and notes the outage. */
  const killMidRun = async (name: string, platform: string, region?: string): Promise<boolean> => {
    const c = collectors.get(name)!;
    const done = await waitForLine(c, /^metering: (recorded|the run at)/, c.lines.length);
    const page = await waitForLine(c, /routers.* → 200/, done + 1);
    const killedAt = Date.now();
    c.child.kill('SIGKILL');
    await c.exited;
    const midRun = !c.lines.slice(page).some((l) => l.startsWith('metering: '));
    const next = start(name, platform, region);
    const first = await waitForLine(next, /^metering: (recorded|the run at)/, 0);
    outages.push({ source: name, from: slotOf(killedAt), to: lineSlot(next.lines[first]!)! });
    return midRun;
  };

  /** Crashes PostgreSQL's backends (SIGKILL to one: the postmaster ends them all and recovers), then waits until it answers. */
  const crashPostgres = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: storeUrl });
    c.on('error', () => undefined);
    await c.connect();
    const pid = Number((await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    process.kill(pid, 'SIGKILL');
    await c.end().catch(() => undefined);
    for (let i = 0; i < 600; i++) {
      const probe = new pg.Client({ connectionString: storeUrl });
      probe.on('error', () => undefined);
      const up = await probe.connect().then(() => probe.query('SELECT 1')).then(() => true, () => false);
      await probe.end().catch(() => undefined);
      if (up) return;
      await sleep(100);
    }
    throw new Error('PostgreSQL did not come back after its backends were killed');
  };

  it('records every interval of every region exactly once across SIGKILLs of collectors and a PostgreSQL crash', async () => {
    // GIVEN three collectors at once: P in RegionOne and RegionTwo, Q in RegionOne
    const startedAt = Date.now();
    start('P/RegionOne', P);
    start('P/RegionTwo', P, 'RegionTwo');
    start('Q/RegionOne', Q);
    // WHEN P/RegionOne is killed mid-run twice and P/RegionTwo once, each restarted at once,
    let midRun = 0;
    for (const [name, region] of [['P/RegionOne', undefined], ['P/RegionTwo', 'RegionTwo'], ['P/RegionOne', undefined]] as const) {
      if (await killMidRun(name, P, region)) midRun++;
    }
    // AND PostgreSQL crashes and recovers while they run, and they go on for two more intervals
    const p2 = collectors.get('P/RegionTwo')!;
    await waitForLine(p2, /routers.* → 200/, p2.lines.length);
    await crashPostgres();
    const crashedAt = Date.now();
    for (const c of collectors.values()) await waitForLine(c, /^metering: recorded/, c.lines.length);
    await sleep(2 * EVERY * 1000);
    for (const c of collectors.values()) c.child.kill('SIGTERM');
    const codes = await Promise.all([...collectors.values()].map((c) => c.exited));
    window = { from: startedAt, to: Date.now() };

    // THEN the kills hit runs in progress and SIGTERM ended each collector with 0
    expect(midRun, everyLine.slice(-30).join('\n')).toBeGreaterThanOrEqual(2);
    expect(codes).toEqual([0, 0, 0]);
    expect(crashedAt).toBeGreaterThan(startedAt);
    // (a run that failed and found no time to retry within its interval was reported as a gap)
    const reportedGaps = everyLine.filter((l) => l.includes('its interval is a gap')).map((l) => ({ source: l.slice(0, l.indexOf(': ')), at: lineSlot(l)! }));

    const db = new pg.Client({ connectionString: storeUrl });
    await db.connect();
    try {
      // AND every stored run has exactly the samples it counted (none half-written, none doubled)
      const runs = (
        await db.query<{ platform: string; region: string; sampled_at: string; sample_count: number; stored: string; ours: string }>(
          `SELECT r.platform, r.region, r.sampled_at, r.sample_count,
             (SELECT COUNT(*) FROM samples s JOIN resources x ON x.ref = s.resource_ref WHERE s.sampled_at = r.sampled_at AND x.platform = r.platform AND x.region = r.region) AS stored,
             (SELECT COUNT(*) FROM samples s JOIN resources x ON x.ref = s.resource_ref WHERE s.sampled_at = r.sampled_at AND x.platform = r.platform AND x.region = r.region AND x.resource_id = ANY($1)) AS ours
           FROM runs r ORDER BY 1, 2, 3`,
          [routers],
        )
      ).rows;
      for (const r of runs) {
        expect(Number(r.stored), `${r.platform}/${r.region} at ${r.sampled_at}`).toBe(r.sample_count);
        // each run of each region holds each of the four routers exactly once
        expect(Number(r.ours), `${r.platform}/${r.region} at ${r.sampled_at}`).toBe(4);
      }
      const doubled = await db.query(
        `SELECT x.platform, x.region, x.resource_id, s.sampled_at, COUNT(*) FROM samples s JOIN resources x ON x.ref = s.resource_ref GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1`,
      );
      expect(doubled.rows).toEqual([]);
      // AND between each source's first and last run, no interval is missing but those its collector was dead for
      const bySource = new Map<string, number[]>();
      for (const r of runs) {
        const key = `${r.platform === P ? 'P' : 'Q'}/${r.region}`;
        bySource.set(key, [...(bySource.get(key) ?? []), Number(r.sampled_at)]);
      }
      expect([...bySource.keys()].sort()).toEqual(['P/RegionOne', 'P/RegionTwo', 'Q/RegionOne']);
      for (const [source, times] of bySource) {
        const missing: number[] = [];
        for (let t = times[0]!; t <= times.at(-1)!; t += EVERY) if (!times.includes(t)) missing.push(t);
        const unexplained = missing.filter((t) => !outages.some((o) => o.source === source && o.from <= t && t < o.to) && !reportedGaps.some((g) => g.source === source && g.at === t));
        expect(unexplained, `${source} missed ${unexplained.join(', ')}; outages ${JSON.stringify(outages)}`).toEqual([]);
        expect(times.length).toBeGreaterThanOrEqual(4);
      }
    } finally {
      await db.end();
    }
  }, 900_000);

  it('reports every platform and region of the shared store in one statement, lines keeping platform and region, totals the sum of the lines', async () => {
    // GIVEN the collection above WHEN one report across platforms is asked for, as CSV and JSON
    const hour = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString().slice(0, 13) + ':00Z';
    const period = ['--from', hour(window.from), '--to', hour(window.to + 3_600_000)];
    const run = async (format: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false, env: { ...process.env, OS_CLIENT_CONFIG_FILE: cloudsYaml }, cwd: dir };
      const code = await main(['meter', 'report', '--config', dir, '--all-platforms', ...period, '--format', format], io);
      expect(code, err.join('')).toBe(0);
      return out.join('');
    };
    const csv = (await run('csv')).trim().split('\n').map((l) => l.split(','));
    const head = csv[0]!;
    const col = (row: string[], name: string) => row[head.indexOf(name)]!;
    const lines = csv.slice(1).filter((r) => r[0] === 'line');
    // THEN P's two tenants have router lines in both regions, Q's view of the same projects is unmanaged
    const ours = lines.filter((r) => col(r, 'metric') === 'router.hours' && col(r, 'group') !== '');
    expect(ours.map((r) => [col(r, 'platform') === P ? 'P' : 'Q', col(r, 'region'), col(r, 'tenant')]).sort()).toEqual([
      ['P', 'RegionOne', 'acme.web'],
      ['P', 'RegionOne', 'globex.data'],
      ['P', 'RegionTwo', 'acme.web'],
      ['P', 'RegionTwo', 'globex.data'],
    ]);
    const unmanaged = lines.filter((r) => col(r, 'platform') === Q && col(r, 'group') === '');
    expect(unmanaged.length).toBeGreaterThan(0);
    // AND every amount is positive where routers ran, and the grand total is the sum of every line
    for (const r of ours) expect(Number(col(r, 'amount')), r.join(',')).toBeGreaterThan(0);
    const cents = (m: string) => BigInt(m.replace('.', ''));
    const grand = csv.find((r) => r[0] === 'grand_total')!;
    expect(cents(col(grand, 'amount'))).toBe(lines.reduce((a, r) => a + cents(col(r, 'amount')), 0n));
    // AND the JSON names the three sources with their own coverage
    const json = JSON.parse(await run('json')) as { sources: { platform: string; region: string; coverage: { hours: number } }[]; platform: string };
    // (sorted by platform: os-mq-… before os-mr-…)
    expect(json.sources.map((s) => `${s.platform === P ? 'P' : 'Q'}/${s.region}`)).toEqual(['Q/RegionOne', 'P/RegionOne', 'P/RegionTwo']);
    expect(json.platform).toBe(`${Q}, ${P}`);
  }, 300_000);
});
