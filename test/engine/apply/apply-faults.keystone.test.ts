import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../engine/apply/index.ts';
import { closeTargets, type PlatformTarget } from '../../../engine/plan/index.ts';
import { forceUnlock, readLock } from '../../../engine/lock/index.ts';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { startKeystone, stopStack, type RunningStack } from '../../openstack/launcher.ts';
import type { TestStack } from '../../openstack/stack.ts';
import { osc } from '../../openstack/osc.ts';
import { seededRandom, startFaultProxy, type Fault, type FaultProxy } from '../../support/fault-proxy.ts';
import { KEYFORM } from '../../e2e/on-terminal.ts';
import { adminSession, cloudsEnv, domainOf, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds, writeConfig } from './apply-fixture.ts';

/**
 * Fault tolerance: 20 seeded fault schedules (503 bursts, dropped connections, slow answers
 * past the client's timeout, 429 with Retry-After) through a fault-injecting proxy on
 * 127.0.0.1. Each applies a plan from empty through the proxy, then plans and applies
 * without faults: whatever the faulty apply did, the second converges, with no duplicate
 * object and the unmanaged look-alikes untouched. Then `keyform apply` is killed with
 * SIGKILL at 10 seeded points, each run followed by a plan and apply that converge. Every
 * schedule and kill is recorded, and the suite fails unless each one really hit the apply
 * (a fault injected into it, a kill before it finished) and converged, as the openstack CLI
 * sees it at the end. A Keystone of this file's own keeps the load off the shared one (and
 * the snapshots small). Reproduce one: its seed is in its name.
 */
const SCHEDULES = Array.from({ length: 20 }, (_, i) => 7001 + i);
const KILLS = Array.from({ length: 10 }, (_, i) => 9101 + i);
const ALICE = 'alice@faults.example';

let keystone: RunningStack;
let stack: TestStack;
let admin: OpenStackSession;
let sys: OpenStackSession;
const opened: PlatformTarget[][] = [];

/** Unmanaged look-alikes: named like keyform's objects, in the domain keyform's users live in. */
let lookAlikes: { projectId: string; groupId: string };

/** What one seeded schedule did to an apply, for the report and the final check. */
interface ScheduleRecord {
  readonly seed: number;
  readonly run: string;
  readonly schedule: string;
  /** 503s, 429s and dropped connections the proxy gave the apply. */
  readonly faults: number;
  /** Answers the proxy slowed down (some past the client's timeout). */
  readonly slowed: number;
  /** Requests the apply's sessions sent again (their own count). */
  readonly retries: number;
  /** How the apply under faults ended. */
  readonly outcome: string;
}
const schedules: ScheduleRecord[] = [];

/** Where one SIGKILL landed. */
interface KillRecord {
  readonly seed: number;
  readonly run: string;
  /** `after the lock` or `after n/N changes`. */
  readonly at: string;
}
const kills: KillRecord[] = [];

beforeAll(async () => {
  keystone = (await startKeystone())._unsafeUnwrap();
  stack = { cloudsYaml: keystone.cloudsYaml, authUrl: keystone.authUrl, dir: keystone.dir };
  admin = await adminSession(stack);
  sys = await adminSession(stack, true);
  await ensureCoresRegistered(sys);
  const alice = (await admin.request<{ user: { id: string } }>({ method: 'POST', service: 'identity', path: '/users', body: { user: { name: ALICE, domain_id: 'default' } } }))._unsafeUnwrap().body.user.id;
  const project = (await ks.createProject(admin, { name: 'w1.p1', domain_id: 'default', description: 'made by hand', enabled: true, tags: ['kf_environment=test'] }))._unsafeUnwrap();
  const group = (await ks.createGroup(admin, { name: 'w1.p1-admin', domain_id: 'default', description: 'made by hand' }))._unsafeUnwrap();
  (await ks.addGroupUser(admin, group.id, alice))._unsafeUnwrap();
  lookAlikes = { projectId: project.id, groupId: group.id };
}, 300_000);

afterAll(async () => {
  for (const t of opened) closeTargets(t);
  admin?.close();
  sys?.close();
  if (keystone) await stopStack(keystone);
});

