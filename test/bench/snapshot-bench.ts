/**
 * Snapshot benchmark: API calls and wall time of `snapshot()` for 100 and 1,000 seeded
 * tenants, beside the time of the single largest raw list call of the same run (the floor:
 * no snapshot can be faster than reading its biggest list once). Goal: calls constant in N,
 * wall time within 3× the floor. Each size runs against a Keystone with one gunicorn worker
 * (the test stack's) and with one worker per core (as Keystone is deployed): one worker
 * serves the snapshot's calls one after the other, so there the sum of the raw calls, also
 * printed, is the least any client can take. Keystone's own CPU per snapshot (its process
 * group's, from /proc) over its workers, or over the cores when they are fewer, bounds the
 * snapshot on any machine the same way. It also times the ways of reading group memberships,
 * the figures the snapshot's membership strategy was chosen by.
 *
 * Seeding 1,000 tenants takes ~12 minutes at Keystone's ~25 writes/s, so each size is seeded
 * once into `$KEYFORM_BENCH_DIR/snapshot-N` (default: the OS temp folder) and reused: a
 * `seeded.json` next to the sqlite file says the seed finished.
 */
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectMarkerTags, withDescriptionMarker } from '../../constructs/model/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../engine/openstack/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { snapshot, type PlatformSettingsForSnapshot } from '../../engine/snapshot/index.ts';
import { chooseMembershipRead, type MembershipRead } from '../../engine/snapshot/read-memberships.ts';
import { startKeystoneService, keystoneUrl } from '../openstack/keystone-service.ts';
import { writeCloudsYaml, CLOUD_NAMES } from '../openstack/clouds-yaml.ts';
import { freeExtraKeystonePort } from '../openstack/stack-layout.ts';
import { groupCpuMs, stopProcessGroups, type TrackedProcess } from '../openstack/processes.ts';
import { median, must, pool, snapshotList, SNAPSHOT_LISTS, timed } from './bench-kit.ts';

/** Seed shape: per tenant one project, 3 groups with the `member` role on it, 3 members each, 1 limit. */
export const SEED = { platform: 'bench', domain: 'kfbench', users: 20, roles: ['admin', 'user', 'reader'], membersPerGroup: 3, version: 1 } as const;

const PLATFORM: PlatformSettingsForSnapshot = {
  id: SEED.platform,
  cloud: CLOUD_NAMES.adminSystem,
  region: 'RegionOne',
  userDomain: 'Default',
  domain: SEED.domain,
  domainPerWorkspace: false,
  tagPrefix: 'kf_',
  quotaBackend: 'unified-limits',
};

const euid = (k: number): string => `user${String(k).padStart(3, '0')}@bench.example`;
const workspaceOf = (i: number): string => `ws${Math.floor(i / 10)}`;

/** How many users a seed makes, and which of them is member `j` of role `r`'s group of tenant `i`. */
interface SeedShape {
  readonly users: number;
  readonly member: (i: number, r: number, j: number) => number;
}

/** The snapshot sizes' shape: 20 users, each in many groups (~450 at 1,000 tenants). */
const FEW_USERS: SeedShape = { users: SEED.users, member: (i, r, j) => (i + r * 7 + j * 3) % SEED.users };

interface SeedContext {
  readonly domainId: string;
  readonly memberRoleId: string;
  readonly userIds: readonly string[];
  readonly computeServiceId: string;
}

async function seedCommon(s: OpenStackSession, shape: SeedShape): Promise<SeedContext> {
  const domain = await must('create domain', ks.createDomain(s, { name: SEED.domain, description: 'keyform bench', enabled: true }));
  const roles = await must('list roles', ks.listRoles(s, { name: 'member' }));
  const userIds: string[] = [];
  for (let k = 0; k < shape.users; k++) {
    const u = await must('create user', s.request<{ user: { id: string } }>({ method: 'POST', service: 'identity', path: '/users', body: { user: { name: euid(k), domain_id: 'default' } } }));
    userIds.push(u.body.user.id);
  }
  const svc = await must('create service', s.request<{ service: { id: string } }>({ method: 'POST', service: 'identity', path: '/services', body: { service: { type: 'compute', name: 'nova' } } }));
  const computeServiceId = svc.body.service.id;
  await must('registered limit', ks.createRegisteredLimits(s, [{ service_id: computeServiceId, region_id: 'RegionOne', resource_name: 'class:VCPU', default_limit: 20 }]));
  return { domainId: domain.id, memberRoleId: roles[0]!.id, userIds, computeServiceId };
}

