import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { osc } from '../openstack/osc.ts';
import { testStack } from '../openstack/stack.ts';
import { KEYFORM } from './on-terminal.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { cloudsEnv, domainOf, removeRunDomain, runId, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';

/**
 * `--parallelism` as a user types it reaches Keystone: the sessions open as many connections
 * per host as it asks for (never fewer than 8), so that many writes are in flight at once.
 */
const TENANTS = 12;
/** How long the proxy holds each of the first creates: past the pool, a create waits this long for a free connection. */
const HOLD_MS = 4000;
const runs: string[] = [];
const proxies: FaultProxy[] = [];

afterAll(async () => {
  for (const p of proxies) await p.close();
  for (const run of runs) await removeRunDomain(testStack(), run);
});

/** Runs `keyform ARGS` as a child, as CI runs it; resolves with its exit code and output (stdout and stderr). */
function keyform(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [KEYFORM, ...args], { env: { ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, output })));
}

/**
 * A fresh config of `TENANTS` tenants, and a proxy in front of the real Keystone that holds
 * the apply lock's create and the first 16 project and group creates `HOLD_MS` each. `atOnce()`
 * counts the tenants' creates that reached Keystone before the first of them was answered.
 */
async function heldCreates() {
  const run = runId();
  runs.push(run);
  const config = writeConfig({ run, tenants: TENANTS, users: {} });
  let domainCreated = false;
  const arrivals: number[] = [];
  const proxy = await startFaultProxy({
    target: new URL(testStack().authUrl).origin,
    lifetimeMs: 170_000,
    onRequest: (r) => {
      if (r.method !== 'POST') return;
      // The lock (a group) is created before the run's domain; only the tenants' creates count.
      if (r.path === '/v3/domains') domainCreated = true;
      else if (domainCreated && /^\/v3\/(projects|groups)$/.test(r.path)) arrivals.push(performance.now());
    },
  });
  proxies.push(proxy);
  proxy.script({ match: { method: 'POST', path: /^\/v3\/(projects|groups)$/ }, faults: Array(1 + 16).fill({ kind: 'delay', ms: HOLD_MS }) });
  const atOnce = (): number => arrivals.filter((t) => t < arrivals[0]! + HOLD_MS).length;
  return { run, config, atOnce, env: cloudsEnv(writeClouds(testStack(), { proxyUrl: proxy.url })) };
}

/** The projects of the run's domain, as the openstack CLI lists them. */
async function projectsOf(run: string): Promise<number> {
  return ((await osc(['project', 'list', '--domain', domainOf(run)]))._unsafeUnwrap() as unknown[]).length;
}

describe('keyform apply --parallelism', () => {
  it('keeps 16 creates in flight with `--parallelism 16`, 8 without it, and applies every tenant', async () => {
    // GIVEN two configs of 12 tenants (48 project and group creates ready once the domain exists)
    const wide = await heldCreates();
    const byDefault = await heldCreates();
    // WHEN the user applies one with --parallelism 16 and the other without, as typed in a pipeline
    const a = await keyform(['apply', '--config', wide.config, '--auto-approve', '--parallelism', '16'], wide.env);
    const b = await keyform(['apply', '--config', byDefault.config, '--auto-approve'], byDefault.env);
    // THEN Keystone saw 16 creates at once, and 8 by default; both applies finished
    expect([a.code, a.output.includes('Apply complete')]).toEqual([0, true]);
    expect([b.code, b.output.includes('Apply complete')]).toEqual([0, true]);
    expect(wide.atOnce()).toBe(16);
    expect(byDefault.atOnce()).toBe(8);
    expect(await projectsOf(wide.run)).toBe(TENANTS);
    expect(await projectsOf(byDefault.run)).toBe(TENANTS);
  }, 170_000);

  it('keeps 16 creates in flight when a saved plan is applied with Terraform’s spelling `-parallelism=16`', async () => {
    // GIVEN a saved plan of 12 tenants
    const wide = await heldCreates();
    const plan = join(mkdtempSync(join(tmpdir(), 'kf-parallelism-')), 'tenants.plan');
    const planned = await keyform(['plan', '--config', wide.config, '--out', plan], wide.env);
    expect(planned.code).toBe(0);
    // WHEN the user applies it with -parallelism=16
    const applied = await keyform(['apply', '-parallelism=16', '--config', wide.config, plan], wide.env);
    // THEN Keystone saw 16 creates at once, and every tenant is there
    expect([applied.code, applied.output.includes('Apply complete')]).toEqual([0, true]);
    expect(wide.atOnce()).toBe(16);
    expect(await projectsOf(wide.run)).toBe(TENANTS);
  }, 170_000);
});
