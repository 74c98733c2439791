import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTargets, type PlatformTarget } from '../../engine/plan/index.ts';
import { acquireLock, readLock } from '../../engine/lock/index.ts';
import { encodePlan } from '../../plans/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { osc, oscAction } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { seededRandom } from '../support/fault-proxy.ts';
import { KEYFORM, onTerminal } from './on-terminal.ts';
import { adminSession, cloudsEnv, domainOf, ensureCoresRegistered, planNow, platformOf, runId, targetsFor, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';

/**
 * `keyform apply` as a user runs it: a child process of the real CLI, killed with SIGKILL
 * at seeded random points, and racing another holder of the platform's lock.
 */
const opened: PlatformTarget[][] = [];
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const t of opened) closeTargets(t);
  for (const undo of cleanup.reverse()) await undo();
});

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly pid: number;
}

/**
 * Runs `keyform ARGS`; `watch` sees stderr as it grows and may return 'kill' (SIGKILL now)
 * or a callback to run once (e.g. releasing a lock the child waits for).
 */
function keyform(args: readonly string[], env: NodeJS.ProcessEnv, watch?: (stderr: string) => 'kill' | undefined): Promise<Ran> {
  const child = spawn(process.execPath, [KEYFORM, ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    if (watch?.(stderr) === 'kill') child.kill('SIGKILL');
  });
  child.stdout.resume();
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stderr, pid: child.pid ?? -1 })));
}

/** The highest `[n/N]` progress line so far: changes settled and their total. */
function progress(stderr: string): { n: number; total: number } | undefined {
  const all = [...stderr.matchAll(/\[(\d+)\/(\d+)\]/g)];
  const last = all[all.length - 1];
  return last ? { n: Number(last[1]), total: Number(last[2]) } : undefined;
}

/** Kills the child once `fraction` of its changes have settled. */
const killAt = (fraction: number) => (stderr: string): 'kill' | undefined => {
  const p = progress(stderr);
  return p !== undefined && p.n >= Math.max(1, Math.ceil(fraction * p.total)) ? 'kill' : undefined;
};

async function setUp(tenants: number) {
  const run = runId();
  const sys = await adminSession(testStack(), true);
  await ensureCoresRegistered(sys);
  cleanup.push(async () => {
    for (const d of (await ks.listDomains(sys))._unsafeUnwrap().filter((x) => x.name === domainOf(run))) {
      await ks.updateDomain(sys, d.id, { enabled: false });
      await ks.deleteDomain(sys, d.id);
    }
    sys.close();
  });
  const users = [`alice-${run}@x.example`, `bob-${run}@x.example`];
  for (const u of users) {
    const made = (await osc(['user', 'create', '--domain', 'default', u]))._unsafeUnwrap() as { id: string };
    cleanup.push(async () => oscAction(['user', 'delete', made.id]));
  }
  const config = writeConfig({ run, tenants, users: { [users[0]!]: ['admin'], [users[1]!]: ['user', 'reader'] }, cores: 6 });
  const clouds = writeClouds(testStack());
  const { output, targets } = await targetsFor(config, clouds);
  opened.push([...targets]);
  return { run, config, env: cloudsEnv(clouds), output, targets, sys };
}

