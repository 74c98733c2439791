import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { tenantKey, loadConfig, type DeletionPolicy, type DesiredState, type LiveState } from '../../constructs/index.ts';
import { createPlan, planLine, type PlatformPlan } from '../../plans/index.ts';
import { applyPlatform, lockTargets, type ApplyProgress } from '../apply/index.ts';
import { closeTargets, openTargets, snapshotTarget, targetEndpoint, type PlatformTarget, type ReadOptions } from '../plan/index.ts';
import type { LiveQuotas } from '../quota/index.ts';
import { blockDesired, type BlockDesired } from './block-app.ts';
import { destroyDesired, destroyOutputs, livePolicy, withDeletionPolicy } from './block-destroy.ts';
import {
  applyIncomplete, behaviorContradicted, cloudFailed, configBroken, inputsInvalid, inputsUnreadable, outputsFailed, planRefused, runStopped, platformRefused, type BlockFailure,
} from './block-failure.ts';
import { decodeBlockInputs, type BlockBehavior } from './block-inputs.ts';
import { appliedMessages, destroyedMessages, planMessage, statusPlan } from './block-messages.ts';
import { blockOutputs } from './block-outputs.ts';
import { runFailed, runPlanned, runStarted, runSucceeded, stepStarted, stepSucceeded, type RunMessages, type RunStatus, type StatusPlan } from './run-status.ts';
import type { StatusReporter } from './status-reporter.ts';
import { inScope, scopeClashes, scopeDesired, scopeLive, type TenantScope } from './tenant-scope.ts';
import { writeFileAtomic, type FileWriteError } from '../util/write-file-atomic.ts';

export interface RunBlockOptions {
  /** The inputs file as the user named it (problems name it so); read relative to `cwd`. */
  readonly inputsFile: string;
  /** The keyform configuration (file or folder) that declares the platform. */
  readonly configPath: string;
  /** Where to write the outputs (atomically, on success only). @default not written */
  readonly outputsFile?: string;
  /** Remove the tenant (`--destroy`), whatever the inputs' `behavior`; inputs that say `APPLY` are refused. @default the inputs' `behavior` */
  readonly destroy?: boolean;
  /** Stop after the plan step: nothing is written to the cloud (not even the lock), the plan is in the status. @default false */
  readonly dryRun?: boolean;
  readonly reporter: StatusReporter;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly toolVersion: string;
  /** How long to wait for another apply's lock on the platform. @default 300000 */
  readonly lockWaitMs?: number;
  /** @default 300000 */
  readonly lockTtlMs?: number;
  /** Keystone operations in flight at most. @default 8 */
  readonly parallelism?: number;
  /** Aborting stops starting operations; the lock is released all the same. */
  readonly signal?: AbortSignal;
  readonly progress?: ApplyProgress;
  /** Lines worth telling that are not status (waiting for the lock). */
  readonly log?: (line: string) => void;
}

/** How a run ended: its last status, and the first status-file write that failed, if any. */
export interface BlockRunResult {
  readonly status: RunStatus;
  readonly fileError?: FileWriteError;
}

/** The current status, reported on every change. */
interface Tracker {
  readonly status: () => RunStatus;
  readonly fileError: () => FileWriteError | undefined;
  emit(next: RunStatus): Promise<void>;
}

function tracker(reporter: StatusReporter): Tracker {
  let current: RunStatus | undefined;
  let fileError: FileWriteError | undefined;
  return {
    status: () => current!,
    fileError: () => fileError,
    async emit(next) {
      current = next;
      const written = await reporter.report(next);
      if (written.isErr()) fileError ??= written.error;
    },
  };
}

/**
 * A building-block run: replicates the one tenant the inputs describe, and nothing else.
 * An `APPLY` run makes the tenant match the inputs; a `DESTROY` run removes it under its
 * deletion policy (`retain`: groups, grants and memberships removed, the project disabled and
 * tagged retired; `delete`: the project deleted, and its workspace's domain when nothing
 * else is left in it). Steps, each reported IN_PROGRESS, then SUCCEEDED or FAILED:
 * 1. `validate-inputs`: read and check the inputs, build the tenant from them and the platform's config;
 * 2. `plan`: take the platform's apply lock, snapshot, cut both sides to the tenant, plan
 *    (a dry run ends here, SUCCEEDED, with the plan in the status and no lock taken);
 * 3. `apply`: run the plan's changes (while still holding the lock: no plan can go stale);
 * 4. `outputs`: snapshot again, write the tenant's ids (apply) or what was removed and what
 *    is left (destroy), and report SUCCEEDED with them.
 * Runs converge: a run that changes nothing succeeds and says so, and a run after an
 * interrupted one finishes its work. A failed run says why for the project owner and for
 * the platform team; the outputs file is written on success only, and never half.
 */
export async function runBlock(o: RunBlockOptions): Promise<BlockRunResult> {
  const t = tracker(o.reporter);
  await t.emit(runStarted('The building block is running.'));
  // Without its status file the pipeline cannot tell how the run ended: do nothing then.
  if (t.fileError() === undefined) {
    const r = await run(o, t);
    if (r.isErr()) await t.emit(runFailed(t.status(), r.error.step, { userMessage: r.error.userMessage, systemMessage: r.error.systemMessage }));
  }
  const fileError = t.fileError();
  return { status: t.status(), ...(fileError ? { fileError } : {}) };
}

