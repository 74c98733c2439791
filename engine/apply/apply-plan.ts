import { err, ok, type Result } from 'neverthrow';
import { rederive, stalePlan, type Plan, type PlatformPlan } from '../../plans/index.ts';
import { holdLocks, type HeldLocks, type LockError } from '../lock/index.ts';
import { causeOf } from '../openstack/index.ts';
import type { SnapshotResult } from '../snapshot/index.ts';
import { endpointMismatch, planErrored, platformNotConfigured, type ApplyError } from './apply-error.ts';
import { NO_PROGRESS, type ApplyProgress } from './apply-progress.ts';
import { applyReport, countOutcomes, type ApplyReport, type PlatformApplyReport } from './apply-report.ts';
import { idBook } from './id-book.ts';
import { runChanges } from './run-changes.ts';
import { runOperation } from './run-operation.ts';
import { snapshotTarget, targetEndpoint, type PlatformTarget } from '../plan/index.ts';
import { writeContext } from './write-context.ts';

export interface ApplyOptions {
  /** Operations in flight per platform. @default 8 */
  readonly parallelism?: number;
  /** How long a lock holds without renewal (renewed every third of it). @default 300000 */
  readonly lockTtlMs?: number;
  /** How long to wait for another apply's lock. @default 0 */
  readonly lockWaitMs?: number;
  /** Aborting stops starting operations; the locks are released all the same. */
  readonly signal?: AbortSignal;
  readonly progress?: ApplyProgress;
  /** Lines worth telling that are not progress (waiting for a lock, breaking an expired one). */
  readonly log?: (line: string) => void;
  /** Where the config was read from, for messages. */
  readonly configPath?: string;
  /**
   * Locks the caller already holds (see `lockTargets`), covering every platform with
   * changes: applyPlan then neither takes nor releases any. @default none: applyPlan locks
   */
  readonly held?: HeldLocks;
}

/**
 * Applies a reviewed plan exactly as it reads, or not at all:
 * 1. checks each platform's target is the Keystone the plan was made against;
 * 2. takes the lock of every platform with changes (sorted, so two applies never deadlock),
 *    unless the caller holds them already (`opts.held`);
 * 3. snapshots again, diffs the plan's desired state against it, and refuses a plan whose
 *    changes differ from that fresh diff (stale, or edited), naming the addresses that moved,
 *    then renews the locks, refusing if one was broken meanwhile (force-unlock);
 * 4. runs the fresh diff's changes (see `runChanges`), renewing the locks meanwhile: never a
 *    change the ownership rules would not make against Keystone as it is now;
 * 5. releases the locks it took: on success, failure and interruption alike.
 * Refusals are errors (nothing was written); failed changes are in the report.
 */
export async function applyPlan(plan: Plan, targets: readonly PlatformTarget[], opts: ApplyOptions = {}): Promise<Result<ApplyReport, ApplyError>> {
  if (plan.errored) return err(planErrored(plan.summary.errors));
  const pairs: { p: PlatformPlan; t: PlatformTarget }[] = [];
  for (const p of plan.platforms) {
    const t = targets.find((x) => x.settings.id === p.platform);
    if (t === undefined) return err(platformNotConfigured(p.platform, targets.map((x) => x.settings.id), opts.configPath ?? 'the configuration'));
    const now = targetEndpoint(t);
    if (now !== p.endpoint) return err(endpointMismatch(p.platform, p.endpoint, now));
    pairs.push({ p, t });
  }
  const busy = pairs.filter(({ p }) => p.changes.length > 0);
  if (opts.held !== undefined) {
    const missing = busy.map(({ p }) => p.platform).filter((id) => !opts.held!.platforms.includes(id));
    if (missing.length > 0) throw new Error(`applyPlan: the locks held do not cover platform(s) ${missing.join(', ')}`);
    return applyLocked(plan, pairs, busy, opts.held, opts);
  }
  const locks = await lockTargets(busy.map((x) => x.t), opts);
  if (locks.isErr()) return err(locks.error);
  try {
    return await applyLocked(plan, pairs, busy, locks.value, opts);
  } finally {
    await locks.value.release();
  }
}

/**
 * Takes the apply locks of `targets` (see `holdLocks`), with the apply's TTL, wait and log:
 * what `applyPlan` does itself, and what `keyform apply` without a file does before it plans,
 * so that nothing can change the platforms between the plan shown and its apply.
 */