async function seedTenant(s: OpenStackSession, c: SeedContext, i: number, shape: SeedShape): Promise<void> {
  const ws = workspaceOf(i);
  const tenant = `${ws}.p${i}`;
  const tags = [...projectMarkerTags(SEED.platform, ws, `p${i}`), `kf_cost_center=cc${i % 7}`];
  const project = await must('create project', ks.createProject(s, { name: tenant, domain_id: c.domainId, description: '', enabled: true, tags }));
  for (const [r, role] of SEED.roles.entries()) {
    const description = withDescriptionMarker('', { platform: SEED.platform, tenant, role });
    const group = await must('create group', ks.createGroup(s, { name: `${tenant}-${role}`, domain_id: c.domainId, description }));
    await must('grant', ks.grantRole(s, { actor: { group: group.id }, target: { project: project.id }, roleId: c.memberRoleId }));
    for (let j = 0; j < SEED.membersPerGroup; j++) {
      await must('add member', ks.addGroupUser(s, group.id, c.userIds[shape.member(i, r, j)]!));
    }
  }
  const description = withDescriptionMarker('', { platform: SEED.platform, tenant });
  await must('create limit', ks.createLimits(s, [{ service_id: c.computeServiceId, region_id: 'RegionOne', project_id: project.id, resource_name: 'class:VCPU', resource_limit: 40, description }]));
  // Every 20th tenant has an unmanaged look-alike next to it, as a hand-made project would be.
  if (i % 20 === 0) await must('create look-alike', ks.createProject(s, { name: `${tenant}-manual`, domain_id: c.domainId, description: 'made by hand', enabled: true, tags: [] }));
}

/** Seeds `n` tenants into a fresh Keystone; prints progress every 100 tenants. */
export async function seed(s: OpenStackSession, n: number, progress: (line: string) => void, shape: SeedShape = FEW_USERS): Promise<void> {
  const c = await seedCommon(s, shape);
  const started = Date.now();
  let done = 0;
  await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
    await seedTenant(s, c, i, shape);
    if (++done % 100 === 0) progress(`  seeded ${done}/${n} tenants (${Math.round((Date.now() - started) / 1000)} s)`);
  });
}

interface BenchKeystone {
  readonly process: TrackedProcess;
  readonly cloudsFile: string;
}

/**
 * Starts the Keystone of `dir` with `workers` gunicorn workers, seeding it first (with one
 * worker: sqlite takes one writer at a time) when `seeded.json` does not name `n` tenants.
 */
export async function keystoneWithTenants(dir: string, n: number, workers: number, progress: (line: string) => void, shape: SeedShape = FEW_USERS): Promise<BenchKeystone> {
  const marker = join(dir, 'seeded.json');
  const want = JSON.stringify({ tenants: n, version: SEED.version, ...(shape === FEW_USERS ? {} : { users: shape.users }) });
  const reuse = existsSync(marker) && readFileSync(marker, 'utf8') === want;
  if (!reuse) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await must('free port', freeExtraKeystonePort());
  const proc = await must('start keystone', startKeystoneService({ dir, port, workers: reuse ? workers : 1 }));
  const cloudsFile = await must('clouds.yaml', writeCloudsYaml(dir, keystoneUrl(port)));
  if (reuse) return { process: proc, cloudsFile };
  progress(`seeding ${n} tenants into ${dir} (once; reused on later runs)`);
  // Project scope: Keystone validates a system-scoped token at ~2× the cost, and seeding is 17,000 writes.
  const s = await openFor(cloudsFile, CLOUD_NAMES.admin);
  await seed(s, n, progress, shape);
  s.close();
  writeFileSync(marker, want);
  if (workers === 1) return { process: proc, cloudsFile };
  await stopProcessGroups([proc]);
  return keystoneWithTenants(dir, n, workers, progress, shape);
}

export async function openFor(cloudsFile: string, cloudName: string): Promise<OpenStackSession> {
  const cloud = await must('load cloud', loadCloud({ cloud: cloudName, files: { clouds: cloudsFile } }));
  return must('open session', openSession(cloud));
}

interface RawCalls {
  readonly lists: readonly { path: string; ms: number; items: number }[];
  /** Every `GET /v3/users/{id}/groups`, one after the other. */
  readonly memberships: { readonly calls: number; readonly ms: number };
}

/**
 * Times every raw call the snapshot makes, one at a time, through the same sessions: each
 * list, then each user's groups; `runs` rounds, the median of each kept. The largest list is
 * the floor; the sum of all is what a Keystone with one worker has to serve whoever asks,
 * the least a snapshot can take there.
 */
