import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../engine/apply/index.ts';
import { closeTargets, type PlatformTarget } from '../../../engine/plan/index.ts';
import { readLock } from '../../../engine/lock/index.ts';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { adminSession, domainOf, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds, writeConfig } from './apply-fixture.ts';

const opened: PlatformTarget[][] = [];
const cleanup: (() => Promise<unknown>)[] = [];
let sys: OpenStackSession;

beforeAll(async () => {
  sys = await adminSession(testStack(), true);
  await ensureCoresRegistered(sys);
});

afterAll(async () => {
  for (const t of opened) closeTargets(t);
  for (const undo of cleanup.reverse()) await undo();
  sys.close();
});

/** Creates users as the identity provider would (keyform never does), removed after the file. */
async function makeUsers(names: readonly string[]): Promise<void> {
  await Promise.all(names.map(async (n) => {
    const u = (await osc(['user', 'create', '--domain', 'default', n]))._unsafeUnwrap() as { id: string };
    cleanup.push(async () => oscAction(['user', 'delete', u.id]));
  }));
}

/** Deletes everything a run made: its domains (disabled first) take their projects and groups along. */
function forgetRun(run: string): void {
  cleanup.push(async () => {
    const ds = (await ks.listDomains(sys))._unsafeUnwrap().filter((d) => d.name.startsWith(`${run}-`));
    for (const d of ds) {
      await ks.updateDomain(sys, d.id, { enabled: false });
      await ks.deleteDomain(sys, d.id);
    }
  });
}

async function setUp(tenants: number) {
  const run = runId();
  forgetRun(run);
  const users = { [`alice-${run}@x.example`]: ['admin'], [`bob-${run}@x.example`]: ['user', 'reader'], [`carol-${run}@x.example`]: ['admin'] };
  await makeUsers([`alice-${run}@x.example`, `bob-${run}@x.example`]);
  const config = writeConfig({ run, tenants, users, cores: 8 });
  const { output, targets } = await targetsFor(config, writeClouds(testStack()));
  opened.push([...targets]);
  return { run, output, targets };
}

const rows = async (args: string[], cloud = 'admin'): Promise<Record<string, unknown>[]> => (await osc(args, { cloud }))._unsafeUnwrap() as Record<string, unknown>[];

