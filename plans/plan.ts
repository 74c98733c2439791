import type { DesiredState, LiveState, Resource } from '../constructs/model/index.ts';
import { compareCodeUnits } from '../constructs/model/index.ts';
import type { Change, PlanError, Remark } from './change.ts';
import { digestOf } from './canonical.ts';
import { diff } from './diff.ts';
import { selectTargets } from './targets.ts';

/**
 * The plan file format this keyform writes and reads; any other version is refused.
 * 2: plans carry the live records they were made from (`prior`) and their targets.
 */
export const PLAN_FORMAT_VERSION = 2;

/**
 * Counts as Terraform prints them (`Plan: 1 to add, 2 to change, 0 to destroy.`): a replace
 * adds one object and destroys one, or changes one when the old project is retired instead.
 */
export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Replaces, also counted in `add` and in `destroy` or `change`. */
  readonly replace: number;
  readonly unchanged: number;
  readonly remarks: number;
  readonly errors: number;
}

/** One platform's part of a plan. */
export interface PlatformPlan {
  readonly platform: string;
  /** The Keystone endpoint the snapshot was taken from, without credentials or query. */
  readonly endpoint: string;
  readonly region: string;
  /** `digestOf(live)` of the snapshot the changes were computed against. */
  readonly liveDigest: string;
  /** What the platform should look like: apply recomputes the changes from it to check the plan is fresh. */
  readonly desired: DesiredState;
  /** Every managed object as the snapshot found it, sorted by address: what the changes start from. */
  readonly prior: readonly Resource[];
  /** In execution order (see `order.ts`); with targets, only the targeted ones and what they wait for. */
  readonly changes: readonly Change[];
  /** Addresses whose change the plan's targets left out, sorted; empty without targets. */
  readonly leftOut: readonly string[];
  readonly remarks: readonly Remark[];
  readonly errors: readonly PlanError[];
  readonly summary: PlanSummary;
}

/**
 * A reviewed plan: plain readonly JSON data, written to a file by `encodePlan` and applied
 * exactly as it reads, or not at all. Holds no secret: no password, token or credential
 * reaches any field (endpoints are stripped of user info and query).
 */
export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /** The keyform version that made the plan. */
  readonly toolVersion: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** Sorted by platform id. */
  readonly platforms: readonly PlatformPlan[];
  /**
   * The `--target`s the plan was made with (see `targets.ts`), as given; empty for a full
   * plan. A targeted plan is partial: changes outside the targets are left for a later plan.
   */
  readonly targets: readonly string[];
  readonly summary: PlanSummary;
  /** True when there is something to apply and nothing stops it. */
  readonly applyable: boolean;
  /** True when a platform has errors: the plan cannot be applied. */
  readonly errored: boolean;
}

/** One platform's inputs to a plan. */
export interface PlatformInput {
  readonly desired: DesiredState;
  readonly live: LiveState;
  readonly endpoint: string;
  readonly region: string;
}

/** Builds a plan from each platform's desired and live state. `createdAt` is passed in: planning reads no clock. */
export function createPlan(input: {
  readonly toolVersion: string;
  readonly createdAt: string;
  readonly platforms: readonly PlatformInput[];
  /** `--target`s: plan only what they select and what that depends on. @default [] */
  readonly targets?: readonly string[];
}): Plan {
  const targets = input.targets ?? [];
  const platforms = [...input.platforms]
    .sort((a, b) => compareCodeUnits(a.desired.platform, b.desired.platform))
    .map((p) => platformPlan(p, targets));
  const summary = totalOf(platforms.map((p) => p.summary));
  return {
    formatVersion: PLAN_FORMAT_VERSION, toolVersion: input.toolVersion, createdAt: input.createdAt, platforms, targets, summary,
    applyable: isApplyable(summary), errored: summary.errors > 0,
  };
}

/** Whether a plan with this summary changes anything: something to add, change or destroy (a replace counts there). */
export function hasChanges(s: PlanSummary): boolean {
  return s.add + s.change + s.destroy > 0;
}

/** What `Plan.applyable` says for a plan with this summary: something to apply and no error. */
export function isApplyable(s: PlanSummary): boolean {
  return s.errors === 0 && hasChanges(s);
}

function platformPlan(p: PlatformInput, targets: readonly string[]): PlatformPlan {
  const d = diff(p.desired, p.live);
  const t = selectTargets(d.changes, d.errors, targets);
  return {
    platform: p.desired.platform, endpoint: publicEndpoint(p.endpoint), region: p.region, liveDigest: digestOf(p.live), desired: p.desired,
    prior: p.live.resources, changes: t.selected, leftOut: t.leftOut, remarks: d.remarks, errors: t.errors,
    summary: summarize(t.selected, d.unchanged, d.remarks.length, t.errors.length),
  };
}

/** Counts changes the way `PlanSummary` says. */
export function summarize(changes: readonly Change[], unchanged: number, remarks: number, errors: number): PlanSummary {
  let add = 0, change = 0, destroy = 0, replace = 0;
  for (const c of changes) {
    const deletes = c.operations.some((o) => o.op === 'delete');
    if (c.action === 'create') add++;
    else if (c.action === 'update') change++;
    else if (c.action === 'delete') destroy++;
    else if (c.action === 'replace') {
      replace++;
      add++;
      if (deletes) destroy++;
      else change++;
    }
  }
  return { add, change, destroy, replace, unchanged, remarks, errors };
}

/** The sum of several summaries. */
export function totalOf(summaries: readonly PlanSummary[]): PlanSummary {
  const zero: PlanSummary = { add: 0, change: 0, destroy: 0, replace: 0, unchanged: 0, remarks: 0, errors: 0 };
  return summaries.reduce((t, s) => ({
    add: t.add + s.add, change: t.change + s.change, destroy: t.destroy + s.destroy, replace: t.replace + s.replace,
    unchanged: t.unchanged + s.unchanged, remarks: t.remarks + s.remarks, errors: t.errors + s.errors,
  }), zero);
}

/**
 * An endpoint as a plan may show it: scheme, host, port and path only. User info, query and
 * fragment can carry credentials and are dropped; anything but an http(s) URL is kept only if
 * it holds nothing that could hide them (`@ ? # :`).
 * @example publicEndpoint('https://admin:pw@keystone:5000/v3?token=x') // 'https://keystone:5000/v3'
 */
export function publicEndpoint(endpoint: string): string {
  const u = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (u === undefined || (u.protocol !== 'https:' && u.protocol !== 'http:')) return /[@?#:]/.test(endpoint) ? '(not shown)' : endpoint;
  return `${u.protocol}//${u.host}${u.pathname === '/' && !endpoint.endsWith('/') ? '' : u.pathname}`;
}
