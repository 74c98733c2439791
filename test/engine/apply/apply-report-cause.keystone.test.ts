import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, applyPlatform, renderApplyReport } from '../../../engine/apply/index.ts';
import { closeTargets, openTargets, snapshotTarget, type PlatformTarget } from '../../../engine/plan/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { synthConfig } from '../../../constructs/index.ts';
import { osc } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';
import { adminSession, cloudsEnv, planNow, runId, targetsFor, writeClouds, writeConfig } from './apply-fixture.ts';

/**
 * What an apply report keeps of a failed write, and how creates are retried: against the real
 * Keystone, whose 403 carries its own request id (found again in Keystone's log), and through
 * the fault proxy for 503/429 answers with Retry-After.
 */
const opened: PlatformTarget[][] = [];
const runs: string[] = [];
let sys: OpenStackSession;

beforeAll(async () => {
  sys = await adminSession(testStack(), true);
});

afterAll(async () => {
  opened.forEach(closeTargets);
  // Everything a run made lives in its domains: disabled, then deleted, they take it along.
  const ds = (await ks.listDomains(sys))._unsafeUnwrap().filter((d) => runs.some((r) => d.name.startsWith(`${r}-`)));
  for (const d of ds) {
    await ks.updateDomain(sys, d.id, { enabled: false });
    await ks.deleteDomain(sys, d.id);
  }
  sys.close();
});

describe('the apply report of a write Keystone refuses', () => {
  it("keeps the failure's kind, HTTP status and Keystone's request id, in the JSON report and the text", async () => {
    // GIVEN a plan from empty made with the replicator account, and the same platform opened with the auditor account
    // (reader on project admin: Keystone refuses its writes)
    const run = runId();
    runs.push(run);
    const config = writeConfig({ run, tenants: 1, users: {} });
    const admin = await targetsFor(config, writeClouds(testStack()));
    const session = (await openSession(loadCloud({ cloud: 'auditor', files: { clouds: testStack().cloudsYaml }, env: {} })._unsafeUnwrap()))._unsafeUnwrap();
    const auditor: PlatformTarget = { settings: admin.targets[0]!.settings, sessions: { session, limitsSession: undefined, close: () => session.close() } };
    opened.push([...admin.targets], [auditor]);
    const planned = await planNow(admin.output, admin.targets);
    // WHEN the auditor's sessions carry out the platform's changes
    const fresh = (await snapshotTarget(admin.targets[0]!, admin.output.platforms[0]!))._unsafeUnwrap();
    const report = await applyPlatform(planned.plan.platforms[0]!, auditor, fresh);
    // THEN the first write (the workspace's domain) failed with Keystone's 403, and everything after it waited
    const failed = report.changes.filter((c) => c.status === 'failed');
    expect(failed.map((c) => [c.kind, c.action])).toEqual([['domain', 'create']]);
    expect(report.changes.filter((c) => c.status === 'skipped').length).toBe(report.changes.length - 1);
    const cause = failed[0]!.cause!;
    expect(cause).toMatchObject({ kind: 'forbidden', status: 403 });
    expect(cause.requestId).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // AND the request id is Keystone's own: its log names it on the refusal
    const log = readFileSync(join(testStack().dir, 'log', 'keystone.log'), 'utf8').split('\n').filter((l) => l.includes(cause.requestId!));
    expect(log.join('\n')).toMatch(/403|not authorized|Forbidden/i);
    // AND the JSON report carries it as data, the text report names the request id
    const json = JSON.parse(JSON.stringify(report)) as { changes: { cause?: unknown }[] };
    expect(json.changes.find((c) => c.cause !== undefined)?.cause).toEqual(cause);
    expect(renderApplyReport({ formatVersion: 1, succeeded: false, interrupted: false, counts: report.counts, platforms: [report] })).toContain(`[request ${cause.requestId}]`);
    // AND nothing was written: the openstack CLI finds no domain of the run
    const domains = (await osc(['domain', 'list'], { cloud: 'admin' }))._unsafeUnwrap() as { Name: string }[];
    expect(domains.filter((d) => d.Name.startsWith(`${run}-`))).toEqual([]);
  });
});

describe('creates under 503 and 429 with Retry-After', () => {
  it('are sent again after the wait the service asked for, counted in the report, and made once', async () => {
    // GIVEN a proxy in front of Keystone and a plan from empty made through it (two tenants: two project creates)
    const stack = testStack();
    const run = runId();
    runs.push(run);
    const config = writeConfig({ run, tenants: 2, users: {} });
    const proxy = await startFaultProxy({ target: new URL(stack.authUrl).origin, maxRequests: 2000, lifetimeMs: 120_000 });
    const logs: string[] = [];
    const output = (await synthConfig(config))._unsafeUnwrap().output;
    const settings = output.platforms.map((d) => output.settings[d.platform]!);
    const targets = (await openTargets(settings, { env: cloudsEnv(writeClouds(stack, { proxyUrl: proxy.url })), log: (l) => logs.push(l) }))._unsafeUnwrap();
    opened.push([...targets]);
    const planned = await planNow(output, targets);
    // WHEN the first project create answers 503 and the next 429, each with Retry-After: 1, and the plan is applied
    proxy.script({ match: { method: 'POST', path: /\/v3\/projects$/ }, faults: [
      { kind: 'status', status: 503, headers: { 'retry-after': '1' } },
      { kind: 'status', status: 429, headers: { 'retry-after': '1' } },
    ] });
    const applied = (await applyPlan(planned.plan, targets, { parallelism: 4 }))._unsafeUnwrap();
    await proxy.close();
    // THEN it succeeded, and the report counts the two retries the proxy forced
    expect(applied.succeeded).toBe(true);
    expect(proxy.events.filter((e) => e.method === 'POST' && e.status !== undefined && e.status >= 429).map((e) => e.status)).toEqual([503, 429]);
    expect(applied.platforms[0]!.retries).toBe(2);
    // AND each retry waited the second Retry-After asked for (not the jittered backoff of at most 250 ms)
    const retries = logs.filter((l) => /^retry \d\/\d+ of POST .*\/v3\/projects after (503|429) in \d+ ms$/.test(l));
    expect(retries.map((l) => l.replace(/.* after (\d+) in (\d+) ms$/, '$1 $2'))).toEqual(['503 1000', '429 1000']);
    // AND the openstack CLI sees each project once
    const projects = (await osc(['project', 'list', '--long'], { cloud: 'admin' }))._unsafeUnwrap() as { Name: string; 'Domain ID': string }[];
    const domain = ((await osc(['domain', 'show', `${run}-w1`], { cloud: 'admin' }))._unsafeUnwrap() as { id: string }).id;
    expect(projects.filter((p) => p['Domain ID'] === domain).map((p) => p.Name).sort()).toEqual(['w1.p1', 'w1.p2']);
  });
});
