import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../engine/apply/index.ts';
import { closeTargets, type PlatformTarget } from '../../../engine/plan/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { startFaultProxy, type FaultProxy, type ProxyEvent } from '../../support/fault-proxy.ts';
import { domainOf, planNow, platformOf, removeRunDomain, runId, targetsFor, writeClouds, writeConfig } from './apply-fixture.ts';

const TENANTS = 20;
const opened: PlatformTarget[][] = [];
const cleanup: (() => Promise<unknown>)[] = [];
let proxy: FaultProxy | undefined;

afterAll(async () => {
  await proxy?.close();
  for (const t of opened) closeTargets(t);
  for (const undo of cleanup.reverse()) await undo();
});

/** The requests that change Keystone: anything but reads and the token exchange. */
const writesIn = (events: readonly ProxyEvent[]): string[] =>
  events.filter((e) => e.method !== 'GET' && e.method !== 'HEAD' && !e.path.startsWith('/v3/auth/tokens')).map((e) => `${e.method} ${e.path}`);

const idOf = async (args: string[]): Promise<string> => ((await osc(args))._unsafeUnwrap() as { id: string }).id;

describe('a re-apply after one tenant changes', () => {
  it('writes only that tenant’s objects to Keystone, and its plan counts only that tenant’s changes', async () => {
    // GIVEN 20 tenants applied from empty, and a user the identity provider made
    const run = runId();
    const alice = `alice-${run}@x.example`;
    const aliceId = await idOf(['user', 'create', '--domain', 'default', alice]);
    cleanup.push(async () => oscAction(['user', 'delete', aliceId]));
    cleanup.push(() => removeRunDomain(testStack(), run));
    const config = writeConfig({ run, tenants: TENANTS, users: {} });
    const first = await targetsFor(config, writeClouds(testStack()));
    opened.push([...first.targets]);
    const initial = (await applyPlan((await planNow(first.output, first.targets)).plan, first.targets))._unsafeUnwrap();
    expect(initial.counts).toEqual({ done: 7 * TENANTS + 1, failed: 0, skipped: 0, total: 7 * TENANTS + 1 });

    // WHEN tenant p7 gets a tag and alice as admin in the config, and keyform plans and applies
    // through a proxy that sees every request reaching Keystone
    const file = join(config, 'keyform.hcl');
    const before = readFileSync(file, 'utf8');
    const p7 = `  project "p7" {\n    tenant "${platformOf(run)}" { landing_zone = "lz" }\n`;
    expect(before).toContain(p7);
    writeFileSync(file, before.replace(p7, `  project "p7" {\n    tenant "${platformOf(run)}" {\n      landing_zone = "lz"\n      tags         = { tier = "gold" }\n    }\n    user "${alice}" { roles = ["admin"] }\n`));
    proxy = await startFaultProxy({ target: testStack().authUrl.replace(/\/v3$/, '') });
    const again = await targetsFor(config, writeClouds(testStack(), { proxyUrl: proxy.url }));
    opened.push([...again.targets]);
    const { plan } = await planNow(again.output, again.targets);
    const planWrites = writesIn(proxy.events);
    const seen = proxy.events.length;
    const report = (await applyPlan(plan, again.targets))._unsafeUnwrap();
    const applyWrites = writesIn(proxy.events.slice(seen));

    // THEN the plan has two changes, both p7's: its project's tags and alice's membership
    expect(plan.summary).toMatchObject({ add: 1, change: 1, destroy: 0, replace: 0, unchanged: 7 * TENANTS + 1 - 1, errors: 0 });
    expect(plan.platforms[0]!.changes.map((c) => `${c.action} ${c.address}`).sort()).toEqual([
      `create keyform_group_membership.member["${platformOf(run)}/w1/p7/admin/${alice}"]`,
      `update keyform_project.tenant["${platformOf(run)}/w1/p7"]`,
    ]);
    expect(report.counts).toEqual({ done: 2, failed: 0, skipped: 0, total: 2 });
    // and planning wrote nothing; applying wrote p7's tag and alice's membership, besides the apply lock
    // (one group created, its description renewed, then deleted: never one of the tenants' groups)
    expect(planWrites).toEqual([]);
    const domain = await idOf(['domain', 'show', domainOf(run)]);
    const projectId = await idOf(['project', 'show', '--domain', domain, 'w1.p7']);
    const groupId = await idOf(['group', 'show', '--domain', domain, 'w1.p7-admin']);
    const tenantGroups = new Set(((await osc(['group', 'list', '--domain', domain]))._unsafeUnwrap() as { ID: string }[]).map((g) => g.ID));
    const isLock = (w: string): boolean => w === 'POST /v3/groups' || /^(PATCH|DELETE) \/v3\/groups\/[0-9a-f]+$/.test(w) && !tenantGroups.has(w.split('/').pop()!);
    expect(applyWrites.filter((w) => !isLock(w)).sort()).toEqual([
      `PUT /v3/groups/${groupId}/users/${aliceId}`,
      `PUT /v3/projects/${projectId}/tags/kf_tier%3Dgold`,
    ]);
    expect(applyWrites.filter((w) => w === 'POST /v3/groups')).toHaveLength(1);
    // and the openstack CLI sees the tag and the member
    expect(((await osc(['project', 'show', projectId]))._unsafeUnwrap() as { tags: string[] }).tags).toContain('kf_tier=gold');
    expect(((await osc(['user', 'list', '--group', groupId]))._unsafeUnwrap() as { Name: string }[]).map((u) => u.Name)).toEqual([alice]);
  }, 600_000);
});
