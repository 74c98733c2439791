/**
 * No-op `keyform plan` benchmark, as a user runs it: the build (`node engine/cli/keyform.mjs
 * plan --config DIR --detailed-exitcode --parallelism W`, a whole process) against a real
 * Keystone with W gunicorn workers (one per core, at least 2, as devstack and kolla deploy
 * it), freshly filled by `seedTenants` with 10,000 tenants and 20 or 20,000 users (shapes as
 * `KEYFORM_BENCH_NOOP_SHAPES=10000x20,10000x20000`). Printed per shape: wall time, keyform's
 * CPU (getrusage of the process), Keystone's CPU (its process group's, from /proc), the worker
 * count, the load average, and the goal (≤ 15 s) met or NOT met beside what idle cores would
 * take: no less than keyform's CPU, nor than Keystone's CPU over its workers (or the cores, when
 * fewer), the floor; no more than the two one after the other (nothing overlapped), the
 * ceiling. On a loaded machine the wall time is mostly waiting for a core.
 *
 * The Keystone is seeded while it runs, then used; nothing is cached between runs (seeding
 * 10,000 tenants takes ~30 s).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startExtraKeystoneService, keystoneUrl } from '../openstack/keystone-service.ts';
import { writeCloudsYaml } from '../openstack/clouds-yaml.ts';
import { groupCpuMs, stopProcessGroups } from '../openstack/processes.ts';
import { seedTenants } from '../openstack/seed-tenants.ts';
import { must } from './bench-kit.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** The goal for a no-op plan at 10,000 tenants on this machine. */
const GOAL_MS = 15_000;

const fmt = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const load = (): string => `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;

/** One whole `keyform plan` process: exit code, the end of stdout, wall and CPU time. */
async function planProcess(config: string, cloudsFile: string, parallelism: number, dir: string): Promise<{ code: number | null; tail: string; wallMs: number; cpuMs: number; peakRssMb: number }> {
  const report = join(dir, 'rusage.json');
  rmSync(report, { force: true });
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_'))), OS_CLIENT_CONFIG_FILE: cloudsFile, KEYFORM_BENCH_RUSAGE: report, KEYFORM_FROM_SOURCE: '' };
  const args = ['--import', join(ROOT, 'test/bench/rusage-at-exit.mjs'), join(ROOT, 'engine/cli/keyform.mjs'), 'plan', '--config', config, '--detailed-exitcode', '--parallelism', String(parallelism)];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const wallMs = performance.now() - t0;
  const usage = JSON.parse(readFileSync(report, 'utf8')) as { cpuMs: number; peakRssMb: number };
  return { code, tail: out.trim().split('\n').slice(-2).join(' ').slice(0, 300), wallMs, ...usage };
}

async function benchShape(root: string, tenants: number, users: number, workers: number, print: (line: string) => void): Promise<void> {
  // A folder of this run's own: runs at the same time (other worktrees' benches share the root) never share a database.
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `noop-plan-${tenants}-${users}-`));
  const { process: proc, port } = await must('start keystone', startExtraKeystoneService({ dir, workers }));
  try {
    const cloudsYaml = await must('clouds.yaml', writeCloudsYaml(dir, keystoneUrl(port)));
    const seeded = await must('seed', seedTenants({ stack: { dir, cloudsYaml }, tenants, users, platform: 'bench', domain: 'kfbench', configDir: join(dir, 'config') }));
    print(`${tenants} tenants, ${users} users: seeded in ${fmt(seeded.seconds * 1000)} (${load()})`);
    const cores = availableParallelism();
    const keystone0 = groupCpuMs(proc);
    const loadBefore = load();
    const p = await planProcess(seeded.config, cloudsYaml, workers, dir);
    const keystoneMs = groupCpuMs(proc) - keystone0;
    const keystoneWallMs = keystoneMs / Math.min(workers, cores);
    const floor = Math.max(p.cpuMs, keystoneWallMs);
    const ceiling = p.cpuMs + keystoneWallMs;
    const noChanges = p.code === 0 && /No changes/.test(p.tail);
    const idle = ceiling <= GOAL_MS ? 'on idle cores it would be met even with nothing overlapped' : floor <= GOAL_MS ? 'on idle cores only with keyform and Keystone overlapped' : 'the floor is above it';
    const verdict = !noChanges ? `NOT met (exit ${p.code}: ${p.tail})` : p.wallMs <= GOAL_MS ? 'met' : `NOT met here (${idle})`;
    print(`  no-op keyform plan --parallelism ${workers}: ${fmt(p.wallMs)} wall (${loadBefore} before, ${load()} after), exit ${p.code}${noChanges ? ', no changes' : ''}`);
    print(`  CPU: keyform ${fmt(p.cpuMs)} (peak RSS ${Math.round(p.peakRssMb)} MB), Keystone ${fmt(keystoneMs)} over ${workers} workers on ${cores} cores — on idle cores no less than ${fmt(floor)}, no more than ${fmt(ceiling)}; goal ≤ ${fmt(GOAL_MS)}: ${verdict}`);
  } finally {
    await stopProcessGroups([proc]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the CLI, then seeds and plans each shape `TENANTSxUSERS` (overridable with KEYFORM_BENCH_NOOP_SHAPES). */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'engine/cli/build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`);
  const root = process.env.KEYFORM_BENCH_DIR ?? join(tmpdir(), 'keyform-bench');
  const shapes = (process.env.KEYFORM_BENCH_NOOP_SHAPES ?? '10000x20,10000x20000').split(',').map((x) => x.split('x').map(Number) as [number, number]).filter(([t, u]) => t > 0 && u > 0);
  const workers = Math.max(2, availableParallelism());
  print(`no-op keyform plan, a whole process of the build, against a real Keystone (sqlite, gunicorn with ${workers} workers), seeded fresh per shape`);
  for (const [tenants, users] of shapes) await benchShape(root, tenants, users, workers, print);
}
