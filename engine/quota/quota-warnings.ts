import { ResultAsync, okAsync } from 'neverthrow';
import { parentAddress, quotaKeyInfo, type LiveState, type QuotaService } from '../../constructs/model/index.ts';
import type { Change, Plan, PlatformPlan } from '../../plans/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import { mapPool } from '../util/map-pool.ts';
import { SERVICE_QUOTA_APIS, getQuotaSet, hasService, usageValue } from './service-quota-api.ts';

/** A quota change whose new limit is compared with what the project uses now. */
export interface UsageCheck {
  readonly address: string;
  readonly projectId: string;
  readonly quotaKey: string;
  readonly service: QuotaService;
  /** The limit the project will have (≥ 0: unlimited is never below usage). */
  readonly limit: number;
  /** `set`: the configured value; `default`: the key is removed and goes back to the cloud's default. */
  readonly source: 'set' | 'default';
}

/**
 * The quota changes that may put a limit below usage: a create (the value it replaces is
 * not known), a lowered update, and a delete whose default is below the current value.
 * Quotas of projects the plan creates or replaces are skipped: a new project uses nothing.
 * Pure.
 */
export function usageChecks(changes: readonly Change[], live: LiveState): readonly UsageCheck[] {
  const renewed = new Set(changes.filter((c) => c.kind === 'project' && (c.action === 'create' || c.action === 'replace')).map((c) => c.address));
  const liveIds = new Map(live.resources.filter((r) => r.kind === 'project').map((r) => [r.address, r.ids?.id]));
  const out: UsageCheck[] = [];
  for (const c of changes) {
    const q = c.after ?? c.before;
    if (q?.kind !== 'quota') continue;
    const where = quotaKeyInfo(q.key.quotaKey)?.serviceApi;
    const projectAddress = parentAddress(q, 'project');
    const projectId = (c.before?.kind === 'quota' ? c.before.ids?.projectId : undefined) ?? liveIds.get(projectAddress);
    if (where === undefined || projectId === undefined || renewed.has(projectAddress)) continue;
    const target = newLimit(c, live);
    if (target !== undefined && target.limit >= 0) out.push({ address: c.address, projectId, quotaKey: q.key.quotaKey, service: where.service, ...target });
  }
  return out;
}

function newLimit(c: Change, live: LiveState): { limit: number; source: 'set' | 'default' } | undefined {
  const before = c.before?.kind === 'quota' ? c.before.attrs.value : undefined;
  const lower = (limit: number): boolean => before === undefined || before === -1 || limit < before;
  if (c.after?.kind === 'quota') return c.action === 'update' && !lower(c.after.attrs.value) ? undefined : { limit: c.after.attrs.value, source: 'set' };
  if (c.before?.kind !== 'quota') return undefined;
  const fallback = live.quotaDefaults?.[c.before.key.quotaKey];
  return fallback !== undefined && lower(fallback) ? { limit: fallback, source: 'default' } : undefined;
}

/** The warning for a check, given the usage; undefined when the limit holds what is in use. */
export function usageWarning(check: UsageCheck, used: number | undefined, failure?: string): string | undefined {
  const label = SERVICE_QUOTA_APIS[check.service].label;
  if (failure !== undefined) return `${check.quotaKey}: its usage could not be read from ${label} (${failure}), so keyform cannot tell whether the new limit ${check.limit} is below it.`;
  if (used === undefined || used <= check.limit) return undefined;
  const what = check.source === 'default' ? `goes back to the cloud's default ${check.limit}` : `gets the limit ${check.limit}`;
  return `${check.quotaKey} ${what}, below the ${used} in use now (${label}). Nothing in use is stopped or deleted, but the project can create no more until its usage drops under the limit.`;
}

/**
 * The plan with a warning on every quota change whose new limit is below the project's
 * current usage (`Change.warnings`), read from the services' usage APIs (nova `detail`,
 * cinder `usage=True`, neutron `details`): one call per project and service that has such a
 * change, none for a plan without quota changes. Usage is no part of the snapshot: it moves
 * all the time and must not make a saved plan stale. A usage that cannot be read is a
 * warning too, never silence; it never fails the plan.
 */
export function withQuotaWarnings(plan: Plan, lives: readonly LiveState[], sessionOf: (platform: string) => OpenStackSession | undefined, concurrency = 8): ResultAsync<Plan, never> {
  const work = plan.platforms.map((p) => {
    const live = lives.find((l) => l.platform === p.platform);
    const s = sessionOf(p.platform);
    return live === undefined || s === undefined ? okAsync<PlatformPlan, never>(p) : platformWarnings(p, usageChecks(p.changes, live), s, concurrency);
  });
  return ResultAsync.combine(work).map((platforms) => ({ ...plan, platforms }));
}

function platformWarnings(p: PlatformPlan, checks: readonly UsageCheck[], s: OpenStackSession, concurrency: number): ResultAsync<PlatformPlan, never> {
  const groups = new Map<string, UsageCheck[]>();
  for (const c of checks) {
    const api = SERVICE_QUOTA_APIS[c.service];
    if (api.usage === undefined || !hasService(s, api)) continue;
    const k = `${c.projectId}/${c.service}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  if (groups.size === 0) return okAsync(p);
  const reads = mapPool([...groups.values()], concurrency, (group) => readUsage(s, group[0]!.projectId, group[0]!.service).map((usage) => ({ group, usage })));
  return reads.map((answers) => {
    const warnings = new Map<string, string[]>();
    for (const { group, usage } of answers) {
      for (const c of group) {
        const w = 'failure' in usage ? usageWarning(c, undefined, usage.failure) : usageWarning(c, usage.used[quotaKeyInfo(c.quotaKey)!.serviceApi.name]);
        if (w !== undefined) warnings.set(c.address, [...(warnings.get(c.address) ?? []), w]);
      }
    }
    return { ...p, changes: p.changes.map((c) => (warnings.has(c.address) ? { ...c, warnings: [...(c.warnings ?? []), ...warnings.get(c.address)!] } : c)) };
  });
}

/** A project's usage in one service, by the service's resource names; a failure is kept as its message. */
function readUsage(s: OpenStackSession, projectId: string, service: QuotaService): ResultAsync<{ used: Readonly<Record<string, number>> } | { failure: string }, never> {
  const api = SERVICE_QUOTA_APIS[service];
  const usage = api.usage!;
  return getQuotaSet(s, api, usage.path(projectId), usage.query)
    .map((set) => ({ used: Object.fromEntries(Object.entries(set).flatMap(([k, v]) => { const n = usageValue(v); return n === undefined ? [] : [[k, n]]; })) }))
    .orElse((e) => okAsync({ failure: e.message }));
}
