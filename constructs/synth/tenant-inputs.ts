import { isMarkerTag } from '../model/markers.ts';
import { quotaKeyInfo, quotaValueProblems } from '../model/quota-keys.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { roleAliasProblems, keystoneRoleProblems } from '../naming/identifiers.ts';
import { tagEntryProblems, type RoleMapping } from '../l2/declaration-rules.ts';
import type { Declaration } from '../l2/declaration.ts';
import type { LandingZone } from '../l2/landing-zone.ts';
import type { Platform } from '../l2/platform.ts';
import type { Tenant } from '../l2/tenant.ts';
import { compareCodeUnits } from '../model/index.ts';
import { flatString } from '../model/flat-string.ts';

/** Each piece of a tenant's inputs remembers which declaration it came from, to report problems there. */
interface FromDeclaration {
  readonly from: Declaration;
}

/**
 * The role mapping in force for a tenant: the platform's, with the landing zone's entries
 * overriding (or adding) aliases. Invalid entries are left out: they are reported where
 * they were declared.
 */
export function effectiveRoleMapping(platform: Platform, zone: LandingZone | undefined): RoleMapping {
  // Computed once per platform and landing zone: every tenant of the pair shares the (read-only) result.
  let byZone = MAPPINGS.get(platform);
  if (!byZone) MAPPINGS.set(platform, (byZone = new Map()));
  let mapping = byZone.get(zone);
  if (!mapping) byZone.set(zone, (mapping = mergedRoleMapping(platform, zone)));
  return mapping;
}

const MAPPINGS = new WeakMap<Platform, Map<LandingZone | undefined, RoleMapping>>();

function mergedRoleMapping(platform: Platform, zone: LandingZone | undefined): RoleMapping {
  const out: Record<string, string> = {};
  for (const [alias, role] of [...Object.entries(platform.roleMapping), ...Object.entries(zone?.roleMapping ?? {})]) {
    if (roleAliasProblems(alias).length === 0 && keystoneRoleProblems(role).length === 0) out[alias] = role;
  }
  return out;
}

/**
 * The tenant's project tags under the platform prefix (`kf_cost_center=cc-42`), from
 * landing zone < workspace < tenant (later wins), sorted. Tags with problems of their own
 * are left out (reported where declared); a tag that would read as an ownership marker is a
 * problem here, because only the prefix makes it one.
 */
export function tenantTags(t: Tenant, platform: Platform, zone: LandingZone | undefined): { tags: string[]; problems: ConfigProblem[] } {
  const merged = new Map<string, { value: string } & FromDeclaration>();
  const layers: [Declaration, Readonly<Record<string, string>>][] = [[t.project.workspace, t.project.workspace.tags], [t, t.tags]];
  if (zone) layers.unshift([zone, zone.tags]);
  for (const [from, tags] of layers) for (const [k, value] of Object.entries(tags)) merged.set(k, { value, from });
  const tags: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const [key, { value, from }] of merged) {
    if (tagEntryProblems(key, value).length > 0) continue;
    const tag = flatString([platform.tagPrefix, key, '=', value]);
    if (isMarkerTag(tag)) {
      problems.push(from.problem(['tags', key], `tag ${JSON.stringify(tag)} would read as a keyform ownership marker`, `rename the tag or change tag_prefix of platform ${JSON.stringify(platform.identifier)}`, 'key'));
    } else tags.push(tag);
  }
  return { tags: tags.sort(), problems };
}

/** One quota entry of a tenant. */
export interface QuotaEntry extends FromDeclaration {
  readonly key: string;
  readonly value: number;
}

/**
 * The tenant's quotas: the landing zone's, overridden key by key by the tenant's, sorted by
 * key. Invalid entries are left out (reported where declared); a key the platform's backend
 * can't hold is a problem here.
 */
export function tenantQuotas(t: Tenant, platform: Platform, zone: LandingZone | undefined): { quotas: QuotaEntry[]; problems: ConfigProblem[] } {
  const merged = new Map<string, QuotaEntry>();
  for (const [from, quota] of [[zone, zone?.quota ?? {}], [t, t.quota]] as const) {
    if (!from) continue;
    for (const [key, value] of Object.entries(quota)) merged.set(key, { key, value, from });
  }
  const quotas: QuotaEntry[] = [];
  const problems: ConfigProblem[] = [];
  for (const q of merged.values()) {
    const info = quotaKeyInfo(q.key);
    if (!info || quotaValueProblems(q.value).length > 0) continue;
    if (platform.quotaBackend === 'unified-limits' && !info.unifiedLimits) {
      problems.push(q.from.problem(['quota', q.key], `quota ${q.key} has no Keystone unified limit, and platform ${JSON.stringify(platform.identifier)} uses quota_backend "unified-limits"`, 'set quota_backend = "service-apis" on the platform, or remove the key', 'key'));
    } else quotas.push(q);
  }
  return { quotas: quotas.sort((a, b) => compareCodeUnits(a.key, b.key)), problems };
}
