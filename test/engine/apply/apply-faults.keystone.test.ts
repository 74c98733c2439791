import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, closeTargets, type PlatformTarget } from '../../../engine/apply/index.ts';
import { forceUnlock, readLock } from '../../../engine/lock/index.ts';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { startKeystone, stopStack, type RunningStack } from '../../openstack/launcher.ts';
import type { TestStack } from '../../openstack/stack.ts';
import { seededRandom, startFaultProxy, type Fault, type FaultProxy } from '../../support/fault-proxy.ts';
import { adminSession, domainOf, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds, writeConfig } from './apply-fixture.ts';

/**
 * Fault tolerance: 20 seeded fault schedules (503 bursts, dropped connections, slow answers
 * past the client's timeout, 429 with Retry-After) through a fault-injecting proxy on
 * 127.0.0.1. Each applies a plan from empty through the proxy, then plans and applies
 * without faults: whatever the faulty apply did, the second converges, with no duplicate
 * object and the unmanaged look-alikes untouched. A Keystone of this file's own keeps the
 * load off the shared one (and the snapshots small). Reproduce one: its seed is in its name.
 */
const SCHEDULES = Array.from({ length: 20 }, (_, i) => 7001 + i);
const ALICE = 'alice@faults.example';

let keystone: RunningStack;
let stack: TestStack;
let admin: OpenStackSession;
let sys: OpenStackSession;
const opened: PlatformTarget[][] = [];

/** Unmanaged look-alikes: named like keyform's objects, in the domain keyform's users live in. */
let lookAlikes: { projectId: string; groupId: string };

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

/** A fault schedule from `seed`: random faults at seeded rates, plus scripted bursts. */
function schedule(seed: number, proxy: FaultProxy): string {
  const r = seededRandom(seed);
  const burst = (n: number, f: Fault): Fault[] => Array.from({ length: n }, () => f);
  const parts: string[] = [];
  const n503 = Math.floor(r() * 6);
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

describe('apply through a fault-injecting proxy (20 seeded schedules)', () => {
  it.each(SCHEDULES)('converges after an apply under fault schedule %i, with no duplicate and no unmanaged object touched', async (seed) => {
    // GIVEN a plan from empty (made without faults) and a proxy with this seed's faults
    const run = runId();
    const config = writeConfig({ run, tenants: 2, users: { [ALICE]: ['admin'] }, cores: 4 });
    const direct = await targetsFor(config, writeClouds(stack));
    opened.push([...direct.targets]);
    const planned = await planNow(direct.output, direct.targets);
    const proxy = await startFaultProxy({ target: new URL(stack.authUrl).origin, random: { seed, status503: 0.05, drop: 0.03, delay: 0.1, delayMs: 150 }, maxRequests: 2000, lifetimeMs: 240_000 });
    const faults = schedule(seed, proxy);
    const faulty = await targetsFor(config, writeClouds(stack, { proxyUrl: proxy.url }), { timeoutMs: 2000 }).catch(() => undefined);
    // WHEN it is applied through the proxy (opening the sessions may itself fail: that is clean too)
    const logs: string[] = [];
    const first = faulty === undefined ? undefined : await applyPlan(planned.plan, faulty.targets, { parallelism: 4, log: (l) => logs.push(l) });
    if (faulty) closeTargets(faulty.targets);
    await proxy.close();
    // THEN it finished or failed with a message, and a lock it could not release says so
    if (first?.isErr()) expect(first.error.message.length, faults).toBeGreaterThan(20);
    if (first?.isOk() && !first.value.succeeded) expect(first.value.platforms[0]!.changes.filter((c) => c.status === 'failed').every((c) => (c.reason ?? '').length > 10), faults).toBe(true);
    const left = (await readLock(direct.targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }))._unsafeUnwrap();
    if (left !== undefined) {
      expect(logs.join('\n'), faults).toMatch(/Could not release the apply lock/);
      (await forceUnlock(direct.targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }, left.record?.token))._unsafeUnwrap();
    }
    // AND a plan + apply without faults converges: a third plan has no changes
    const second = await planNow(direct.output, direct.targets);
    const applied = (await applyPlan(second.plan, direct.targets, { parallelism: 4 }))._unsafeUnwrap();
    expect(applied.succeeded, faults).toBe(true);
    expect((await planNow(direct.output, direct.targets)).plan.platforms[0]!.changes.map((c) => c.address), faults).toEqual([]);
    // AND every object exists once
    const owned = await countOwned(run);
    expect(owned, faults).toEqual({ projects: ['w1.p1', 'w1.p2'], groups: ['w1.p1-admin', 'w1.p1-reader', 'w1.p1-user', 'w1.p2-admin', 'w1.p2-reader', 'w1.p2-user'], limits: 2 });
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
