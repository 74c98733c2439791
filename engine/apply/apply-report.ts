import type { Remark } from '../../plans/index.ts';
import type { ErrorCause } from '../openstack/index.ts';
import type { ChangeOutcome } from './run-changes.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';

/** Change counts by outcome. */
export interface ApplyCounts {
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  readonly total: number;
}

/**
 * One platform's part of an apply:
 *
 * | result       | meaning                                                                  |
 * |--------------|--------------------------------------------------------------------------|
 * | `applied`    | every change done                                                        |
 * | `partial`    | some changes failed or were skipped; the next plan converges from here   |
 * | `refused`    | nothing was written (stale plan, lock held, …): `error` says why          |
 * | `no-changes` | the plan had nothing to do on this platform                              |
 */
export interface PlatformApplyReport {
  readonly platform: string;
  readonly result: 'applied' | 'partial' | 'refused' | 'no-changes';
  readonly counts: ApplyCounts;
  /** Sorted by address. */
  readonly changes: readonly ChangeOutcome[];
  /** The plan's replication remarks (bound users without a Keystone user). */
  readonly remarks: readonly Remark[];
  /** Refused, or stopped by a lost lock: why, and what to do. */
  readonly error?: string;
  /** The kind (and HTTP status, request id) of the error behind `error`. */
  readonly cause?: ErrorCause;
  /** HTTP requests sent while running the changes, retries included. */
  readonly requests: number;
  readonly retries: number;
  readonly seconds: number;
}

/** What an apply did, per platform: plain JSON data, the `--format json` output of `keyform apply`. */
export interface ApplyReport {
  readonly formatVersion: 1;
  /** True when every platform was applied (or had nothing to do). */
  readonly succeeded: boolean;
  /** True when SIGINT/SIGTERM or a lost lock stopped it early. */
  readonly interrupted: boolean;
  readonly counts: ApplyCounts;
  /** Sorted by platform. */
  readonly platforms: readonly PlatformApplyReport[];
}

/** Counts the outcomes. */
export function countOutcomes(outcomes: readonly ChangeOutcome[]): ApplyCounts {
  const n = (s: ChangeOutcome['status']): number => outcomes.filter((o) => o.status === s).length;
  return { done: n('done'), failed: n('failed'), skipped: n('skipped'), total: outcomes.length };
}

/** The whole report from the platforms' parts. */
export function applyReport(platforms: readonly PlatformApplyReport[], interrupted: boolean): ApplyReport {
  const sorted = [...platforms].sort((a, b) => compareCodeUnits(a.platform, b.platform));
  const sum = (k: keyof ApplyCounts): number => sorted.reduce((t, p) => t + p.counts[k], 0);
  return {
    formatVersion: 1,
    succeeded: !interrupted && sorted.every((p) => p.result === 'applied' || p.result === 'no-changes'),
    interrupted,
    counts: { done: sum('done'), failed: sum('failed'), skipped: sum('skipped'), total: sum('total') },
    platforms: sorted,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The report for a terminal or a CI log: counts, then every failure and skip with its reason
 * (and the service's request id, to find the request in its logs), then remarks.
 */
export function renderApplyReport(r: ApplyReport): string {
  const lines: string[] = [];
  for (const p of r.platforms) {
    const c = p.counts;
    if (p.result === 'refused') lines.push(`Platform ${p.platform}: nothing applied.`, indent(p.error ?? '', '  '));
    else if (p.result === 'no-changes') lines.push(`Platform ${p.platform}: no changes.`);
    else lines.push(`Platform ${p.platform}: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped of ${plural(c.total, 'change')} (${plural(p.requests, 'request')}, ${plural(p.retries, 'retry', 'retries')}, ${p.seconds.toFixed(1)} s).`);
    const failed = p.changes.filter((o) => o.status === 'failed');
    const skipped = p.changes.filter((o) => o.status === 'skipped');
    if (failed.length > 0) lines.push('  Failed:', ...failed.map((o) => `    ! ${o.address} (${o.action}): ${o.reason ?? ''}${o.cause?.requestId ? ` [request ${o.cause.requestId}]` : ''}`));
    if (skipped.length > 0) lines.push('  Skipped:', ...skipped.map((o) => `    - ${o.address} (${o.action}): ${o.reason ?? ''}`));
    if (p.remarks.length > 0) lines.push('  Replication remarks:', ...p.remarks.map((m) => `    * ${m.message}`));
  }
  const c = r.counts;
  if (r.succeeded) lines.push('', `Apply complete! ${c.done} done, 0 failed, 0 skipped.`);
  else if (r.interrupted) lines.push('', `Apply interrupted: ${c.done} done, ${c.failed} failed, ${c.skipped} not run. The next plan converges from here.`);
  else lines.push('', `Apply failed: ${c.done} done, ${c.failed} failed, ${c.skipped} skipped. Fix what the failures say; the next plan converges from here.`);
  return `${lines.join('\n')}\n`;
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}
