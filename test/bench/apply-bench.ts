/**
 * Apply benchmark, against real Keystones of its own (gunicorn):
 *
 * 1. N tenants from empty (`KEYFORM_BENCH_APPLY_TENANTS`, default 500; the issue's goal is
 *    10,000: one domain, N projects, 3N groups, 3N role assignments = 7N + 1 writes) against a
 *    Keystone with one worker per core (`KEYFORM_BENCH_APPLY_WORKERS`) on a PostgreSQL of its
 *    own (`KEYFORM_BENCH_APPLY_DB=postgres`, the default, or `sqlite`). keyform's whole apply of a
 *    saved plan (lock, fresh snapshot, re-derive, writes, progress lines) beside a bare loop
 *    sending the same writes (same bodies, same concurrency, same account and scope) with plain
 *    `fetch` and nothing around them: the limit of this Keystone. Goal: ≥ 90 % of the bare
 *    loop's writes/s at 10,000 tenants. Each parallelism (`KEYFORM_BENCH_APPLY_WIDTHS`, default
 *    8) runs keyform, then the bare loop, then keyform again, each into a domain of its own; the
 *    mean of keyform's two runs is compared, so that neither side gains from a smaller
 *    database. Keystone's and PostgreSQL's CPU (from /proc) are printed beside.
 *    What bounds the rate here: Keystone's CPU, ~25 ms a write and ~5 ms of PostgreSQL's,
 *    with the in-process cache on. The workers' caches are each their own, which is safe for
 *    this workload only: every write creates, and no request reads what another changed.
 * 2. The no-op re-plan at 1,000 tenants (snapshot + diff, nothing to change), beside the raw
 *    list calls that snapshot needs, sent in parallel the same way. Its Keystone is seeded
 *    once by `seededKeystone` and kept in `$KEYFORM_BENCH_DIR/apply-noop-1000`.
 */
