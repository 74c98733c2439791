import type { ConfigProblem } from '../problems/config-error.ts';
import { choiceHint, problemAt } from '../problems/problem-at.ts';
import type { LandingZone } from '../l2/landing-zone.ts';
import type { Platform } from '../l2/platform.ts';
import type { Tenant } from '../l2/tenant.ts';
import type { Declarations } from './declarations.ts';

/** A tenant with its references resolved. */
export interface ResolvedTenant {
  readonly tenant: Tenant;
  readonly platform: Platform;
  readonly landingZone: LandingZone | undefined;
}

/**
 * Resolves every reference by identifier (tenant → platform and landing zone, landing zone
 * → platform, metering → platform); each one that points nowhere is a problem. Tenants
 * whose references don't resolve are left out of the result.
 */
export function resolveReferences(d: Declarations): { tenants: ResolvedTenant[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const platformIds = [...d.platforms.keys()];
  const unknownPlatform = (source: Tenant['source'], path: readonly string[], id: string, what: string, part: 'key' | 'value') =>
    problemAt(source, path, `${what}: unknown platform ${JSON.stringify(id)}`, platformIds.length ? choiceHint(id, platformIds, 'platforms') : 'declare a platform block first', part);

  for (const z of d.landingZones.values()) {
    if (!d.platforms.has(z.platform)) problems.push(unknownPlatform(z.source, [...z.configPath, 'platform'], z.platform, `landing zone ${JSON.stringify(z.identifier)}`, 'value'));
  }
  for (const m of d.metering) {
    if (!d.platforms.has(m.platform)) problems.push(unknownPlatform(m.source, m.configPath, m.platform, 'metering block', 'key'));
  }
  const tenants: ResolvedTenant[] = [];
  for (const t of d.tenants) {
    const what = `tenant ${t.tenantName}`;
    const platform = d.platforms.get(t.platform);
    if (!platform) problems.push(unknownPlatform(t.source, t.configPath, t.platform, what, 'key'));
    const zone = t.landingZone === undefined ? undefined : d.landingZones.get(t.landingZone);
    const zonePath = () => [...t.configPath, 'landing_zone'];
    if (t.landingZone !== undefined && !zone) {
      const zones = [...d.landingZones.values()].filter((z) => z.platform === t.platform).map((z) => z.identifier);
      const hint = zones.length ? choiceHint(t.landingZone, zones, `landing zones on ${t.platform}`) : `declare landing_zone "${t.landingZone}" { platform = "${t.platform}" }`;
      problems.push(problemAt(t.source, zonePath(), `${what}: unknown landing zone ${JSON.stringify(t.landingZone)}`, hint));
    } else if (zone && zone.platform !== t.platform) {
      problems.push(problemAt(t.source, zonePath(), `${what} on ${JSON.stringify(t.platform)}: landing zone ${JSON.stringify(zone.identifier)} belongs to platform ${JSON.stringify(zone.platform)}`, `choose a landing zone of platform ${JSON.stringify(t.platform)}`));
    }
    if (platform && (t.landingZone === undefined || zone?.platform === t.platform)) tenants.push({ tenant: t, platform, landingZone: zone });
  }
  for (const r of d.extraResources) {
    if (!d.platforms.has(r.resource.platform)) problems.push(problemAt(r.origin.source, r.origin.path, `${r.resource.address}: unknown platform ${JSON.stringify(r.resource.platform)}`, choiceHint(r.resource.platform, platformIds, 'platforms')));
  }
  return { tenants, problems };
}