async function rawCalls(s: OpenStackSession, limitsSession: OpenStackSession, runs: number): Promise<RawCalls> {
  const rounds: { lists: { path: string; ms: number; items: number }[]; memberships: { calls: number; ms: number } }[] = [];
  for (let r = 0; r < runs; r++) {
    const lists: { path: string; ms: number; items: number }[] = [];
    let users: readonly { id?: string }[] = [];
    for (const path of SNAPSHOT_LISTS) {
      const t = await timed(() => snapshotList(path, s, limitsSession));
      if (path === '/users') users = t.value.items;
      lists.push({ path, ms: t.ms, items: t.value.items.length });
    }
    const t = await timed(async () => {
      for (const u of users) await must('user groups', ks.listOnce(s, `/users/${u.id}/groups`, 'groups'));
    });
    rounds.push({ lists, memberships: { calls: users.length, ms: t.ms } });
  }
  return {
    lists: SNAPSHOT_LISTS.map((path, i) => ({ path, items: rounds[0]!.lists[i]!.items, ms: median(rounds.map((x) => x.lists[i]!.ms)) })),
    memberships: { calls: rounds[0]!.memberships.calls, ms: median(rounds.map((x) => x.memberships.ms)) },
  };
}

/** The three ways of reading memberships, timed: the record the snapshot's strategy was chosen by. */
async function membershipStrategies(s: OpenStackSession, print: (line: string) => void): Promise<void> {
  const effective = await timed(() => must('effective', ks.listRoleAssignments(s, { effective: true })));
  print(`    effective role assignments:        1 call, ${effective.value.length} entries, ${fmt(effective.ms)}`);
  const users = await must('users', ks.listUsers(s));
  const perUser = await timed(() => Promise.all(users.map((u) => must('user groups', ks.listUserGroups(s, u.id)))));
  print(`    GET /users/{id}/groups, all users: ${users.length + 1} calls, ${fmt(perUser.ms)}`);
  // Per group grows with tenants (3 groups each): timed on a sample of 100 groups and scaled up.
  const groups = (await must('groups', ks.listGroups(s))).filter((g) => g.description.includes('[keyform'));
  const sample = groups.slice(0, 100);
  const perGroup = await timed(() => Promise.all(sample.map((g) => must('group users', ks.listGroupUsers(s, g.id)))));
  const scaled = (perGroup.ms * groups.length) / Math.max(1, sample.length);
  print(`    GET /groups/{id}/users, per group: ${groups.length + 1} calls, ~${fmt(scaled)} (scaled from ${sample.length} groups in ${fmt(perGroup.ms)})`);
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** Snapshots timed per run: the median of this many is reported. */
const RUNS = 5;

async function benchSize(root: string, n: number, workers: number, print: (line: string) => void): Promise<void> {
  const ks1 = await keystoneWithTenants(join(root, `snapshot-${n}`), n, workers, print);
  try {
    // As the CLI does: identity lists through the project-scoped account, limits through system scope.
    const s = await openFor(ks1.cloudsFile, CLOUD_NAMES.admin);
    const limitsSession = await openFor(ks1.cloudsFile, CLOUD_NAMES.adminSystem);
    const euids = Array.from({ length: SEED.users }, (_, k) => euid(k));
    await must('warm-up snapshot', snapshot(s, PLATFORM, { euids, limitsSession })); // warm caches, as in a pipeline's steady state
    const raw = await rawCalls(s, limitsSession, RUNS);
    const snaps = [];
    const cpu0 = process.cpuUsage();
    const keystoneCpu0 = groupCpuMs(ks1.process);
    for (let i = 0; i < RUNS; i++) snaps.push(await must('snapshot', snapshot(s, PLATFORM, { euids, limitsSession })));
    const cpu = process.cpuUsage(cpu0);
    // keyform's and Keystone's CPU per snapshot: on this machine they share the same cores, so
    // their sum over the cores (or Keystone's alone over its workers) is the least a snapshot can take here.
    const clientCpuMs = (cpu.user + cpu.system) / 1000 / RUNS;
    const keystoneCpuMs = (groupCpuMs(ks1.process) - keystoneCpu0) / RUNS;
    const cores = availableParallelism();
    // Keystone's CPU spread over its workers, at best over every core: the least any client can take here.
    const anyClient = keystoneCpuMs / Math.min(workers, cores);
    const withKeyform = Math.max((keystoneCpuMs + clientCpuMs) / cores, anyClient);
    const snap = snaps[0]!;
    const ms = median(snaps.map((x) => x.ms));
    const floor = raw.lists.reduce((a, b) => (b.ms > a.ms ? b : a));
    const serial = raw.lists.reduce((a, b) => a + b.ms, 0) + raw.memberships.ms;
    const counts = Object.entries(byKind(snap.live.resources)).map(([k, v]) => `${v} ${k}`).join(', ');
    print(`${n} tenants, Keystone with ${workers} worker${workers === 1 ? '' : 's'}: ${counts}, ${snap.live.unmanaged.length} unmanaged`);
    print(`  raw calls, one at a time (median of ${RUNS}): ${raw.lists.map((r) => `${r.path} ${r.items} in ${fmt(r.ms)}`).join('; ')}; ${raw.memberships.calls} × /users/{id}/groups in ${fmt(raw.memberships.ms)} — sum ${fmt(serial)} (${(serial / floor.ms).toFixed(2)}× the floor)`);
    print(`  snapshot: ${snap.calls} API calls, median of ${RUNS} ${fmt(ms)} (${snaps.map((x) => fmt(x.ms)).join(', ')}) — floor (largest raw list, median, ${floor.path}): ${fmt(floor.ms)} — ratio ${(ms / floor.ms).toFixed(2)}× (goal ≤ 3×); ${(ms / serial).toFixed(2)}× the sum of its raw calls`);
    const plural = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
    print(`  CPU per snapshot: Keystone ${fmt(keystoneCpuMs)}, keyform ${fmt(clientCpuMs)} — with ${plural(workers, 'worker')} on ${plural(cores, 'core')} no client can take less than ${fmt(anyClient)} (${(anyClient / floor.ms).toFixed(2)}× the floor), keyform no less than ${fmt(withKeyform)} (${(withKeyform / floor.ms).toFixed(2)}×)`);
    if (workers === 1) {
      const allSystem = await must('system-scoped snapshot', snapshot(limitsSession, PLATFORM, { euids }));
      print(`  same snapshot through one system-scoped session: ${allSystem.calls} API calls, ${fmt(allSystem.ms)} (Keystone validates system-scoped tokens at a higher cost)`);
      print('  membership strategies (same run):');
      await membershipStrategies(s, print);
    }
    s.close();
    limitsSession.close();
  } finally {
    await stopProcessGroups([ks1.process]);
  }
}

/** Tenants and users of the many-users shape: each user in 3 groups, as when every person is in a few teams. */
const MANY = { tenants: 300, users: 900 } as const;

/**
 * Membership strategies when users are many and each is in few groups (the shape federated
 * clouds grow into: one Keystone user per person), on one worker and on one per core: the
 * snapshot forced each way and left to choose. Per-user reads grow with the users and spread
 * over the workers; `role_assignments?effective` grows with the assigned groups and is one
 * request, which one worker serves alone.
 */
async function manyUsers(root: string, workers: number, print: (line: string) => void): Promise<void> {
  const shape: SeedShape = { users: MANY.users, member: (i, r, j) => (i * 9 + r * 3 + j) % MANY.users };
  const ks1 = await keystoneWithTenants(join(root, `snapshot-users-${MANY.users}`), MANY.tenants, workers, print, shape);
  try {
    const s = await openFor(ks1.cloudsFile, CLOUD_NAMES.admin);
    const limitsSession = await openFor(ks1.cloudsFile, CLOUD_NAMES.adminSystem);
    const euids = Array.from({ length: MANY.users }, (_, k) => euid(k));
    await must('warm-up snapshot', snapshot(s, PLATFORM, { euids, limitsSession }));
    const timedWay = async (membershipRead?: MembershipRead): Promise<string> => {
      const snaps = [];
      for (let i = 0; i < 3; i++) snaps.push(await must('snapshot', snapshot(s, PLATFORM, { euids, limitsSession, ...(membershipRead ? { membershipRead } : {}) })));
      return `${snaps[0]!.calls} API calls, median of 3 ${fmt(median(snaps.map((x) => x.ms)))}`;
    };
    const users = await must('users', ks.listUsers(s));
    const groups = await must('groups', ks.listGroups(s));
    print(`${MANY.tenants} tenants, ${users.length} users each in 3 groups, Keystone with ${workers} worker${workers === 1 ? '' : 's'}: snapshot as chosen (${chooseMembershipRead(users.length, groups.length)}) ${await timedWay()}`);
    print(`  forced per-user: ${await timedWay('per-user')}; forced effective: ${await timedWay('effective')}`);
    s.close();
    limitsSession.close();
  } finally {
    await stopProcessGroups([ks1.process]);
  }
}

function byKind(rs: readonly { kind: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) out[r.kind] = (out[r.kind] ?? 0) + 1;
  return out;
}

/** Prints the snapshot figures for 100 and 1,000 tenants (sizes overridable with KEYFORM_BENCH_SIZES=100,1000). */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const root = process.env.KEYFORM_BENCH_DIR ?? join(tmpdir(), 'keyform-bench');
  const sizes = (process.env.KEYFORM_BENCH_SIZES ?? '100,1000').split(',').map(Number).filter((x) => x > 0);
  // One worker, as the test stack runs; and one per core, as deployed Keystones run (devstack's
  // uwsgi and kolla's default: as many workers as CPUs), where the snapshot's concurrent calls overlap.
  const many = Math.max(2, availableParallelism());
  print(`snapshot benchmark (real Keystone, sqlite, gunicorn with 1 and with ${many} workers)`);
  for (const n of sizes) for (const workers of [1, many]) await benchSize(root, n, workers, print);
  for (const workers of [1, many]) await manyUsers(root, workers, print);
}
