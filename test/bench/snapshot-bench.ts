/**
 * Snapshot benchmark, against real Keystones seeded once by `seedTenants` (Keystone's SQL
 * models: ~1 minute for 10,000 tenants) and cached in `$KEYFORM_BENCH_DIR/seeded-T-U`
 * (default: the OS temp folder; `seeded.json` says the seed finished; `seededKeystone`
 * reads back what the seed made through the API before a cached seed is used):
 * - 1,000 and 10,000 tenants with 20 users (each in ~450 or ~4,500 groups), and 10,000
 *   tenants with 20,000 users (each in ~4.5 groups): sizes as `KEYFORM_BENCH_SHAPES=1000x20,10000x20,10000x20000`.
 * - Each against a Keystone with one gunicorn worker per core (as devstack and kolla deploy it).
 * Printed per shape, measured in one run: the snapshot's API calls (constant in tenants) and
 * wall time beside its floor: Keystone's own CPU for those calls (its process group's, from
 * /proc) over its workers, or over the cores when they are fewer; goal ≤ 2× that floor. Then
 * the ways of reading memberships, estimated (what the snapshot chooses by) and timed, and a
 * no-op `keyform plan` of the seeded config (goal ≤ 15 s at 10,000 tenants). The machine's
 * load average is printed beside the figures: other work on it slows Keystone's CPU too.
 */
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCloud, openSession, type OpenStackSession } from '../../engine/openstack/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { snapshot, type PlatformSettingsForSnapshot } from '../../engine/snapshot/index.ts';
import { chooseMembershipRead, membershipCosts, type MembershipRead } from '../../engine/snapshot/read-memberships.ts';
import { main } from '../../engine/cli/main.ts';
import { CLOUD_NAMES } from '../openstack/clouds-yaml.ts';
import { groupCpuMs } from '../openstack/processes.ts';
import { seedEuid } from '../openstack/seed-tenants.ts';
import { type SeededKeystone, seededKeystone } from '../openstack/seeded-keystone.ts';
import { median, must, pool, snapshotList, SNAPSHOT_LISTS, timed } from './bench-kit.ts';

/** The seeded platform, as the seed config declares it. */
const PLATFORM: PlatformSettingsForSnapshot = {
  id: 'bench',
  cloud: CLOUD_NAMES.admin,
  region: 'RegionOne',
  userDomain: 'default',
  domain: 'kfbench',
  domainPerWorkspace: false,
  tagPrefix: 'kf_',
  quotaBackend: 'unified-limits',
};

