import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTargets, type PlatformTarget } from '../../engine/plan/index.ts';
import { readLock } from '../../engine/lock/index.ts';
import { osc } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { KEYFORM, onTerminal } from './on-terminal.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { cloudsEnv, platformOf, runId, targetsFor, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';

/**
 * The apply lock as a user meets it through the real CLI: a Keystone whose group creates
 * fail (a backend down behind a load balancer) must not be flooded, a signal must stop the
 * wait, and force-unlock must not break a live holder without the lock's ID.
 */
const opened: PlatformTarget[][] = [];
const proxies: FaultProxy[] = [];

afterAll(async () => {
  for (const t of opened) closeTargets(t);
  for (const p of proxies) await p.close();
});

/** Runs `keyform ARGS` as a child; `onStart` gets the child (to signal it). */
function keyform(args: readonly string[], env: NodeJS.ProcessEnv, onStart?: (kill: (sig: NodeJS.Signals) => void) => void) {
  const child = spawn(process.execPath, [KEYFORM, ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.resume();
  onStart?.((sig) => child.kill(sig));
  return new Promise<{ code: number | null; stderr: string; endedAt: number }>((done) => child.on('close', (code) => done({ code, stderr, endedAt: performance.now() })));
}

/** A config of one tenant, and a proxy in front of the real Keystone that answers 503 to every group create. */
async function behindFailingCreates() {
  const run = runId();
  const config = writeConfig({ run, tenants: 1, users: {} });
  const proxy = await startFaultProxy({ target: new URL(testStack().authUrl).origin, maxRequests: 2000, lifetimeMs: 120_000 });
  proxies.push(proxy);
  proxy.script({ match: { method: 'POST', path: /^\/v3\/groups$/ }, faults: Array.from({ length: 2000 }, () => ({ kind: 'status', status: 503 }) as const) });
  // Lock attempts, as the proxy saw them, with the time each arrived.
  const attempts: number[] = [];
  const seen = proxy.events.length;
  const timer = setInterval(() => {
    for (let i = attempts.length; i < proxy.events.filter((e) => e.method === 'POST' && e.path === '/v3/groups').length; i++) attempts.push(performance.now());
  }, 20);
  return { run, config, proxy, attempts, seen, stopCounting: () => clearInterval(timer), env: cloudsEnv(writeClouds(testStack(), { proxyUrl: proxy.url })) };
}

/** The most lock attempts within any one second. */
function peakPerSecond(times: readonly number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! > 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

describe('the apply lock of keyform apply (CLI) against the real Keystone', () => {
  it('backs off and gives up at --lock-timeout when Keystone answers 503 to every group create, with fewer than 50 attempts', async () => {
    // GIVEN a proxy answering 503 to POST /v3/groups, and no lock anywhere
    const x = await behindFailingCreates();
    // WHEN keyform apply waits up to 5 s for the lock
    const ran = await keyform(['apply', '--config', x.config, '--auto-approve', '--lock-timeout', '5s'], x.env);
    x.stopCounting();
    // THEN it failed naming the 503, after ~5 s of attempts plus one round, at a few attempts a second
    const first = x.attempts[0]!;
    const span = (ran.endedAt - first) / 1000;
    console.log(`[lock flood] ${x.attempts.length} lock attempts (POST /v3/groups) in ${span.toFixed(1)} s, peak ${peakPerSecond(x.attempts)}/s, ${x.proxy.events.length} requests in all`);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('POST http://127.0.0.1');
    expect(ran.stderr).toMatch(/answered 503.*gave up taking the apply lock after \d+ failed attempts/s);
    expect(x.attempts.length).toBeGreaterThan(2);
    expect(x.attempts.length).toBeLessThan(50);
    expect(span).toBeGreaterThan(3.5);
    expect(span).toBeLessThan(5 + 4);
    expect(peakPerSecond(x.attempts)).toBeLessThanOrEqual(5);
    // AND no lock and no project was left behind
    expect(((await osc(['group', 'list', '--domain', 'default']))._unsafeUnwrap() as { Name: string }[]).map((g) => g.Name)).not.toContain(`keyform-lock-${platformOf(x.run)}`);
  });

  it('stops retrying at once on the first SIGINT', async () => {
    // GIVEN the same fault, and an apply that would retry for a minute
    const x = await behindFailingCreates();
    let interruptedAt = 0;
    // WHEN it gets SIGINT once its third attempt was refused
    const ran = await keyform(['apply', '--config', x.config, '--auto-approve', '--lock-timeout', '60s'], x.env, (kill) => {
      const poll = setInterval(() => {
        if (x.attempts.length < 3) return;
        clearInterval(poll);
        interruptedAt = performance.now();
        kill('SIGINT');
      }, 20);
    });
    x.stopCounting();
    const requestsAtExit = x.proxy.events.length;
    // THEN it ended within a round, saying it was stopped, and sent nothing more
    const took = ran.endedAt - interruptedAt;
    console.log(`[lock SIGINT] exited ${took.toFixed(0)} ms after SIGINT, ${x.attempts.length} lock attempts`);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('stopped by a signal (SIGINT or SIGTERM) while taking it');
    expect(took).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 500));
    expect(x.proxy.events.length).toBe(requestsAtExit);
  });

  it('force-unlock refuses a live holder without the lock ID; with it, it breaks the lock and the holder stops before its first write', async () => {
    // GIVEN an apply on a terminal, holding the lock while it asks for approval
    const run = runId();
    const config = writeConfig({ run, tenants: 1, users: {} });
    const env = cloudsEnv(writeClouds(testStack()));
    const { targets } = await targetsFor(config, writeClouds(testStack()));
    opened.push([...targets]);
    const holder = onTerminal(['apply', '--config', config], env);
    await holder.asked;
    const id = /lock ID ([0-9a-f]+)/.exec(holder.screen())?.[1];
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    // WHEN force-unlock runs without the ID
    const refused = await keyform(['force-unlock', platformOf(run), '--config', config], env);
    // THEN it refuses, saying who holds the lock, since when, and that it is live; the lock stays
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Refusing to break the apply lock of platform ${platformOf(run)} without its lock ID`);
    expect(refused.stderr).toMatch(new RegExp(`held by \\S+@${hostname()} \\(pid \\d+\\) since \\d{4}-\\d\\d-\\d\\dT`));
    expect(refused.stderr).toContain('renewed within its TTL');
    expect((await readLock(targets[0]!.sessions.session, { platform: platformOf(run), domain: 'default' }))._unsafeUnwrap()?.record?.token).toBe(id);
    // WHEN force-unlock runs with the ID, and the holder is then told `yes`
    const broke = await keyform(['force-unlock', platformOf(run), id!, '--config', config], env);
    expect(broke.code, broke.stderr).toBe(0);
    expect(broke.stderr).toContain(`Broke the apply lock of platform ${platformOf(run)}`);
    holder.type('yes\n');
    const code = await holder.exited;
    // THEN the holder said its lock was lost and wrote nothing: no project exists (the openstack CLI says)
    expect(code).toBe(1);
    expect(holder.screen()).toContain(`The apply lock of platform ${platformOf(run)} was lost`);
    const projects = (await osc(['project', 'list', '--tags', `keyform.managed=${platformOf(run)}`]))._unsafeUnwrap() as unknown[];
    expect(projects).toEqual([]);
  });
});
