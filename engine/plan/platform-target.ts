import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { DesiredState, PlatformSettings } from '../../constructs/index.ts';
import { createPlan, publicEndpoint, type Plan } from '../../plans/index.ts';
import type { LiveState } from '../../constructs/model/index.ts';
import type { OpenStackError } from '../openstack/index.ts';
import { withQuotaWarnings } from '../quota/index.ts';
import { openPlatformSessions, snapshot, type PlatformSessionOptions, type PlatformSessions, type SnapshotError, type SnapshotResult } from '../snapshot/index.ts';

/** A platform keyform reads and writes: its settings and open sessions. */
export interface PlatformTarget {
  readonly settings: PlatformSettings;
  readonly sessions: PlatformSessions;
}

/**
 * Opens the sessions of every platform in `settings` (in order). On the first failure, the
 * sessions opened so far are closed and the error is returned.
 */
export function openTargets(settings: readonly PlatformSettings[], opts: PlatformSessionOptions = {}): ResultAsync<readonly PlatformTarget[], OpenStackError> {
  const open = async (): Promise<readonly PlatformTarget[] | OpenStackError> => {
    const out: PlatformTarget[] = [];
    for (const s of settings) {
      const r = await openPlatformSessions(s, opts);
      if (r.isErr()) {
        closeTargets(out);
        return r.error;
      }
      out.push({ settings: s, sessions: r.value });
    }
    return out;
  };
  return ResultAsync.fromSafePromise(open()).andThen((r) => ('kind' in r ? errAsync(r) : okAsync(r)));
}

/** Closes every target's sessions. */
export function closeTargets(targets: readonly PlatformTarget[]): void {
  for (const t of targets) t.sessions.close();
}

/** Every euid the desired state binds, sorted: what the snapshot resolves to Keystone users. */
export function euidsOf(desired: DesiredState): readonly string[] {
  return [...new Set(desired.resources.flatMap((r) => (r.kind === 'membership' ? [r.key.euid] : [])))].sort();
}

/** Keystone requests in flight when no `--parallelism` is given: Terraform's default is 10, keyform's apply has always used 8. */
export const DEFAULT_PARALLELISM = 8;

/** How a snapshot reads. */
export interface ReadOptions {
  /**
   * Reads in flight at most (`--parallelism`), which Keystone is taken to serve side by side
   * when the snapshot estimates how to read memberships. @default 8
   */
  readonly parallelism?: number;
}

/**
 * The snapshot's options for `--parallelism N`: one number for both, as the commands have it —
 * the reads sent at once, and the reads Keystone is taken to serve at once.
 */
export function snapshotReads(parallelism: number): { readonly concurrency: number; readonly keystoneWorkers: number } {
  return { concurrency: parallelism, keystoneWorkers: parallelism };
}

/** A fresh snapshot of the target, resolving the euids `desired` binds. */
export function snapshotTarget(t: PlatformTarget, desired: DesiredState, opts: ReadOptions = {}): ResultAsync<SnapshotResult, SnapshotError> {
  const limits = t.sessions.limitsSession;
  const parallel = snapshotReads(opts.parallelism ?? DEFAULT_PARALLELISM);
  return snapshot(t.sessions.session, t.settings, { euids: euidsOf(desired), desired: desired.resources, ...parallel, ...(limits ? { limitsSession: limits } : {}) });
}

/** The Keystone endpoint a plan records for the target: the identity URL, without credentials. */
export function targetEndpoint(t: PlatformTarget): string {
  return publicEndpoint(t.sessions.session.endpoint('identity').unwrapOr(''));
}

/** A plan and the snapshots it was made from. */
export interface PlannedPlatforms {
  readonly plan: Plan;
  readonly lives: readonly LiveState[];
}

/**
 * Snapshots every target and plans it against its desired state: what `keyform plan` and
 * `keyform apply` without a plan file do. Platforms are read one after the other (each
 * snapshot runs its own calls in parallel).
 * `selection`: the `--target`s (see `plans/targets.ts`); empty plans everything.
 * @example planTargets(targets, output.platforms, '0.1.0', new Date().toISOString(), [], { parallelism: 4 })
 */
export function planTargets(targets: readonly PlatformTarget[], desired: readonly DesiredState[], toolVersion: string, createdAt: string, selection: readonly string[] = [], opts: ReadOptions = {}): ResultAsync<PlannedPlatforms, SnapshotError> {
  const read = async (): Promise<PlannedPlatforms | SnapshotError> => {
    const inputs = [];
    for (const t of targets) {
      const d = desired.find((x) => x.platform === t.settings.id);
      if (d === undefined) continue;
      const snap = await snapshotTarget(t, d, opts);
      if (snap.isErr()) return snap.error;
      inputs.push({ desired: d, live: snap.value.live, endpoint: targetEndpoint(t), region: t.settings.region });
    }
    const lives = inputs.map((i) => i.live);
    const plan = createPlan({ toolVersion, createdAt, platforms: inputs, targets: selection });
    // Quotas set below what a project uses now are flagged on their changes (usage is read here, not in the snapshot).
    const warned = await withQuotaWarnings(plan, lives, (id) => targets.find((t) => t.settings.id === id)?.sessions.session);
    return { plan: warned.unwrapOr(plan), lives };
  };
  return ResultAsync.fromSafePromise(read()).andThen((r) => ('kind' in r ? errAsync(r) : okAsync(r)));
}