/** A fault schedule from `seed`: random faults at seeded rates, plus scripted bursts (at least one 503). */
function schedule(seed: number, proxy: FaultProxy): string {
  const r = seededRandom(seed);
  proxy.randomize({ seed, status503: 0.05, drop: 0.03, delay: 0.1, delayMs: 150 });
  const burst = (n: number, f: Fault): Fault[] => Array.from({ length: n }, () => f);
  const parts: string[] = [];
  const n503 = 1 + Math.floor(r() * 5);
  proxy.script({ match: { method: 'POST', path: /\/v3\/(projects|groups|domains|limits)$/ }, faults: burst(n503, { kind: 'status', status: 503 }) });
  parts.push(`${n503}×503 on creates`);
  const n429 = Math.floor(r() * 4);
  proxy.script({ match: { method: 'PUT' }, faults: burst(n429, { kind: 'status', status: 429, headers: { 'retry-after': '1' } }) });
  parts.push(`${n429}×429 on PUTs`);
  const nDrop = Math.floor(r() * 4);
  proxy.script({ match: { method: r() < 0.5 ? 'POST' : 'GET' }, faults: burst(nDrop, { kind: 'drop' }) });
  parts.push(`${nDrop} drops`);
  // Slower than the client's 2 s timeout: Keystone carries the request out after the client gave up.
  const nSlow = Math.floor(r() * 3);
  proxy.script({ match: { method: 'POST', path: /\/v3\/(projects|groups|limits)$/ }, faults: burst(nSlow, { kind: 'delay', ms: 2500 }) });
  parts.push(`${nSlow} creates past the timeout`);
  return parts.join(', ');
}

async function countOwned(run: string): Promise<{ projects: string[]; groups: string[]; limits: number }> {
  const domains = (await ks.listDomains(admin))._unsafeUnwrap().filter((d) => d.name === domainOf(run));
  const projects = (await ks.listProjects(admin, { tags: `keyform.managed=${platformOf(run)}` }))._unsafeUnwrap();
  const groups = domains.length === 0 ? [] : (await ks.listGroups(admin, { domain_id: domains[0]!.id }))._unsafeUnwrap();
  const limits = (await ks.listLimits(sys))._unsafeUnwrap().filter((l) => projects.some((p) => p.id === l.project_id));
  return { projects: projects.map((p) => p.name).sort(), groups: groups.map((g) => g.name).sort(), limits: limits.length };
}

const CONVERGED = { projects: ['w1.p1', 'w1.p2'], groups: ['w1.p1-admin', 'w1.p1-reader', 'w1.p1-user', 'w1.p2-admin', 'w1.p2-reader', 'w1.p2-user'], limits: 2 };

/** Plans and applies without faults; then a third plan has no changes and every object exists once. */
async function convergeWithoutFaults(run: string, direct: Awaited<ReturnType<typeof targetsFor>>, why: string): Promise<void> {
  const second = await planNow(direct.output, direct.targets);
  const applied = (await applyPlan(second.plan, direct.targets, { parallelism: 4 }))._unsafeUnwrap();
  expect(applied.succeeded, why).toBe(true);
  expect((await planNow(direct.output, direct.targets)).plan.platforms[0]!.changes.map((c) => c.address), why).toEqual([]);
  expect(await countOwned(run), why).toEqual(CONVERGED);
}

/** Session retries so far, over every session of the targets. */
const retriesOf = (targets: readonly PlatformTarget[]): number =>
  targets.reduce((n, t) => n + t.sessions.session.stats.retries + (t.sessions.limitsSession && t.sessions.limitsSession !== t.sessions.session ? t.sessions.limitsSession.stats.retries : 0), 0);