export async function openFor(cloudsFile: string, cloudName: string): Promise<OpenStackSession> {
  const cloud = await must('load cloud', loadCloud({ cloud: cloudName, files: { clouds: cloudsFile } }));
  return must('open session', openSession(cloud));
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const load = (): string => `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;

/** Reads sampled for a per-call way, then scaled to all: every call of a way costs about the same. */
const SAMPLE = 200;

/**
 * Each way of reading memberships: the estimate the snapshot chooses by, and the time taken
 * with `width` reads in flight (per-call ways on a sample of `SAMPLE`, scaled; the effective
 * list whole, unless its estimate passes 60 s).
 */
async function membershipWays(s: OpenStackSession, workers: number, width: number, print: (line: string) => void): Promise<void> {
  const users = await must('users', ks.listUsers(s));
  const groups = await must('groups', ks.listGroups(s));
  const ours = groups.filter((g) => g.description.includes(`[keyform platform=${PLATFORM.id} `));
  const counts = { users: users.length, groups: groups.length, platformGroups: ours.length, parallel: Math.min(width, workers) };
  const estimate = membershipCosts(counts);
  const sampled = async <T>(items: readonly T[], read: (x: T) => Promise<unknown>): Promise<number> => {
    const sample = items.slice(0, SAMPLE);
    const t = await timed(() => pool(sample, width, async (x) => { await read(x); }));
    return (t.ms * items.length) / Math.max(1, sample.length);
  };
  const measured: Record<MembershipRead, string> = {
    'per-user': `~${fmt(await sampled(users, (u) => must('user groups', ks.listUserGroups(s, u.id))))} (${users.length} calls, scaled from ${Math.min(SAMPLE, users.length)})`,
    'per-group': `~${fmt(await sampled(ours, (g) => must('group users', ks.listGroupUsers(s, g.id))))} (${ours.length} calls, scaled from ${Math.min(SAMPLE, ours.length)})`,
    effective: estimate.effective > 60_000 ? 'not run (estimate above 60 s)' : `${fmt((await timed(() => must('effective', ks.listRoleAssignments(s, { effective: true })))).ms)} (1 call)`,
  };
  print(`  memberships, ${width} reads in flight (chosen: ${chooseMembershipRead(counts)}): ${(Object.keys(estimate) as MembershipRead[]).map((w) => `${w} estimated ${fmt(estimate[w])}, measured ${measured[w]}`).join('; ')}`);
}

/** The snapshot's calls with nothing around them: every list at once, then each user's groups, 8 in flight. */
async function bareCalls(s: OpenStackSession, limitsSession: OpenStackSession): Promise<void> {
  const pages = await Promise.all(SNAPSHOT_LISTS.map((path) => snapshotList(path, s, limitsSession)));
  const users = pages[SNAPSHOT_LISTS.indexOf('/users')]!.items;
  await pool(users, 8, async (u) => { await must('user groups', ks.listOnce(s, `/users/${u.id}/groups`, 'groups')); });
}

/**
 * A no-op `keyform plan` of the seeded config, in this process: its wall time, whether it
 * found nothing to change, and the CPU keyform and Keystone spent on it. On a loaded machine
 * the wall time is mostly waiting for a core; the CPU says what an idle one would take:
 * at least keyform's CPU, and at least Keystone's over its workers.
 */
async function noOpPlan(k: SeededKeystone, workers: number): Promise<string> {
  let out = '';
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_'))), OS_CLIENT_CONFIG_FILE: k.cloudsFile };
  const cpu0 = process.cpuUsage();
  const keystoneCpu0 = groupCpuMs(k.process);
  const t = await timed(() => main(['plan', '--config', k.config, '--detailed-exitcode'], { stdout: (x) => (out += x), stderr: () => undefined, isTTY: false, env, cwd: tmpdir() }));
  const cpu = process.cpuUsage(cpu0);
  const clientCpuMs = (cpu.user + cpu.system) / 1000;
  const keystoneCpuMs = groupCpuMs(k.process) - keystoneCpu0;
  const verdict = t.value === 0 && /No changes/.test(out) ? 'no changes' : `exit ${t.value}: ${out.split('\n').slice(0, 3).join(' ').slice(0, 200)}`;
  const idle = Math.max(clientCpuMs, keystoneCpuMs / Math.min(workers, availableParallelism()));
  return `${fmt(t.ms)} (${verdict}; ${load()}) — CPU: keyform ${fmt(clientCpuMs)}, Keystone ${fmt(keystoneCpuMs)}: on idle cores no less than ${fmt(idle)}`;
}

/** Snapshots timed per shape: the median is reported (one for the shapes that take minutes). */
const runsFor = (users: number): number => (users > 1000 ? 1 : 3);

async function benchShape(root: string, tenants: number, users: number, workers: number, print: (line: string) => void): Promise<void> {
  const k = await must('seeded keystone', seededKeystone({ dir: join(root, `seeded-${tenants}-${users}`), tenants, users, workers, platform: PLATFORM.id, domain: PLATFORM.domain, print }));
  try {
    // As the CLI does: identity lists through the project-scoped account, limits through system scope.
    const s = await openFor(k.cloudsFile, CLOUD_NAMES.admin);
    const limitsSession = await openFor(k.cloudsFile, CLOUD_NAMES.adminSystem);
    const euids = Array.from({ length: users }, (_, i) => seedEuid(i));
    const opts = { euids, limitsSession, keystoneWorkers: workers };
    await must('warm-up lists', ks.listRoles(s)); // a first request pays for the token; the snapshot's Keystone CPU starts below
    const runs = runsFor(users);
    const snaps = [];
    const cpu0 = process.cpuUsage();
    const keystoneCpu0 = groupCpuMs(k.process);
    for (let i = 0; i < runs; i++) snaps.push(await must('snapshot', snapshot(s, PLATFORM, opts)));
    const cpu = process.cpuUsage(cpu0);
    const clientCpuMs = (cpu.user + cpu.system) / 1000 / runs;
    const keystoneCpuMs = (groupCpuMs(k.process) - keystoneCpu0) / runs;
    const cores = availableParallelism();
    // Keystone's CPU for the snapshot's calls spread over its workers, at best over every core: the least any client can take here.
    const floor = keystoneCpuMs / Math.min(workers, cores);
    const ms = median(snaps.map((x) => x.ms));
    const snap = snaps[0]!;
    const kinds: Record<string, number> = {};
    for (const r of snap.live.resources) kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    print(`${tenants} tenants, ${users} users, Keystone with ${workers} worker${workers === 1 ? '' : 's'} on ${cores} cores (${load()}): ${Object.entries(kinds).map(([kind, v]) => `${v} ${kind}`).join(', ')}`);
    print(`  snapshot: ${snap.calls} API calls, ${runs === 1 ? '' : `median of ${runs} `}${fmt(ms)} — floor (Keystone's CPU ${fmt(keystoneCpuMs)} over ${Math.min(workers, cores)}): ${fmt(floor)} — ${(ms / floor).toFixed(2)}× (goal ≤ 2×); keyform's CPU ${fmt(clientCpuMs)}`);
    if (users <= 1000) {
      // On a loaded machine Keystone gets a share of the cores only: the same calls sent bare, now, show what that share allows.
      const bare = await timed(() => bareCalls(s, limitsSession));
      print(`  the same calls sent bare (lists at once, then each user's groups, 8 in flight): ${fmt(bare.ms)} — snapshot ${(ms / bare.ms).toFixed(2)}× that`);
    }
    await membershipWays(s, workers, 8, print);
    if (users <= 1000) print(`  no-op keyform plan of the seeded config: ${await noOpPlan(k, workers)} (goal ≤ 15 s at 10,000 tenants)`);
    s.close();
    limitsSession.close();
  } finally {
    await must('stop keystone', k.stop());
  }
}

/** Prints the figures per shape `TENANTSxUSERS` (overridable with KEYFORM_BENCH_SHAPES). */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const root = process.env.KEYFORM_BENCH_DIR ?? join(tmpdir(), 'keyform-bench');
  const shapes = (process.env.KEYFORM_BENCH_SHAPES ?? '1000x20,10000x20,10000x20000').split(',').map((x) => x.split('x').map(Number) as [number, number]).filter(([t, u]) => t > 0 && u > 0);
  // One worker per core, as deployed Keystones run (devstack's uwsgi and kolla's default), where the snapshot's concurrent calls overlap.
  const workers = Math.max(2, availableParallelism());
  print(`snapshot benchmark (real Keystone, sqlite, gunicorn with ${workers} workers)`);
  for (const [tenants, users] of shapes) await benchShape(root, tenants, users, workers, print);
}
