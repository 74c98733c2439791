/**
 * Apply benchmark, against a real Keystone of its own (one gunicorn worker, sqlite):
 *
 * 1. 200 tenants from empty (one domain, 200 projects, 600 groups, 600 role assignments:
 *    1,401 writes): keyform's apply wall time and requests/second at parallelism 1, 4 and 8,
 *    beside a bare loop sending the same HTTP requests at the same concurrency with plain
 *    `fetch` (the limit of this Keystone). Goal: ≥ 90% of the bare loop's rate. Each width
 *    runs keyform first, then the bare loop, then keyform again; the mean of keyform's two
 *    runs is compared, so that neither side gains from running on a fresher database.
 * 2. The no-op re-plan at 1,000 tenants (snapshot + diff, nothing to change), beside the raw
 *    list calls that snapshot needs, sent in parallel the same way. It reuses the Keystone
 *    the snapshot benchmark seeded (`$KEYFORM_BENCH_DIR/snapshot-1000`), seeding it if absent.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errAsync, okAsync } from 'neverthrow';
import type { DesiredState, Resource } from '../../constructs/model/index.ts';
import { createPlan } from '../../plans/index.ts';
import { applyPlan } from '../../engine/apply/index.ts';
import { closeTargets } from '../../engine/plan/index.ts';
import { openSession, loadCloud, type OpenStackSession } from '../../engine/openstack/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { snapshot, type PlatformSettingsForSnapshot } from '../../engine/snapshot/index.ts';
import { startKeystoneService, keystoneUrl } from '../openstack/keystone-service.ts';
import { writeCloudsYaml, CLOUD_NAMES } from '../openstack/clouds-yaml.ts';
import { freeExtraKeystonePort } from '../openstack/stack-layout.ts';
import { stopProcessGroups } from '../openstack/processes.ts';
import { adminToken } from '../openstack/keystone-seed.ts';
import { domainOf, planNow, runId, targetsFor, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';
import { SEED, seed } from './snapshot-bench.ts';
import { median, must, pool, snapshotList, SNAPSHOT_LISTS } from './bench-kit.ts';

const TENANTS = Number(process.env['KEYFORM_BENCH_APPLY_TENANTS'] ?? 200);
/** Parallelisms compared with the bare loop (KEYFORM_BENCH_APPLY_WIDTHS=4 to rerun one). */
const WIDTHS = (process.env['KEYFORM_BENCH_APPLY_WIDTHS'] ?? '1,4,8').split(',').map(Number).filter((w) => Number.isInteger(w) && w > 0);
const NOOP_TENANTS = 1000;

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/**
 * The same writes keyform's apply sends, with nothing around them: one POST for the domain,
 * then `width` workers, each taking the next tenant and sending its project and groups, then
 * its role assignments. No barrier between tenants: as soon as a worker is free it starts the
 * next, so `width` requests are in flight the whole time, as in keyform's executor.
 */
