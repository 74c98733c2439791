import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { okAsync } from 'neverthrow';
import { afterEach, describe, expect, it } from 'vitest';
import { runId } from '../engine/apply/apply-fixture.ts';
import { writeCloudsYaml } from './clouds-yaml.ts';
import { keystoneUrl, startExtraKeystoneService, startKeystoneService } from './keystone-service.ts';
import { osc } from './osc.ts';
import { type TrackedProcess, stopProcessGroups } from './processes.ts';
import { seedTenants } from './seed-tenants.ts';
import { type SeededKeystone, seededKeystone } from './seeded-keystone.ts';
import { freeExtraKeystonePort } from './stack-layout.ts';
import { testStack } from './stack.ts';

// Two runs that pick the same free port at once: the shared stack's Keystone stands for the
// run that bound it first. Before the fix, the second Keystone's start succeeded on the
// first one's answers, a seed's API writes went to that first Keystone and its SQL rows into
// the second one's file, and Keystone restarted on that file lacked the domain, the
// service and the registered limit.
const takenPort = (): number => Number(new URL(testStack().authUrl).port);

const started: TrackedProcess[] = [];
const seeded: SeededKeystone[] = [];
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'kf-seeded-'));
  dirs.push(dir);
  return dir;
};

/** Stops a seeded Keystone before the test ends (afterEach stops those still running). */
async function stopSeeded(k: SeededKeystone): Promise<void> {
  seeded.splice(seeded.indexOf(k), 1);
  (await k.stop())._unsafeUnwrap();
}

