import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.ts';
import * as ks from '../../engine/keystone/index.ts';
import { osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { adminSession, cloudsEnv, domainOf, runId, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';

/**
 * Scheduled replication's policy, `keyform apply --only-additions`, against the real
 * Keystone: a user who appears after the tenant was applied gets their membership on the
 * next scheduled run, on its own; a drift (a tag removed by hand) is refused and reported,
 * and nothing of that plan is applied.
 */
const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

async function keyform(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '', stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, env, cwd: process.cwd() });
  return { code, stdout, stderr };
}

async function makeUser(name: string): Promise<string> {
  const made = (await osc(['user', 'create', '--domain', 'default', name]))._unsafeUnwrap() as { id: string };
  cleanup.push(async () => oscAction(['user', 'delete', made.id]));
  return made.id;
}

/** The names of the users in a Keystone group, read with the openstack CLI. */
async function members(domain: string, group: string): Promise<string[]> {
  const groups = (await osc(['group', 'list', '--domain', domain]))._unsafeUnwrap() as { ID: string; Name: string }[];
  const id = groups.find((g) => g.Name === group)!.ID;
  const users = (await osc(['user', 'list', '--group', id]))._unsafeUnwrap() as { Name: string }[];
  return users.map((u) => u.Name).sort();
}

describe('keyform apply --only-additions (scheduled replication) against the real Keystone', () => {
  it('applies a late user\'s membership on its own, and refuses a plan with a tag drift, naming it', async () => {
    // GIVEN a tenant applied while carol and dave had no Keystone user yet
    const run = runId();
    const [alice, carol, dave] = ['alice', 'carol', 'dave'].map((u) => `${u}-${run}@x.example`) as [string, string, string];
    const sys = await adminSession(testStack(), true);
    cleanup.push(async () => {
      for (const d of (await ks.listDomains(sys))._unsafeUnwrap().filter((x) => x.name === domainOf(run))) {
        await ks.updateDomain(sys, d.id, { enabled: false });
        await ks.deleteDomain(sys, d.id);
      }
      sys.close();
    });
    await makeUser(alice);
    const config = writeConfig({ run, tenants: 1, users: { [alice]: ['admin'], [carol]: ['admin'], [dave]: ['reader'] } });
    const env = cloudsEnv(writeClouds(testStack()));
    const first = await keyform(['apply', '--config', config, '-auto-approve', '-input=false'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(await members(domainOf(run), 'w1.p1-admin')).toEqual([alice]);

    // WHEN carol appears and the scheduled run applies with --only-additions (no approval asked)
    await makeUser(carol);
    const late = await keyform(['apply', '--config', config, '--only-additions', '-input=false'], env);
    // THEN her membership alone is applied
    expect(late.code, late.stderr).toBe(0);
    expect(late.stderr).toContain('Apply complete! 1 done');
    expect(await members(domainOf(run), 'w1.p1-admin')).toEqual([alice, carol].sort());

    // WHEN dave appears too, but someone removed the tenant's cost-center tag by hand
    await makeUser(dave);
    await oscAction(['project', 'set', '--domain', domainOf(run), '--remove-tag', 'kf_cost_center=cc-1', 'w1.p1']);
    const file = join(mkdtempSync(join(tmpdir(), 'kf-sched-')), 'drift.kfplan');
    const planned = await keyform(['plan', '--config', config, `-out=${file}`], env);
    expect(planned.code, planned.stderr).toBe(0);
    const refusedSaved = await keyform(['apply', file, '--config', config, '--only-additions'], env);
    const refused = await keyform(['apply', '--config', config, '--only-additions', '-input=false'], env);
    // THEN the plan is refused, saved or fresh, the drift named, and nothing applied: not even dave's membership
    expect(refusedSaved.code).toBe(1);
    expect(refusedSaved.stderr).toContain('Nothing was applied: --only-additions');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Nothing was applied: --only-additions applies only memberships .* the plan has 1 other change:/);
    expect(refused.stderr).toContain(`keyform_project.tenant["p-${run}/w1/p1"]: a project update: tags not as configured`);
    expect(await members(domainOf(run), 'w1.p1-reader')).toEqual([]);
    const project = (await osc(['project', 'show', '--domain', domainOf(run), 'w1.p1']))._unsafeUnwrap() as { tags: string[] };
    expect(project.tags).not.toContain('kf_cost_center=cc-1');
  }, 600_000);
});
