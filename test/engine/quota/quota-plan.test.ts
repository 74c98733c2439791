import { describe, expect, it } from 'vitest';
import { address, type DesiredState, type LiveState, type QuotaResource } from '../../../constructs/model/index.ts';
import { createPlan, decodePlan, diff, encodePlan, renderJson, renderMarkdown, renderText } from '../../../plans/index.ts';

/**
 * How quotas reach the plan: a key the backend cannot hold is a plan error, and warnings the
 * engine adds to a change (quota below usage) survive the plan file and reach every renderer.
 */
const P = 'os-prod';
const quota = (quotaKey: string, value: number, backend: QuotaResource['attrs']['backend']): QuotaResource => ({
  kind: 'quota', address: address('quota', [P, 'acme', 'web', quotaKey]), platform: P, key: { workspace: 'acme', project: 'web', quotaKey }, attrs: { value, backend },
});
const live = (quotaDefaults?: Readonly<Record<string, number>>): LiveState => ({
  platform: P, resources: [], unmanaged: [], users: {}, roles: {}, domains: {}, ...(quotaDefaults ? { quotaDefaults } : {}),
});

describe('quotas in the plan', () => {
  it('refuses a unified-limits key without a registered limit, telling how to register one', () => {
    // GIVEN two declared keys, of which Keystone has a registered limit for one
    const desired: DesiredState = { platform: P, tagPrefix: 'kf_', resources: [quota('compute.cores', 8, 'unified-limits'), quota('volume.volumes', 4, 'unified-limits')] };
    // WHEN the diff is made
    const d = diff(desired, live({ 'compute.cores': 20 }));
    // THEN the other is an error naming the command that fixes it, and only the registered one is planned
    expect(d.errors.map((e) => [e.kind, e.name])).toEqual([['quota-unavailable', 'volume.volumes']]);
    expect(d.errors[0]!.message).toContain('openstack registered limit create --service volumev3 --region REGION --default-limit N volumes');
    expect(d.changes.map((c) => c.address)).toEqual([quota('compute.cores', 8, 'unified-limits').address]);
  });

  it('refuses a service-apis key whose service the cloud lacks', () => {
    // GIVEN a load-balancer key on a cloud whose defaults show no octavia
    const desired: DesiredState = { platform: P, tagPrefix: 'kf_', resources: [quota('loadbalancer.pool', 4, 'service-apis')] };
    // WHEN the diff is made
    const d = diff(desired, live({ 'compute.cores': 20 }));
    // THEN it is an error that says the service is missing
    expect(d.errors.map((e) => e.message)).toEqual([expect.stringContaining('the cloud has no load-balancer quota API with pool')]);
  });

  it('shows a change\'s warnings in the text, Markdown and JSON renderings, and keeps them through the plan file', () => {
    // GIVEN a plan whose quota change carries a warning, as the engine adds it
    const made = createPlan({ toolVersion: 't', createdAt: '2026-01-01T00:00:00.000Z', platforms: [{ desired: { platform: P, tagPrefix: 'kf_', resources: [quota('compute.instances', 0, 'service-apis')] }, live: live(), endpoint: 'http://k/v3', region: 'R' }] });
    const warning = 'compute.instances gets the limit 0, below the 1 in use now (nova).';
    const plan = { ...made, platforms: made.platforms.map((p) => ({ ...p, changes: p.changes.map((c) => ({ ...c, warnings: [warning] })) })) };
    // WHEN it is written, read back and rendered
    const read = decodePlan(encodePlan(plan))._unsafeUnwrap();
    // THEN every rendering shows the warning
    expect(renderText(read, { color: false })).toContain(`# Warning: ${warning}`);
    expect(renderMarkdown(read)).toContain('> [!IMPORTANT]\n> **1 warning:**');
    const address = read.platforms[0]!.changes[0]!.address;
    expect((JSON.parse(renderJson(read)) as { keyform: { platforms: { warnings: Record<string, string[]> }[] } }).keyform.platforms[0]!.warnings[address]).toEqual([warning]);
  });
});