describe('apply through a fault-injecting proxy (20 seeded schedules) and killed (10 seeded points)', () => {
  it.each(SCHEDULES)('converges after an apply under fault schedule %i, with no duplicate and no unmanaged object touched', async (seed) => {
    // GIVEN sessions opened through a proxy, and a plan from empty made through them, before the proxy injects any fault
    // (a plan made elsewhere names another endpoint, and its apply would be refused before any fault could land)
    const run = runId();
    const config = writeConfig({ run, tenants: 2, users: { [ALICE]: ['admin'] }, cores: 4 });
    const direct = await targetsFor(config, writeClouds(stack));
    opened.push([...direct.targets]);
    const proxy = await startFaultProxy({ target: new URL(stack.authUrl).origin, maxRequests: 2000, lifetimeMs: 240_000 });
    const faulty = await targetsFor(config, writeClouds(stack, { proxyUrl: proxy.url }), { timeoutMs: 2000 });
    const planned = await planNow(faulty.output, faulty.targets);
    const quiet = proxy.events.length;
    const retried = retriesOf(faulty.targets);
    // WHEN the faults start and the plan is applied through the proxy (waiting for its own lock, as a pipeline would)
    const faults = schedule(seed, proxy);
    const logs: string[] = [];
    const first = await applyPlan(planned.plan, faulty.targets, { parallelism: 4, lockWaitMs: 30_000, log: (l) => logs.push(l) });
    closeTargets(faulty.targets);
    await proxy.close();
    const hit = proxy.events.slice(quiet);
    // THEN it finished or failed with a message, and a lock it could not release says so
    if (first.isErr()) expect(first.error.message.length, faults).toBeGreaterThan(20);
    if (first.isOk() && !first.value.succeeded) expect(first.value.platforms[0]!.changes.filter((c) => c.status === 'failed').every((c) => (c.reason ?? '').length > 10), faults).toBe(true);
    const left = (await readLock(direct.targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }))._unsafeUnwrap();
    if (left !== undefined) {
      expect(logs.join('\n'), faults).toMatch(/Could not release the apply lock/);
      (await forceUnlock(direct.targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }, left.record?.token))._unsafeUnwrap();
    }
    // AND a plan + apply without faults converges, every object once
    await convergeWithoutFaults(run, direct, faults);
    schedules.push({
      seed, run, schedule: faults,
      faults: hit.filter((e) => e.fault === 'status' || e.fault === 'drop').length,
      slowed: hit.filter((e) => e.fault === 'delay').length,
      retries: retriesOf(faulty.targets) - retried,
      outcome: first.isErr() ? `refused: ${first.error.kind}` : first.value.succeeded ? 'applied' : `partial (${first.value.platforms[0]!.counts.failed} failed)`,
    });
  });

  it.each(KILLS)('converges after keyform apply is killed with SIGKILL at the point seed %i draws, with no duplicate', async (seed) => {
    // GIVEN a config with changes to make and a kill point: right after the lock is taken, or after a fraction of the changes
    const run = runId();
    const config = writeConfig({ run, tenants: 2, users: { [ALICE]: ['admin'] }, cores: 4 });
    const clouds = writeClouds(stack);
    const direct = await targetsFor(config, clouds);
    opened.push([...direct.targets]);
    const r = seededRandom(seed);
    const fraction = r() < 0.2 ? 0 : 0.05 + r() * 0.85;
    // WHEN keyform apply runs and is killed there
    const killed = await killedApply(['apply', '--config', config, '--auto-approve', '--parallelism', '4'], cloudsEnv(clouds), fraction);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // THEN the lock it left is the one it printed, broken with that ID; a plan + apply then converges
    const id = /lock ID ([0-9a-f]{24})/.exec(killed.stderr)?.[1];
    const t = { platform: platformOf(run), domain: 'default' };
    const left = (await readLock(direct.targets[0]!.sessions.session, t))._unsafeUnwrap();
    expect(left?.record?.token, killed.stderr).toBe(id);
    (await forceUnlock(direct.targets[0]!.sessions.session, t, id))._unsafeUnwrap();
    await convergeWithoutFaults(run, direct, `killed ${killed.at}`);
    kills.push({ seed, run, at: killed.at });
  });

  it('injected at least one fault into every schedule\'s apply and killed every apply before it finished, and all of them converged, as the openstack CLI sees it', async () => {
    // GIVEN the records of the schedules and kills above
    console.log([
      'fault-count report (seed: faults injected into the apply, answers slowed, retries the sessions sent, outcome; schedule)',
      ...schedules.map((x) => `  ${x.seed}: ${x.faults} faults, ${x.slowed} slowed, ${x.retries} retries, ${x.outcome}; ${x.schedule}`),
      `  total: ${schedules.reduce((n, x) => n + x.faults, 0)} faults, ${schedules.reduce((n, x) => n + x.retries, 0)} retries over ${schedules.length} schedules`,
      'kill report (seed: where SIGKILL landed)',
      ...kills.map((k) => `  ${k.seed}: ${k.at}`),
    ].join('\n'));
    // THEN every schedule ran, injected at least one fault into its apply, and converged; every kill landed before the apply finished
    expect(schedules.map((x) => x.seed)).toEqual(SCHEDULES);
    expect(schedules.filter((x) => x.faults < 1).map((x) => x.seed)).toEqual([]);
    expect(kills.map((k) => k.seed)).toEqual(KILLS);
    // AND the openstack CLI sees each run's two projects, six groups and two limits, once each
    const domains = (await osc(['domain', 'list'], { stack }))._unsafeUnwrap() as { ID: string; Name: string }[];
    const projects = (await osc(['project', 'list', '--long'], { stack }))._unsafeUnwrap() as { ID: string; Name: string; 'Domain ID': string }[];
    const groups = (await osc(['group', 'list', '--long'], { stack }))._unsafeUnwrap() as { Name: string; 'Domain ID': string }[];
    const limits = (await osc(['limit', 'list'], { stack, cloud: 'admin-system' }))._unsafeUnwrap() as { 'Project ID': string }[];
    for (const run of [...schedules.map((x) => x.run), ...kills.map((k) => k.run)]) {
      const domain = domains.filter((d) => d.Name === domainOf(run));
      expect(domain.length, run).toBe(1);
      const mine = projects.filter((p) => p['Domain ID'] === domain[0]!.ID);
      expect({
        projects: mine.map((p) => p.Name).sort(),
        groups: groups.filter((g) => g['Domain ID'] === domain[0]!.ID).map((g) => g.Name).sort(),
        limits: limits.filter((l) => mine.some((p) => p.ID === l['Project ID'])).length,
      }, run).toEqual(CONVERGED);
    }
  });

  it('left the unmanaged look-alikes exactly as they were made', async () => {
    // GIVEN the look-alikes made before the schedules ran
    // WHEN they are read back
    const p = (await ks.getProject(admin, lookAlikes.projectId))._unsafeUnwrap();
    const members = (await ks.listGroupUsers(admin, lookAlikes.groupId))._unsafeUnwrap();
    const g = (await ks.listGroups(admin, { domain_id: 'default', name: 'w1.p1-admin' }))._unsafeUnwrap();
    // THEN nothing about them changed
    expect({ name: p.name, description: p.description, enabled: p.enabled, tags: p.tags }).toEqual({ name: 'w1.p1', description: 'made by hand', enabled: true, tags: ['kf_environment=test'] });
    expect(g.map((x) => [x.id, x.description])).toEqual([[lookAlikes.groupId, 'made by hand']]);
    expect(members.map((u) => u.name)).toEqual([ALICE]);
  });
});

/**
 * Runs `keyform ARGS` and kills it with SIGKILL once it took its lock (`fraction` 0) or once
 * that fraction of its changes settled (its `[n/N]` progress lines).
 */
function killedApply(args: readonly string[], env: NodeJS.ProcessEnv, fraction: number): Promise<{ signal: NodeJS.Signals | null; stderr: string; at: string }> {
  const child = spawn(process.execPath, [KEYFORM, ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let at = 'never';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (at !== 'never') return;
    const all = [...stderr.matchAll(/\[(\d+)\/(\d+)\]/g)];
    const last = all[all.length - 1];
    if (fraction === 0 ? stderr.includes('Took the apply lock') : last !== undefined && Number(last[1]) >= Math.max(1, Math.ceil(fraction * Number(last[2])))) {
      at = fraction === 0 ? 'after the lock was taken' : `after ${last![1]}/${last![2]} changes`;
      child.kill('SIGKILL');
    }
  });
  child.stdout.resume();
  return new Promise((done) => child.on('close', (_code, signal) => done({ signal, stderr, at })));
}