export function lockTargets(targets: readonly PlatformTarget[], opts: Pick<ApplyOptions, 'lockTtlMs' | 'lockWaitMs' | 'log' | 'signal'> = {}): Promise<Result<HeldLocks, LockError>> {
  return holdLocks(targets.map((t) => ({ session: t.sessions.session, platform: t.settings.id, domain: t.settings.domain })), {
    ...(opts.lockTtlMs === undefined ? {} : { ttlMs: opts.lockTtlMs }),
    ...(opts.lockWaitMs === undefined ? {} : { waitMs: opts.lockWaitMs }),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

/** Steps 3 and 4 of `applyPlan`, with every busy platform's lock held. */
async function applyLocked(plan: Plan, pairs: readonly { p: PlatformPlan; t: PlatformTarget }[], busy: readonly { p: PlatformPlan; t: PlatformTarget }[], held: HeldLocks, opts: ApplyOptions): Promise<Result<ApplyReport, ApplyError>> {
  const lostBefore = held.lostWith();
  if (lostBefore !== undefined) return err(lostBefore);
  const fresh = await freshLives(busy, opts.parallelism);
  if (fresh.isErr()) return err(fresh.error);
  const { moved, changes } = rederive({ ...plan, platforms: busy.map((x) => x.p) }, fresh.value.map((x) => x.live));
  if (moved.length > 0) return err(stalePlan(moved));
  const confirmed = await held.confirm();
  if (confirmed.isErr()) return err(confirmed.error);
  const signal = opts.signal ? AbortSignal.any([opts.signal, held.lost]) : held.lost;
  const reports: PlatformApplyReport[] = [];
  for (const { p, t } of pairs) {
    const snap = fresh.value.find((x) => x.live.platform === p.platform);
    // The fresh diff's changes, equal to the reviewed ones (nothing moved) but derived here, by the ownership rules.
    const report = snap === undefined ? idle(p) : await applyPlatform({ ...p, changes: changes.get(p.platform) ?? [] }, t, snap, { ...opts, signal });
    const lost = held.lostWith();
    reports.push(lost === undefined ? report : { ...report, error: lost.message, cause: causeOf(lost) });
  }
  return ok(applyReport(reports, signal.aborted));
}

async function freshLives(pairs: readonly { p: PlatformPlan; t: PlatformTarget }[], parallelism: number | undefined): Promise<Result<readonly SnapshotResult[], ApplyError>> {
  const out: SnapshotResult[] = [];
  for (const { p, t } of pairs) {
    const snap = await snapshotTarget(t, p.desired, parallelism === undefined ? {} : { parallelism });
    if (snap.isErr()) return err(snap.error);
    out.push(snap.value);
  }
  return ok(out);
}

function idle(p: PlatformPlan): PlatformApplyReport {
  return { platform: p.platform, result: 'no-changes', counts: countOutcomes([]), changes: [], remarks: p.remarks, requests: 0, retries: 0, seconds: 0 };
}

/**
 * Runs one platform's changes against its fresh snapshot (`fresh.live`, the ids it holds,
 * and `fresh.quotas`, what its quota backend read); the platform must be locked.
 */
export async function applyPlatform(p: PlatformPlan, t: PlatformTarget, fresh: Pick<SnapshotResult, 'live' | 'quotas'>, opts: ApplyOptions = {}): Promise<PlatformApplyReport> {
  const { session, limitsSession } = t.sessions;
  const sessions = limitsSession && limitsSession !== session ? [session, limitsSession] : [session];
  const stat = (): { calls: number; retries: number } => sessions.reduce((a, s) => ({ calls: a.calls + s.stats.calls, retries: a.retries + s.stats.retries }), { calls: 0, retries: 0 });
  const before = stat();
  const started = performance.now();
  const ctx = writeContext({ platform: p.platform, session, limitsSession: limitsSession ?? session, tagPrefix: p.desired.tagPrefix, book: idBook(fresh.live), quotas: fresh.quotas });
  const progress = opts.progress ?? NO_PROGRESS;
  const parallelism = opts.parallelism ?? 8;
  progress.begin(p.platform, p.changes.length, parallelism);
  const outcomes = await runChanges(p.changes, (c, i) => runOperation(c, i, ctx), {
    parallelism, events: progress, ...(opts.signal ? { signal: opts.signal } : {}),
  });
  progress.end();
  const after = stat();
  const counts = countOutcomes(outcomes);
  return {
    platform: p.platform, result: counts.done === counts.total ? 'applied' : 'partial', counts, changes: outcomes, remarks: p.remarks,
    requests: after.calls - before.calls, retries: after.retries - before.retries, seconds: Math.round(performance.now() - started) / 1000,
  };
}