import { okAsync } from 'neverthrow';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredState, Resource } from '../../constructs/model/index.ts';
import { createPlan } from '../../plans/index.ts';
import { applyPlan, applyProgress, runChanges } from '../../engine/apply/index.ts';
import { closeTargets } from '../../engine/plan/index.ts';
import { openSession, loadCloud } from '../../engine/openstack/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { snapshot, type PlatformSettingsForSnapshot } from '../../engine/snapshot/index.ts';
import { keystoneUrl } from '../openstack/keystone-service.ts';
import { CLOUD_NAMES } from '../openstack/clouds-yaml.ts';
import { childrenCpuMs, groupCpuMs } from '../openstack/processes.ts';
import { startKeystone, stopStack, type RunningStack } from '../openstack/launcher.ts';
import { seedEuid } from '../openstack/seed-tenants.ts';
import { seededKeystone } from '../openstack/seeded-keystone.ts';
import { planNow, runId, targetsFor, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';
import { desiredState, liveState, tenant } from '../plans/fixtures.ts';
import { bareApplyLoop } from './bare-apply-loop.ts';
import { median, must, pool, snapshotList, SNAPSHOT_LISTS } from './bench-kit.ts';

const TENANTS = Number(process.env['KEYFORM_BENCH_APPLY_TENANTS'] ?? 500);
/** Parallelisms compared with the bare loop (default: the CLI's default, 8). */
const WIDTHS = (process.env['KEYFORM_BENCH_APPLY_WIDTHS'] ?? '8').split(',').map(Number).filter((w) => Number.isInteger(w) && w > 0);
/** Keystone's gunicorn workers: one per core unless told. */
const WORKERS = Number(process.env['KEYFORM_BENCH_APPLY_WORKERS'] ?? availableParallelism());
/** Keystone's database: PostgreSQL (its own) unless told `sqlite`. */
const ON_POSTGRES = (process.env['KEYFORM_BENCH_APPLY_DB'] ?? 'postgres') !== 'sqlite';
/** The goal size. */
const GOAL_TENANTS = 10_000;
const NOOP_TENANTS = 1000;

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/** One side's run: its writes, wall time, and the CPU Keystone, its database and this process spent meanwhile. */
interface Run {
  readonly writes: number;
  readonly ms: number;
  readonly keystoneCpuMs: number;
  readonly databaseCpuMs: number;
  readonly ownCpuMs: number;
}

const rate = (r: Run): number => r.writes / (r.ms / 1000);

/** Keystone's and its database's CPU so far (ms); sqlite's is Keystone's own. */
function stackCpuMs(stack: RunningStack): { keystone: number; database: number } {
  return { keystone: groupCpuMs(stack.processes[0]!), database: stack.postgres === undefined ? 0 : childrenCpuMs(stack.postgres.pid) };
}

/** Times `work` with Keystone's, its database's and this process's CPU. */
async function measured(stack: RunningStack, work: () => Promise<number>): Promise<Run> {
  const cpu0 = stackCpuMs(stack);
  const own0 = process.cpuUsage();
  const t0 = performance.now();
  const writes = await work();
  const ms = performance.now() - t0;
  const own = process.cpuUsage(own0);
  const cpu = stackCpuMs(stack);
  return { writes, ms, keystoneCpuMs: cpu.keystone - cpu0.keystone, databaseCpuMs: cpu.database - cpu0.database, ownCpuMs: (own.user + own.system) / 1000 };
}

function describeRun(r: Run): string {
  const db = ON_POSTGRES ? `, PostgreSQL ${fmt(r.databaseCpuMs)} (${(r.databaseCpuMs / r.writes).toFixed(1)} ms/write)` : '';
  return `${r.writes} writes in ${fmt(r.ms)} = ${rate(r).toFixed(1)} writes/s; CPU Keystone ${fmt(r.keystoneCpuMs)} (${(r.keystoneCpuMs / r.writes).toFixed(1)} ms/write)${db}, client process ${fmt(r.ownCpuMs)}`;
}

/**
 * keyform's apply of a saved plan of `TENANTS` tenants from empty, as `keyform apply PLAN`
 * runs it (progress lines included, written nowhere): returns the writes the plan holds.
 */
async function keyformApply(stack: RunningStack, width: number): Promise<{ run: Run; lines: number; planMs: number; inApply: string }> {
  const { output, targets } = await targetsFor(writeConfig({ run: runId(), tenants: TENANTS, users: {} }), writeClouds(stack));
  const p0 = performance.now();
  const { plan } = await planNow(output, targets);
  const planMs = performance.now() - p0;
  const writes = plan.platforms.reduce((n, p) => n + p.changes.reduce((m, c) => m + c.operations.length, 0), 0);
  let lines = 0;
  const progress = applyProgress({ stderr: (t) => void (lines += t.split('\n').length - 1), isTTY: false, env: {} });
  let inApply = '';
  const run = await measured(stack, async () => {
    const t0 = performance.now();
    const report = await must('apply', applyPlan(plan, targets, { parallelism: width, progress }));
    const p = report.platforms[0]!;
    if (p.counts.done !== p.counts.total) throw new Error(`apply: ${p.counts.failed} failed, ${p.counts.skipped} skipped`);
    inApply = `${p.requests} requests in ${p.seconds.toFixed(1)} s of writing, ${fmt(performance.now() - t0 - 1000 * p.seconds)} for the lock, fresh snapshot and re-derive`;
    return writes;
  });
  closeTargets(targets);
  return { run, lines, planMs, inApply };
}

async function applyFromEmpty(print: (line: string) => void): Promise<void> {
  // The cache stays on with several workers: this workload only creates (see the header).
  const stack = await must('keystone', startKeystone({ workers: WORKERS, postgres: ON_POSTGRES, cache: true }));
  const usable = Math.min(WORKERS, availableParallelism());
  try {
    print(`${TENANTS} tenants from empty (1 domain, ${TENANTS} projects, ${3 * TENANTS} groups, ${3 * TENANTS} role assignments: ${7 * TENANTS + 1} writes), ` +
      `Keystone with ${WORKERS} worker${WORKERS === 1 ? '' : 's'} on ${availableParallelism()} cores, ${ON_POSTGRES ? 'PostgreSQL' : 'sqlite'} (KEYFORM_BENCH_APPLY_TENANTS / _WORKERS / _WIDTHS / _DB to change)`);
    for (const width of WIDTHS) {
      print(`  parallelism ${width}, load average before: ${load()}`);
      const first = await keyformApply(stack, width);
      print(`    keyform   ${describeRun(first.run)} (${first.inApply}; ${first.lines} progress lines; plan made beforehand in ${fmt(first.planMs)})`);
      const { output, targets } = await targetsFor(writeConfig({ run: runId(), tenants: TENANTS, users: {} }), writeClouds(stack));
      closeTargets(targets);
      const bare = await measured(stack, () => bareApplyLoop(stack.authUrl, output.platforms[0]!, width));
      print(`    bare loop ${describeRun(bare)}`);
      const second = await keyformApply(stack, width);
      print(`    keyform   ${describeRun(second.run)} (${second.inApply}; ${second.lines} progress lines)`);
      const mean = (rate(first.run) + rate(second.run)) / 2;
      const ratio = mean / rate(bare);
      const busy = (bare.keystoneCpuMs + bare.databaseCpuMs) / (bare.ms * availableParallelism());
      const atGoal = TENANTS >= GOAL_TENANTS;
      print(`    keyform mean ${mean.toFixed(1)} writes/s = ${(100 * ratio).toFixed(0)} % of the bare loop's ${rate(bare).toFixed(1)} (floor 90 %: ${ratio >= 0.9 ? 'met' : 'NOT met'} at ${TENANTS} tenants; ` +
        `goal at ${GOAL_TENANTS.toLocaleString('en')} tenants: ${atGoal ? (ratio >= 0.9 ? 'met' : 'NOT met') : 'NOT measured, smaller size'}); ` +
        `Keystone (${usable} usable worker${usable === 1 ? '' : 's'})${ON_POSTGRES ? ' + PostgreSQL' : ''} used ${(100 * busy).toFixed(0)} % of the ${availableParallelism()} cores during the bare loop; load average after: ${load()}`);
      if (!atGoal) {
        const at10k = (7 * GOAL_TENANTS + 1) / mean;
        // Keystone's and PostgreSQL's CPU is what bounds the rate: all the cores for them alone is the ceiling.
        const cpuPerWrite = (bare.keystoneCpuMs + bare.databaseCpuMs) / bare.writes;
        const ceiling = (1000 * availableParallelism()) / cpuPerWrite;
        print(`    extrapolated, not measured: ${GOAL_TENANTS.toLocaleString('en')} tenants (${(7 * GOAL_TENANTS + 1).toLocaleString('en')} writes) at this rate ≈ ${(at10k / 60).toFixed(0)} min; ` +
          `on ${availableParallelism()} idle cores (${cpuPerWrite.toFixed(1)} ms of Keystone${ON_POSTGRES ? ' + PostgreSQL' : ''} CPU a write) ≈ ${ceiling.toFixed(0)} writes/s, ${((7 * GOAL_TENANTS + 1) / ceiling / 60).toFixed(0)} min`);
      }
    }
  } finally {
    await stopStack(stack);
  }
}

/** Tenants of the in-process measure of keyform's own work: the goal size. */
const OWN_COST_TENANTS = 10_000;

/**
 * keyform's own work around the writes at 10,000 tenants, with no Keystone: the re-derive
 * every apply does before writing (a plan of the desired state against an empty cloud), then
 * the scheduler and the CI progress lines over its 70,000 changes, each write answered at
 * once. This is what keyform adds per write whatever Keystone's speed; the Keystone runs that follow
 * say what a write costs there.
 */
async function ownCostAtScale(print: (line: string) => void): Promise<void> {
  const resources = Array.from({ length: OWN_COST_TENANTS }, (_, i) => tenant({
    workspace: `ws${Math.floor(i / 100)}`, project: `p${i % 100}`, roles: { admin: 'member', user: 'member', reader: 'reader' }, tags: { environment: 'test' },
  })).flat();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plan = createPlan({ toolVersion: 'bench', createdAt: new Date().toISOString(), platforms: [{ desired: desiredState(resources), live: liveState([]), endpoint: 'https://k/v3', region: 'RegionOne' }] });
  const diffMs = performance.now() - t0;
  const changes = plan.platforms[0]!.changes;
  let lines = 0;
  const progress = applyProgress({ stderr: () => void lines++, isTTY: false, env: {} });
  progress.begin('bench', changes.length, 8);
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  const outcomes = await runChanges(changes, () => okAsync(undefined), { parallelism: 8, events: progress });
  const runMs = performance.now() - t1;
  const runCpu = process.cpuUsage(cpu1);
  const all = process.cpuUsage(cpu0);
  const done = outcomes.filter((o) => o.status === 'done').length;
  print(`keyform's own work at ${OWN_COST_TENANTS.toLocaleString('en')} tenants, in process, every write answered at once: re-derive (plan from empty) ${fmt(diffMs)}, ` +
    `scheduling + progress of ${done}/${changes.length} changes ${fmt(runMs)} (CPU ${fmt((runCpu.user + runCpu.system) / 1000)}, ${((1000 * (runCpu.user + runCpu.system) / 1000) / changes.length).toFixed(0)} µs a change; ${lines} progress lines); ` +
    `CPU in all ${fmt((all.user + all.system) / 1000)}; load average ${load()}`);
}

/** The no-op re-plan's seed: 1,000 tenants of platform `bench` in domain `kfbench`, 20 users. */
const NOOP_SEED = { platform: 'bench', domain: 'kfbench', users: 20 } as const;

const PLATFORM: PlatformSettingsForSnapshot = {
  id: NOOP_SEED.platform, cloud: CLOUD_NAMES.admin, region: 'RegionOne', userDomain: 'default', domain: NOOP_SEED.domain, domainPerWorkspace: false, tagPrefix: 'kf_', quotaBackend: 'unified-limits',
};

/** The live state as a desired state: what a config matching the cloud exactly would synthesize. */
function asDesired(resources: readonly Resource[]): DesiredState {
  return { platform: NOOP_SEED.platform, tagPrefix: 'kf_', resources: resources.map(({ ids: _i, managed: _m, ...r }) => r as Resource) };
}

async function noopReplan(print: (line: string) => void): Promise<void> {
  const root = process.env['KEYFORM_BENCH_DIR'] ?? join(tmpdir(), 'keyform-bench');
  const k = await must('seeded keystone', seededKeystone({ dir: join(root, `apply-noop-${NOOP_TENANTS}`), tenants: NOOP_TENANTS, users: NOOP_SEED.users, workers: 1, platform: NOOP_SEED.platform, domain: NOOP_SEED.domain, print }));
  const { port, cloudsFile: cloudsYaml } = k;
  try {
    const open = async (name: string) => must('session', openSession(await must('cloud', (loadCloud({ cloud: name, files: { clouds: cloudsYaml }, env: {} })))));
    const s = await open(CLOUD_NAMES.admin);
    const sys = await open(CLOUD_NAMES.adminSystem);
    const euids = Array.from({ length: NOOP_SEED.users }, (_, k) => seedEuid(k));
    const warm = await must('snapshot', snapshot(s, PLATFORM, { euids, limitsSession: sys }));
    const desired = asDesired(warm.live.resources);
    // Median of 5 each, the re-plans and the raw calls taking turns: single runs on a shared VM vary by ±15 %.
    const replans: { ms: number; snapshotMs: number; calls: number; changes: number; resources: number }[] = [];
    const raws: number[] = [];
    let userReads = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const snap = await must('snapshot', snapshot(s, PLATFORM, { euids, limitsSession: sys }));
      const plan = createPlan({ toolVersion: 'bench', createdAt: new Date().toISOString(), platforms: [{ desired, live: snap.live, endpoint: keystoneUrl(port), region: 'RegionOne' }] });
      replans.push({ ms: performance.now() - t0, snapshotMs: snap.ms, calls: snap.calls, changes: plan.summary.add + plan.summary.change + plan.summary.destroy, resources: snap.live.resources.length });
      const t1 = performance.now();
      const users = await must('users', ks.listOnce<{ id: string }>(s, '/users', 'users'));
      await Promise.all(SNAPSHOT_LISTS.filter((p) => p !== '/users').map((p) => snapshotList(p, s, sys)));
      await pool(users.items, 8, async (u) => void (await must('user groups', ks.listOnce(s, `/users/${u.id}/groups`, 'groups'))));
      raws.push(performance.now() - t1);
      userReads = users.items.length;
    }
    const mid = replans.find((r) => r.ms === median(replans.map((x) => x.ms)))!;
    const raw = median(raws);
    print(`no-op re-plan at ${NOOP_TENANTS} tenants (${mid.resources} resources): ${mid.changes} changes, ${mid.calls} API calls, median of 5 ${fmt(mid.ms)} (snapshot ${fmt(mid.snapshotMs)}, diff ${fmt(mid.ms - mid.snapshotMs)}) — ` +
      `the raw calls it needs (9 lists, then ${userReads} user-group reads, 8 at a time), median of 5: ${fmt(raw)} — ratio ${(mid.ms / raw).toFixed(2)}×`);
    s.close();
    sys.close();
  } finally {
    await must('stop keystone', k.stop());
  }
}

/** Prints both figures. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  print('apply benchmark (real Keystones of their own)');
  await ownCostAtScale(print);
  await applyFromEmpty(print);
  await noopReplan(print);
}