async function run(o: RunBlockOptions, t: Tracker): Promise<Result<void, BlockFailure>> {
  const v = await validate(o);
  if (v.isErr()) return err(v.error);
  const { scope, desired, behavior } = v.value;
  const members = desired.desired.resources.filter((r) => r.kind === 'membership').length;
  const tenant = `project ${tenantKey(scope)} on platform ${scope.platform}`;
  await t.emit(stepSucceeded(t.status(), 'validate-inputs', behavior === 'APPLY' ? `The inputs are valid: ${tenant}.` : `The inputs are valid: ${tenant} is to be removed.`,
    behavior === 'APPLY' ? `${desired.desired.resources.length} desired resources (${members} group memberships).` : `DESTROY of ${tenantKey(scope)}.`));
  await t.emit(stepStarted(t.status(), 'plan', behavior === 'APPLY' ? 'Comparing your project with the cloud.' : 'Finding what of your project is in the cloud.'));
  const opened = await openTargets([desired.settings], { env: o.env, cwd: o.cwd, ...(o.parallelism === undefined ? {} : { maxConnections: o.parallelism }) });
  if (opened.isErr()) return err(cloudFailed('plan', opened.error, false));
  try {
    return o.dryRun ? await dryRun(o, t, v.value, opened.value[0]!) : await underLock(o, t, v.value, opened.value[0]!);
  } finally {
    closeTargets(opened.value);
  }
}

interface Validated {
  readonly scope: TenantScope;
  readonly desired: BlockDesired;
  readonly behavior: BlockBehavior;
  /** The deletion policy the inputs declare, if they do. */
  readonly policy?: DeletionPolicy;
}

async function validate(o: RunBlockOptions): Promise<Result<Validated, BlockFailure>> {
  const text = await readFile(resolve(o.cwd, o.inputsFile), 'utf8').catch((e: Error) => e);
  if (text instanceof Error) return err(inputsUnreadable(o.inputsFile, text.message));
  const inputs = decodeBlockInputs(o.inputsFile, text);
  if (inputs.isErr()) return err(inputsInvalid(inputs.error, o.inputsFile));
  const loaded = await loadConfig(o.configPath);
  if (loaded.isErr()) return err(configBroken(loaded.error));
  const built = blockDesired(loaded.value.app, inputs.value);
  if (built.isErr()) return err(built.error.kind === 'unknown-platform' ? platformRefused(built.error) : inputsInvalid(built.error, o.inputsFile));
  const i = inputs.value;
  if (o.destroy === true && i.behavior === 'APPLY') return err(behaviorContradicted(o.inputsFile));
  const scope = { platform: i.platform, workspace: i.workspace.identifier, project: i.project.identifier };
  const policy = i.tenant.deletion_policy as DeletionPolicy | undefined;
  return ok({
    scope, desired: { ...built.value, desired: scopeDesired(built.value.desired, scope) }, behavior: o.destroy === true ? 'DESTROY' : i.behavior ?? 'APPLY',
    ...(policy === undefined ? {} : { policy }),
  });
}