afterEach(async () => {
  await stopProcessGroups(started.splice(0));
  for (const k of seeded.splice(0)) await k.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What the openstack CLI finds of a seed in the Keystone behind `cloudsYaml`. */
async function readBack(cloudsYaml: string, port: number, dir: string, domain: string) {
  const stack = { cloudsYaml, authUrl: keystoneUrl(port), dir };
  const domains = (await osc(['domain', 'list'], { stack }))._unsafeUnwrap() as { Name: string }[];
  const services = (await osc(['service', 'list'], { stack }))._unsafeUnwrap() as { Type: string; ID: string }[];
  const registered = (await osc(['registered', 'limit', 'list'], { stack, cloud: 'admin-system' }))._unsafeUnwrap() as { 'Service ID': string; 'Resource Name': string }[];
  const hasDomain = domains.some((d) => d.Name === domain);
  const projects = hasDomain ? ((await osc(['project', 'list', '--domain', domain], { stack }))._unsafeUnwrap() as unknown[]).length : 0;
  const compute = services.find((s) => s.Type === 'compute');
  return {
    domain: hasDomain,
    computeService: compute !== undefined,
    registeredLimit: registered.some((r) => r['Service ID'] === compute?.ID && r['Resource Name'] === 'class:VCPU'),
    projects,
  };
}

describe('a Keystone started on a port another one took', () => {
  it('fails PortInUse instead of passing the other Keystone off as itself', async () => {
    // GIVEN a port a Keystone already serves (as when another run bound the chosen port first)
    const port = takenPort();

    // WHEN a second Keystone is started on it
    const result = await startKeystoneService({ dir: tempDir(), port });
    if (result.isOk()) started.push(result.value);

    // THEN the start fails, naming the port and the way out
    expect(result.isErr() && result.error).toMatchObject({ kind: 'PortInUse', port });
    expect(result.isErr() && result.error.message).toMatch(/another process bound it after it was found free/);
  }, 120_000);
});

describe('seedTenants', () => {
  it('writes nothing when its API calls reach another Keystone than the one on its database', async () => {
    // GIVEN a Keystone of this test's own, and the clouds.yaml of another (the shared stack)
    const dir = tempDir();
    const own = (await startExtraKeystoneService({ dir }))._unsafeUnwrap();
    started.push(own.process);
    const ownStack = { cloudsYaml: writeCloudsYaml(dir, keystoneUrl(own.port))._unsafeUnwrap(), authUrl: keystoneUrl(own.port), dir };
    const domain = `kfseed-${runId()}`;

    // WHEN the seed's API part goes to the other Keystone and its SQL part to this one's database
    const seeded = await seedTenants({ stack: { dir, cloudsYaml: testStack().cloudsYaml }, tenants: 5, users: 3, platform: 'seed', domain, configDir: join(dir, 'config') });

    // THEN it fails, naming what the database lacks, and the own Keystone holds no seeded project nor user
    expect(seeded.isErr() && seeded.error.kind).toBe('CommandFailed');
    expect(seeded.isErr() && seeded.error.message).toMatch(/domain [0-9a-f]{32}.* not in the database of .*: the API calls reached another Keystone/);
    const projects = (await osc(['project', 'list'], { stack: ownStack }))._unsafeUnwrap() as { Name: string }[];
    expect(projects.map((p) => p.Name)).toEqual(['admin']);
    const users = (await osc(['user', 'list'], { stack: ownStack }))._unsafeUnwrap() as { Name: string }[];
    expect(users.map((u) => u.Name)).toEqual(['admin']);
  }, 180_000);
});

describe('seededKeystone', () => {
  it('keeps what the seed made through the API across the restart, even when the first port it picks is taken', async () => {
    // GIVEN a port picker whose first pick is a port another Keystone serves
    const dir = join(tempDir(), 'seeded');
    const picks: number[] = [];
    const choosePort = (tried: readonly number[]) => (tried.length === 0 ? okAsync(takenPort()) : freeExtraKeystonePort(tried)).map((p) => (picks.push(p), p));
    const domain = `kfseed-${runId()}`;
    const o = { dir, tenants: 20, users: 5, workers: 2, platform: 'seed', domain, print: () => undefined, choosePort };

    // WHEN 20 tenants are seeded and Keystone restarted on the file, as the snapshot bench does
    const first = (await seededKeystone(o))._unsafeUnwrap();
    seeded.push(first);

    // THEN the taken port was passed over, and the openstack CLI reads back the domain, the compute service, its registered limit and the 20 projects
    expect(picks[0]).toBe(takenPort());
    expect(first.port).not.toBe(takenPort());
    expect(first.reused).toBe(false);
    expect(await readBack(first.cloudsFile, first.port, dir, domain)).toEqual({ domain: true, computeService: true, registeredLimit: true, projects: 20 });

    // AND a later run restarts Keystone on the kept file and reads the same back
    await stopSeeded(first);
    const again = (await seededKeystone(o))._unsafeUnwrap();
    seeded.push(again);
    expect(again.reused).toBe(true);
    expect(await readBack(again.cloudsFile, again.port, dir, domain)).toEqual({ domain: true, computeService: true, registeredLimit: true, projects: 20 });
  }, 400_000);

  it('gives a kept seed to one run at a time: a second run wanting it waits for the first to stop', async () => {
    // GIVEN two runs (say two worktrees' benches) wanting the same kept seed at once
    const dir = join(tempDir(), 'seeded');
    const domain = `kfseed-${runId()}`;
    const o = { dir, tenants: 20, users: 5, workers: 1, platform: 'seed', domain, print: () => undefined };
    const done: SeededKeystone[] = [];
    const runs = [seededKeystone(o), seededKeystone(o)].map((r) => r.map((k) => (done.push(k), seeded.push(k), k)));

    // WHEN the first to get it has it
    await Promise.race(runs);
    const first = done[0]!;

    // THEN it seeded the folder, reads back the whole seed, and the other run is still waiting
    expect(first.reused).toBe(false);
    expect(await readBack(first.cloudsFile, first.port, dir, domain)).toEqual({ domain: true, computeService: true, registeredLimit: true, projects: 20 });
    expect(done).toHaveLength(1);

    // AND once it stops, the other run gets the kept seed, whole
    await stopSeeded(first);
    await Promise.all(runs);
    const second = done[1]!;
    expect(second.reused).toBe(true);
    expect(await readBack(second.cloudsFile, second.port, dir, domain)).toEqual({ domain: true, computeService: true, registeredLimit: true, projects: 20 });
  }, 400_000);
});
