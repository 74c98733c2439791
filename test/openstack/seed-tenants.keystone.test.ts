import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKeyform } from '../engine/doctor/doctor-cli.ts';
import { cloudsEnv, runId } from '../engine/apply/apply-fixture.ts';
import { osc } from './osc.ts';
import { seedEuid, seedTenants } from './seed-tenants.ts';
import { testStack } from './stack.ts';

describe('seedTenants', () => {
  it('writes what keyform would: a plan of the matching config against the seeded Keystone changes nothing', async () => {
    // GIVEN a Keystone and a platform of this run's own
    const stack = testStack();
    const run = runId();
    const platform = `seed-${run}`;
    const domain = `kfseed-${run}`;

    // WHEN 50 tenants and 40 users are seeded (the users' names are shared by later runs: only missing ones are made)
    const seeded = (await seedTenants({ stack, tenants: 50, users: 40, platform, domain, configDir: mkdtempSync(join(tmpdir(), 'kf-seed-')) }))._unsafeUnwrap();

    // THEN the openstack CLI sees them: 50 projects carrying the platform's marker, 150 groups, the users
    expect(seeded.counts).toMatchObject({ project: 50, group: 150, assignment: 150, quota: 50 });
    const projects = (await osc(['project', 'list', '--domain', domain, '--tags', `keyform.managed=${platform}`]))._unsafeUnwrap() as { Name: string }[];
    expect(projects.map((p) => p.Name).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `ws${Math.floor(i / 10)}.p${i % 10}`).sort());
    const groups = (await osc(['group', 'list', '--domain', domain]))._unsafeUnwrap() as { ID: string; Name: string }[];
    expect(groups).toHaveLength(150);
    const admins = groups.find((g) => g.Name === 'ws0.p0-admin')!;
    const members = (await osc(['user', 'list', '--group', admins.ID]))._unsafeUnwrap() as { Name: string }[];
    expect(members.map((u) => u.Name).sort()).toEqual([seedEuid(0), seedEuid(1), seedEuid(2)]);

    // AND keyform's own plan of the returned config finds nothing to change (exit 0 with -detailed-exitcode)
    const plan = await runKeyform(['plan', '--config', seeded.config, '--detailed-exitcode'], cloudsEnv(stack.cloudsYaml), tmpdir());
    expect(plan.stderr).not.toMatch(/error/i);
    expect(plan.stdout).toMatch(/No changes/);
    expect(plan.code).toBe(0);
  }, 180_000);
});