/** Holds the platform's lock (renewed meanwhile) from before the plan's snapshot until after the outputs' one. */
async function underLock(o: RunBlockOptions, t: Tracker, v: Validated, target: PlatformTarget): Promise<Result<void, BlockFailure>> {
  const held = await lockTargets([target], { lockTtlMs: o.lockTtlMs ?? 300_000, lockWaitMs: o.lockWaitMs ?? 300_000, ...(o.log ? { log: o.log } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  if (held.isErr()) return err(held.error.kind === 'lock-wait-stopped' ? runStopped('plan', false) : cloudFailed('plan', held.error, false));
  try {
    const signal = o.signal ? AbortSignal.any([o.signal, held.value.lost]) : held.value.lost;
    const planned = await plan(o, v, target);
    if (planned.isErr()) return err(planned.error);
    await t.emit(stepSucceeded(t.status(), 'plan', planned.value.messages.userMessage, planned.value.messages.systemMessage, planned.value.sp));
    const applied = await apply(o, t, planned.value, target, signal);
    return applied.isErr() ? err(applied.error) : outputs(o, t, v, planned.value, target);
  } finally {
    await held.value.release();
  }
}

/** Plans without the lock (a dry run writes nothing to the cloud), and ends the run with the plan. */
async function dryRun(o: RunBlockOptions, t: Tracker, v: Validated, target: PlatformTarget): Promise<Result<void, BlockFailure>> {
  const planned = await plan(o, v, target);
  if (planned.isErr()) return err(planned.error);
  await t.emit(runPlanned(t.status(), planned.value.messages, planned.value.sp));
  return ok(undefined);
}

interface Planned {
  readonly p: PlatformPlan;
  readonly live: LiveState;
  /** What the platform's quota backend read in the plan's snapshot: the apply writes quotas through it. */
  readonly quotas: LiveQuotas;
  readonly sp: StatusPlan;
  readonly messages: RunMessages;
  /** The deletion policy a destroy follows. */
  readonly policy: DeletionPolicy;
}

async function plan(o: RunBlockOptions, v: Validated, target: PlatformTarget): Promise<Result<Planned, BlockFailure>> {
  const snap = await snapshotTarget(target, v.desired.desired, readsOf(o));
  if (snap.isErr()) return err(cloudFailed('plan', snap.error, false));
  const { desired, live } = sides(v, snap.value.live);
  const clashes = scopeClashes(desired, snap.value.live, v.scope);
  const made = createPlan({
    toolVersion: o.toolVersion, createdAt: new Date().toISOString(),
    platforms: [{ desired, live, endpoint: targetEndpoint(target), region: v.desired.settings.region }],
  });
  const p = made.platforms[0]!;
  if (p.errors.length > 0 || clashes.length > 0) return err(planRefused(p.errors, clashes));
  const stray = p.changes.find((c) => !inScope((c.after ?? c.before)!, v.scope));
  if (stray !== undefined) throw new Error(`the plan of ${tenantKey(v.scope)} changes ${stray.address}, outside its tenant`);
  const sp = statusPlan(p);
  const tenantLive = live.resources.some((r) => r.kind !== 'domain');
  const userMessage = planMessage(v.behavior, sp, tenantLive, o.dryRun === true);
  const messages = { userMessage, systemMessage: `${planLine(p.summary)} Against ${p.endpoint} (${snap.value.calls} API calls, ${snap.value.ms} ms).` };
  return ok({ p, live, quotas: snap.value.quotas, sp, messages, policy: livePolicy(live, v.scope) ?? v.policy ?? 'retain' });
}

/** Both sides of the plan, cut to the tenant: for a destroy, the desired side keeps at most the workspace's domain. */
function sides(v: Validated, whole: LiveState): { desired: DesiredState; live: LiveState } {
  const live = scopeLive(whole, v.scope);
  if (v.behavior === 'APPLY') return { desired: v.desired.desired, live };
  return { desired: destroyDesired(v.desired.desired, whole, v.scope), live: withDeletionPolicy(live, v.scope, v.policy) };
}

async function apply(o: RunBlockOptions, t: Tracker, x: Planned, target: PlatformTarget, signal: AbortSignal): Promise<Result<void, BlockFailure>> {
  const n = x.p.changes.length;
  await t.emit(stepStarted(t.status(), 'apply', n === 0 ? 'Nothing to change.' : `Making ${n} ${n === 1 ? 'change' : 'changes'}.`));
  if (signal.aborted) return err(runStopped('apply', false));
  if (n === 0) {
    await t.emit(stepSucceeded(t.status(), 'apply', 'Nothing to change.', 'No changes.'));
    return ok(undefined);
  }
  const report = await applyPlatform(x.p, target, x, { parallelism: o.parallelism ?? 8, signal, ...(o.progress ? { progress: o.progress } : {}) });
  if (report.result !== 'applied') return err(applyIncomplete(report, signal.aborted));
  await t.emit(stepSucceeded(t.status(), 'apply', `All ${n} ${n === 1 ? 'change was' : 'changes were'} made.`,
    `${report.counts.done} done (${report.requests} requests, ${report.retries} retries, ${report.seconds} s).`));
  return ok(undefined);
}

async function outputs(o: RunBlockOptions, t: Tracker, v: Validated, x: Planned, target: PlatformTarget): Promise<Result<void, BlockFailure>> {
  const changed = x.p.changes.length > 0;
  const destroy = v.behavior === 'DESTROY';
  await t.emit(stepStarted(t.status(), 'outputs', destroy ? 'Checking what is left of your project.' : 'Reading back the ids of your project and its groups.'));
  if (o.signal?.aborted) return err(runStopped('outputs', changed));
  const snap = await snapshotTarget(target, v.desired.desired, readsOf(o));
  if (snap.isErr()) return err(cloudFailed('outputs', snap.error, changed));
  const after = scopeLive(snap.value.live, v.scope);
  const made = destroy ? ok(destroyOutputs(x.p, after, v.scope, x.policy)) : blockOutputs(after, v.scope, x.p.remarks);
  if (made.isErr()) return err(outputsFailed(made.error));
  const out = made.value;
  if (o.outputsFile !== undefined) {
    const written = await writeFileAtomic(resolve(o.cwd, o.outputsFile), `${JSON.stringify(out, null, 2)}\n`);
    if (written.isErr()) return err(outputsFailed(written.error));
  }
  const messages = out.behavior === 'DESTROY' ? destroyedMessages(out, x.p, x.sp, v.scope) : appliedMessages(out, x.p, x.sp);
  await t.emit(runSucceeded(t.status(), 'outputs', messages, out));
  return ok(undefined);
}

/** The run's `--parallelism` for its reads too, as plan and apply have it. */
function readsOf(o: RunBlockOptions): ReadOptions {
  return o.parallelism === undefined ? {} : { parallelism: o.parallelism };
}