describe('keyform apply (CLI) against the real Keystone', () => {
  it('converges after being killed mid-apply three times, the dead holders\' locks broken by force-unlock and by expiry', async () => {
    // GIVEN three tenants and kill points drawn from a fixed seed
    const { run, config, env, output, targets } = await setUp(3);
    const r = seededRandom(4242);
    const frac = (): number => 0.1 + r() * 0.5;
    const apply = (extra: string[] = [], watch?: (s: string) => 'kill' | undefined) =>
      keyform(['apply', '--config', config, '--auto-approve', '--parallelism', '4', ...extra], env, watch);
    // WHEN the first apply (its lock good for 5 minutes) is killed part-way
    const first = await apply([], killAt(frac()));
    expect(first.signal).toBe('SIGKILL');
    // THEN the next apply fails at once, naming the dead holder; force-unlock breaks its lock
    const blocked = await apply();
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`(pid ${first.pid})`);
    const id = /lock ID ([0-9a-f]+)/.exec(blocked.stderr)?.[1];
    expect(id).toBeDefined();
    const unlocked = await keyform(['force-unlock', platformOf(run), id!, '--config', config], env);
    expect(unlocked.code).toBe(0);
    expect(unlocked.stderr).toContain(`Broke the apply lock of platform ${platformOf(run)}, held by`);
    // WHEN the second apply is killed, and the third, which waits for the second's lock to expire, too
    // 10 s, not 4: a holder stops writing (fencing) once its renewals failed or lagged for 90% of the
    // TTL less a second; behind its own writes on a loaded single-worker Keystone, 2.6 s (of 4) is reached.
    const short = ['--lock-ttl', '10s'];
    const second = await apply(short, killAt(frac()));
    expect(second.signal, second.stderr).toBe('SIGKILL');
    const third = await apply([...short, '--lock-timeout', '30s'], (s) => (s.includes('Breaking the expired') ? killAt(frac())(s) : undefined));
    expect(third.signal, third.stderr).toBe('SIGKILL');
    expect(third.stderr).toMatch(new RegExp(`Breaking the expired apply lock .*pid ${second.pid}`));
    // AND a last apply waits out the third's lock and finishes
    const last = await apply(['--lock-timeout', '30s']);
    expect(last.stderr).toMatch(new RegExp(`Breaking the expired apply lock .*pid ${third.pid}`));
    expect(last.code, last.stderr).toBe(0);
    // THEN a new plan has no changes, and every object exists once
    expect((await planNow(output, targets)).plan.platforms[0]!.changes.map((c) => c.address)).toEqual([]);
    const projects = (await ks.listProjects(targets[0]!.sessions.session, { tags: `keyform.managed=${platformOf(run)}` }))._unsafeUnwrap();
    expect(projects.map((p) => p.name).sort()).toEqual(['w1.p1', 'w1.p2', 'w1.p3']);
  }, 600_000);

  it('fails naming the holder while another apply holds the lock, before it plans, and with --lock-timeout waits for it', async () => {
    // GIVEN another machine holds the platform's lock
    const { run, config, env, targets } = await setUp(1);
    const t = { platform: platformOf(run), domain: 'default' };
    const held = (await acquireLock(targets[0]!.sessions.session, t, { holder: { host: 'ci-runner-9', pid: 31337, user: 'pipeline' } }))._unsafeUnwrap();
    // WHEN keyform apply runs without waiting
    const refused = await keyform(['apply', '--config', config, '--auto-approve'], env);
    // THEN it fails and names the holder, having written nothing, and shows no plan: the lock comes first
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Platform ${platformOf(run)} is locked by another apply: pipeline@ci-runner-9 (pid 31337)`);
    expect(refused.stderr).not.toContain('Plan:');
    expect((await ks.listProjects(targets[0]!.sessions.session, { tags: `keyform.managed=${platformOf(run)}` }))._unsafeUnwrap()).toEqual([]);
    // WHEN it runs with --lock-timeout and the holder finishes while it waits
    let released = false;
    const waited = await keyform(['apply', '--config', config, '--auto-approve', '--lock-timeout', '60s'], env, (s) => {
      if (!released && s.includes('waiting')) {
        released = true;
        void held.release();
      }
      return undefined;
    });
    // THEN it waited, then applied everything
    expect(released).toBe(true);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stderr).toContain('Apply complete!');
  });

  it('holds the lock from before it plans while it asks for approval on a terminal, and releases it when declined or interrupted', async () => {
    // GIVEN a config with changes to make
    const { run, config, env, targets } = await setUp(1);
    const t = { platform: platformOf(run), domain: 'default' };
    const lockNow = async () => (await readLock(targets[0]!.sessions.session, t))._unsafeUnwrap();
    for (const [answer, says] of [['no\n', 'Apply cancelled: only `yes` approves.'], ['\x03', 'Apply interrupted before it started']] as const) {
      // WHEN keyform apply shows the plan on a terminal and waits for an answer, which is `no`, then Ctrl-C
      const tty = onTerminal(['apply', '--config', config], env);
      await tty.asked;
      const during = await lockNow();
      tty.type(answer);
      const code = await tty.exited;
      // THEN the lock was held while the plan was on screen, nothing was applied, and the lock is gone
      expect(tty.screen()).toContain('Plan: ');
      expect(during?.record?.holder.host).toBe(hostname());
      expect(during?.record?.holder.pid).not.toBe(process.pid);
      expect(code).toBe(1);
      expect(tty.screen()).toContain(says);
      expect(await lockNow()).toBeUndefined();
      expect((await ks.listProjects(targets[0]!.sessions.session, { tags: `keyform.managed=${platformOf(run)}` }))._unsafeUnwrap()).toEqual([]);
    }
  });

  it('applies a saved plan file as reviewed, and refuses it once Keystone moved under it', async () => {
    // GIVEN a saved plan from empty
    const { run, config, env, output, targets } = await setUp(1);
    const file = join(mkdtempSync(join(tmpdir(), 'kf-plan-')), 'reviewed.plan.json');
    writeFileSync(file, encodePlan((await planNow(output, targets)).plan));
    // WHEN it is applied, and then applied again
    const applied = await keyform(['apply', file, '--config', config], env);
    const again = await keyform(['apply', file, '--config', config], env);
    // THEN the first applies every change, and the second is refused as stale, naming what moved
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('Apply complete!');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Saved plan is stale');
    expect(again.stderr).toContain(`keyform_project.tenant["${platformOf(run)}/w1/p1"]`);
  }, 300_000);
});