describe('applyPlan against the real Keystone', () => {
  it('applies a plan from empty so that the openstack CLI sees exactly the configured objects, and a second plan has no changes', async () => {
    // GIVEN two tenants, two existing users and one bound user who does not exist yet
    const { run, output, targets } = await setUp(2);
    const planned = await planNow(output, targets);
    // WHEN the plan is applied
    const report = (await applyPlan(planned.plan, targets, { parallelism: 4 }))._unsafeUnwrap();
    // THEN every change is done, the missing user is a remark, and the lock is gone
    expect(report.succeeded).toBe(true);
    expect(report.counts).toEqual({ done: planned.plan.platforms[0]!.changes.length, failed: 0, skipped: 0, total: planned.plan.platforms[0]!.changes.length });
    expect(report.platforms[0]!.remarks.map((r) => `${r.euid} ${r.tenant}`)).toEqual([`carol-${run}@x.example w1.p1`, `carol-${run}@x.example w1.p2`]);
    expect((await readLock(targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }))._unsafeUnwrap()).toBeUndefined();
    // AND the openstack CLI sees the projects with their tags, the groups, their members and their roles
    const d = domainOf(run);
    const show = async (name: string): Promise<{ id: string; tags: string[] }> => (await osc(['project', 'show', '--domain', d, name]))._unsafeUnwrap() as { id: string; tags: string[] };
    const [projects, groups, p1, p2, grants1, effective1] = await Promise.all([
      rows(['project', 'list', '--domain', d]),
      rows(['group', 'list', '--domain', d]),
      show('w1.p1'),
      show('w1.p2'),
      rows(['role', 'assignment', 'list', '--names', '--project', 'w1.p1', '--project-domain', d]),
      rows(['role', 'assignment', 'list', '--names', '--effective', '--project', 'w1.p1', '--project-domain', d]),
    ]);
    // Members by group id: `user list --domain` filters the *users* by domain, and the users
    // live in Default while the groups live in the platform domain.
    const groupId = (name: string): string => String(groups.find((g) => g['Name'] === name)?.['ID']);
    const [admins1 = [], users1 = [], readers1 = []] = await Promise.all(
      ['w1.p1-admin', 'w1.p1-user', 'w1.p1-reader'].map((g) => rows(['user', 'list', '--group', groupId(g)])),
    );
    expect(projects.map((p) => p['Name']).sort()).toEqual(['w1.p1', 'w1.p2']);
    expect(groups.map((g) => g['Name']).sort()).toEqual(['w1.p1-admin', 'w1.p1-reader', 'w1.p1-user', 'w1.p2-admin', 'w1.p2-reader', 'w1.p2-user']);
    const p = platformOf(run);
    expect([...p1.tags].sort()).toEqual([`keyform.managed=${p}`, 'keyform.tenant=w1.p1', 'kf_cost_center=cc-1', 'kf_environment=test']);
    expect([...p2.tags].sort()).toEqual([`keyform.managed=${p}`, 'keyform.tenant=w1.p2', 'kf_cost_center=cc-1', 'kf_environment=test']);
    expect(grants1.map((g) => `${String(g['Group'])}:${String(g['Role'])}`).sort()).toEqual([`w1.p1-admin@${d}:member`, `w1.p1-reader@${d}:reader`, `w1.p1-user@${d}:member`]);
    // Effective assignments include implied roles (Keystone's bootstrap makes member imply
    // reader), so each member grant also shows as reader; bob's reader appears twice: from
    // the reader group and implied by his member grant through the user group.
    expect(effective1.map((g) => `${String(g['User'])}:${String(g['Role'])}`).sort()).toEqual([
      `alice-${run}@x.example@Default:member`, `alice-${run}@x.example@Default:reader`,
      `bob-${run}@x.example@Default:member`, `bob-${run}@x.example@Default:reader`, `bob-${run}@x.example@Default:reader`,
    ]);
    expect([admins1, users1, readers1].map((us) => us.map((u) => u['Name']))).toEqual([[`alice-${run}@x.example`], [`bob-${run}@x.example`], [`bob-${run}@x.example`]]);
    const limits = (await ks.listLimits(sys, { project_id: p1.id }))._unsafeUnwrap();
    expect(limits.map((l) => [l.resource_name, l.resource_limit])).toEqual([['class:VCPU', 8]]);
    // AND a new plan has nothing to do
    const again = await planNow(output, targets);
    expect(again.plan.platforms[0]!.changes.map((c) => c.address)).toEqual([]);
  }, 300_000);

  it('refuses a plan that went stale between plan and apply, naming what moved, and writes nothing', async () => {
    // GIVEN a plan from empty
    const { run, output, targets } = await setUp(1);
    const planned = await planNow(output, targets);
    // AND, out of band, someone takes the name of the workspace's domain
    const d = (await osc(['domain', 'create', domainOf(run)]))._unsafeUnwrap() as { id: string };
    // WHEN the plan is applied
    const r = await applyPlan(planned.plan, targets);
    // THEN it is refused as stale, naming the domain's address
    const e = r._unsafeUnwrapErr();
    expect(e.kind).toBe('stale-plan');
    expect('moved' in e ? e.moved : []).toContain(`keyform_domain.workspace["${platformOf(run)}/w1"]`);
    expect(e.message).toMatch(/Saved plan is stale/);
    // AND nothing was written: the domain is empty, no project carries the platform's tag, no lock is left
    const tagged = (await ks.listProjects(sys, { tags: `keyform.managed=${platformOf(run)}` }))._unsafeUnwrap();
    expect(tagged).toEqual([]);
    expect((await ks.listGroups(sys, { domain_id: d.id }))._unsafeUnwrap()).toEqual([]);
    expect((await readLock(targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }))._unsafeUnwrap()).toBeUndefined();
  }, 300_000);
});