async function bareLoop(authUrl: string, desired: DesiredState, width: number): Promise<{ ms: number; requests: number }> {
  const { token } = await must('token', adminToken(authUrl));
  let requests = 0;
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, { id: string }>> => {
    requests++;
    const res = await fetch(`${authUrl}${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? {} : ((await res.json()) as Record<string, { id: string }>);
  };
  const of = <K extends Resource['kind']>(k: K) => desired.resources.filter((r): r is Extract<Resource, { kind: K }> => r.kind === k);
  const roleIds = new Map(((await (await fetch(`${authUrl}/roles`, { headers: { 'x-auth-token': token } })).json()) as { roles: { id: string; name: string }[] }).roles.map((r) => [r.name, r.id]));
  const tenantOf = (r: { platform: string; key: { workspace: string; project: string } }): string => `${r.platform}/${r.key.workspace}/${r.key.project}`;
  const tenants = new Map<string, { project?: Extract<Resource, { kind: 'project' }>; groups: Extract<Resource, { kind: 'group' }>[]; grants: Extract<Resource, { kind: 'assignment' }>[] }>();
  const entry = (t: string) => tenants.get(t) ?? tenants.set(t, { groups: [], grants: [] }).get(t)!;
  for (const p of of('project')) entry(tenantOf(p)).project = p;
  for (const g of of('group')) entry(tenantOf(g)).groups.push(g);
  for (const a of of('assignment')) entry(tenantOf(a)).grants.push(a);
  const t0 = performance.now();
  const domainIds = new Map<string, string>();
  for (const d of of('domain')) domainIds.set(d.attrs.name, (await call('POST', '/domains', { domain: d.attrs }))['domain']!.id);
  await pool([...tenants.values()], width, async (t) => {
    const p = t.project!;
    const projectId = (await call('POST', '/projects', { project: { ...p.attrs, domain: undefined, domain_id: domainIds.get(p.attrs.domain) } }))['project']!.id;
    const groupIds = new Map<string, string>();
    for (const g of t.groups) groupIds.set(g.key.role, (await call('POST', '/groups', { group: { ...g.attrs, domain: undefined, domain_id: domainIds.get(g.attrs.domain) } }))['group']!.id);
    for (const a of t.grants) await call('PUT', `/projects/${projectId}/groups/${groupIds.get(a.key.role)!}/roles/${roleIds.get(a.attrs.keystoneRole)!}`);
  });
  return { ms: performance.now() - t0, requests };
}

/** Removes a run's domain, and with it its projects, groups and their role assignments. */
async function dropDomain(s: OpenStackSession, name: string): Promise<void> {
  for (const d of (await must('domains', ks.listDomains(s, { name })))) {
    await must('disable', ks.updateDomain(s, d.id, { enabled: false }));
    // A domain of 800 objects can outlast the client's timeout: a retried DELETE then finds it gone.
    await must('delete', ks.deleteDomain(s, d.id).orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(e))));
  }
}

async function applyFromEmpty(print: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-apply-bench-'));
  const port = await must('port', freeExtraKeystonePort());
  const proc = await must('keystone', startKeystoneService({ dir, port }));
  try {
    const cloudsYaml = await must('clouds.yaml', writeCloudsYaml(dir, keystoneUrl(port)));
    const stack = { cloudsYaml, authUrl: keystoneUrl(port), dir };
    const admin = await must('session', openSession(await must('cloud', (loadCloud({ cloud: CLOUD_NAMES.admin, files: { clouds: cloudsYaml }, env: {} })))));
    print(`${TENANTS} tenants from empty (1 domain, ${TENANTS} projects, ${3 * TENANTS} groups, ${3 * TENANTS} role assignments)`);
    for (const width of WIDTHS) {
      const keyform = async (): Promise<{ rate: number; line: string }> => {
        const run = runId();
        const config = writeConfig({ run, tenants: TENANTS, users: {} });
        const { output, targets } = await targetsFor(config, writeClouds(stack));
        const { plan } = await planNow(output, targets);
        const t0 = performance.now();
        const report = await must('apply', applyPlan(plan, targets, { parallelism: width }));
        const wall = performance.now() - t0;
        closeTargets(targets);
        await dropDomain(admin, domainOf(run));
        const p = report.platforms[0]!;
        const rate = p.requests / p.seconds;
        return { rate, line: `${p.counts.done}/${p.counts.total} changes, ${p.requests} requests in ${p.seconds.toFixed(1)} s = ${rate.toFixed(1)} req/s (whole apply incl. lock + fresh snapshot: ${fmt(wall)})` };
      };
      const first = await keyform();
      print(`  parallelism ${width}: keyform ${first.line}`);
      const run = runId();
      const { output, targets } = await targetsFor(writeConfig({ run, tenants: TENANTS, users: {} }), writeClouds(stack));
      closeTargets(targets);
      const bare = await bareLoop(stack.authUrl, output.platforms[0]!, width);
      await dropDomain(admin, domainOf(run));
      const bareRate = bare.requests / (bare.ms / 1000);
      print(`  parallelism ${width}: bare loop ${bare.requests} requests in ${fmt(bare.ms)} = ${bareRate.toFixed(1)} req/s`);
      const second = await keyform();
      const mean = (first.rate + second.rate) / 2;
      print(`  parallelism ${width}: keyform again ${second.line} — mean ${mean.toFixed(1)} req/s = ${(100 * mean / bareRate).toFixed(0)}% of the bare loop (goal ≥ 90%)`);
    }
    admin.close();
  } finally {
    await stopProcessGroups([proc]);
  }
}

const PLATFORM: PlatformSettingsForSnapshot = {
  id: SEED.platform, cloud: CLOUD_NAMES.admin, region: 'RegionOne', userDomain: 'Default', domain: SEED.domain, domainPerWorkspace: false, tagPrefix: 'kf_', quotaBackend: 'unified-limits',
};

/** The live state as a desired state: what a config matching the cloud exactly would synthesize. */
function asDesired(resources: readonly Resource[]): DesiredState {
  return { platform: SEED.platform, tagPrefix: 'kf_', resources: resources.map(({ ids: _i, managed: _m, ...r }) => r as Resource) };
}

async function noopReplan(print: (line: string) => void): Promise<void> {
  const root = process.env['KEYFORM_BENCH_DIR'] ?? join(tmpdir(), 'keyform-bench');
  const dir = join(root, `snapshot-${NOOP_TENANTS}`);
  const marker = join(dir, 'seeded.json');
  const want = JSON.stringify({ tenants: NOOP_TENANTS, version: SEED.version });
  const seeded = existsSync(marker) && readFileSync(marker, 'utf8') === want;
  mkdirSync(dir, { recursive: true });
  const port = await must('port', freeExtraKeystonePort());
  const proc = await must('keystone', startKeystoneService({ dir, port }));
  try {
    const cloudsYaml = await must('clouds.yaml', writeCloudsYaml(dir, keystoneUrl(port)));
    const open = async (name: string) => must('session', openSession(await must('cloud', (loadCloud({ cloud: name, files: { clouds: cloudsYaml }, env: {} })))));
    const s = await open(CLOUD_NAMES.admin);
    const sys = await open(CLOUD_NAMES.adminSystem);
    if (!seeded) {
      print(`seeding ${NOOP_TENANTS} tenants into ${dir} (once, ~12 minutes; shared with the snapshot benchmark)`);
      await seed(s, NOOP_TENANTS, print);
      writeFileSync(marker, want);
    }
    const euids = Array.from({ length: SEED.users }, (_, k) => `user${String(k).padStart(3, '0')}@bench.example`);
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
    await stopProcessGroups([proc]);
  }
}

/** Prints both figures. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  print('apply benchmark (real Keystone of its own, one gunicorn worker, sqlite)');
  await applyFromEmpty(print);
  await noopReplan(print);
}
