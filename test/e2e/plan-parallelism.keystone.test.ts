import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { seedTenants, type SeededTenants } from '../openstack/seed-tenants.ts';
import { testStack } from '../openstack/stack.ts';
import { cloudsEnv, runId } from '../engine/apply/apply-fixture.ts';
import { KEYFORM } from './on-terminal.ts';

/**
 * `keyform plan --parallelism N` as a user types it, against the real Keystone: the snapshot's
 * membership reads (one call per user or per group; Keystone has no list of memberships) are
 * counted in flight through a proxy that holds each of them.
 */
const HOLD_MS = 1500;
/** Membership reads, whichever way the snapshot chooses. */
const MEMBERSHIP_READ = /^\/v3\/(users\/[^/]+\/groups|groups\/[^/]+\/users)/;

let seeded: SeededTenants;
let proxy: FaultProxy;
let cloudsFile: string;
const arrivals: number[] = [];

beforeAll(async () => {
  // GIVEN 12 tenants (36 groups) and 30 users of this run's own platform in the real Keystone
  const stack = testStack();
  const run = runId();
  seeded = (await seedTenants({ stack, tenants: 12, users: 30, platform: `par-${run}`, domain: `kfpar-${run}`, configDir: mkdtempSync(join(tmpdir(), 'kf-par-')) }))._unsafeUnwrap();
  // AND every call of the config's clouds (`admin`, `admin-system`) going through a proxy that notes when each membership read arrives
  proxy = await startFaultProxy({
    target: new URL(stack.authUrl).origin,
    lifetimeMs: 300_000,
    onRequest: (r) => {
      if (r.method === 'GET' && MEMBERSHIP_READ.test(r.path)) arrivals.push(performance.now());
    },
  });
  const { clouds } = parse(readFileSync(stack.cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: Record<string, unknown> }> };
  const viaProxy = Object.fromEntries(Object.entries(clouds).map(([name, c]) => [name, { ...c, auth: { ...c.auth, auth_url: `${proxy.url}/v3` }, identity_endpoint_override: `${proxy.url}/v3` }]));
  cloudsFile = join(mkdtempSync(join(tmpdir(), 'kf-par-clouds-')), 'clouds.yaml');
  writeFileSync(cloudsFile, stringify({ clouds: viaProxy }), { mode: 0o600 });
}, 180_000);

afterAll(async () => {
  await proxy?.close();
});

/** Runs `keyform ARGS` as a child process; its exit code and output. */
function keyform(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [KEYFORM, ...args], { env: cloudsEnv(cloudsFile), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/**
 * `keyform plan` (a no-op plan) or `keyform snapshot` with every membership read held
 * `HOLD_MS`: how many reads reached Keystone before the first answer could come back.
 */
async function inFlight(command: 'plan' | 'snapshot' | 'apply', parallelismArgs: readonly string[]): Promise<number> {
  arrivals.length = 0;
  proxy.clearScript();
  proxy.script({ match: { method: 'GET', path: MEMBERSHIP_READ }, faults: Array(200).fill({ kind: 'delay', ms: HOLD_MS }) });
  const extra = { plan: ['--detailed-exitcode'], snapshot: [], apply: ['--auto-approve'] }[command];
  const r = await keyform([command, '--config', seeded.config, ...extra, ...parallelismArgs]);
  const shows = { plan: [/No changes/, /^$/], snapshot: [/"resources"/, /^Snapshot of platform par-.*API calls/], apply: [/^$/, /No changes/] }[command];
  expect(r.stdout).toMatch(shows[0]!);
  expect(r.stderr).toMatch(shows[1]!);
  expect(r.code).toBe(0);
  // A read past the limit waits for an answer, which comes no sooner than HOLD_MS after the first read arrived.
  const first = Math.min(...arrivals);
  expect(arrivals.length).toBeGreaterThan(12);
  return arrivals.filter((t) => t < first + HOLD_MS).length;
}

describe('keyform plan --parallelism', () => {
  it('sends the snapshot\'s reads N at a time, fewer or more than the default 8, in both spellings', async () => {
    // WHEN a no-op plan runs with --parallelism 3, then with Terraform's -parallelism=12, then without
    const three = await inFlight('plan', ['--parallelism', '3']);
    const twelve = await inFlight('plan', ['-parallelism=12']);
    const byDefault = await inFlight('plan', []);

    // THEN Keystone saw 3, 12 and 8 membership reads at once
    expect([three, twelve, byDefault]).toEqual([3, 12, 8]);
  }, 240_000);

  it('gives keyform snapshot the same option', async () => {
    // WHEN the live state is printed with --parallelism 5
    const five = await inFlight('snapshot', ['--parallelism', '5']);

    // THEN Keystone saw 5 membership reads at once
    expect(five).toBe(5);
  }, 120_000);

  it('gives keyform apply\'s own plan the same reads in flight as its writes', async () => {
    // WHEN apply without a plan file (nothing to change) runs with --parallelism 5
    const five = await inFlight('apply', ['--parallelism', '5']);

    // THEN the plan it makes first sent Keystone 5 membership reads at once
    expect(five).toBe(5);
  }, 120_000);

  it('refuses a parallelism that is not a whole number of at least 1, saying what it takes', async () => {
    // WHEN the plan is asked for 0 reads in flight
    const r = await keyform(['plan', '--config', seeded.config, '--parallelism', '0']);

    // THEN it fails before reading anything, naming the option and an example
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--parallelism takes a whole number ≥ 1 \(got "0"\), e\.g\. --parallelism 4/);
    expect(r.stdout).toBe('');
  }, 60_000);
});
