import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { err, ok, type Result } from 'neverthrow';
import { loadConfig, type LiveState } from '../../constructs/index.ts';
import { createPlan, planLine, type PlatformPlan } from '../../plans/index.ts';
import { applyPlatform, closeTargets, lockTargets, openTargets, snapshotTarget, targetEndpoint, type ApplyProgress, type PlatformTarget } from '../apply/index.ts';
import { blockDesired, type BlockDesired } from './block-app.ts';
import {
  applyIncomplete, cloudFailed, configBroken, inputsInvalid, inputsUnreadable, outputsFailed, planRefused, runStopped, unknownPlatform, type BlockFailure,
} from './block-failure.ts';
import { decodeBlockInputs } from './block-inputs.ts';
import { blockOutputs, type BlockOutputs } from './block-outputs.ts';
import { runFailed, runStarted, runSucceeded, stepStarted, stepSucceeded, type RunStatus } from './run-status.ts';
import type { StatusReporter } from './status-reporter.ts';
import { inScope, scopeClashes, scopeDesired, scopeLive, type TenantScope } from './tenant-scope.ts';
import { writeFileAtomic, type FileWriteError } from './write-file-atomic.ts';

export interface RunBlockOptions {
  /** The inputs file as the user named it (problems name it so); read relative to `cwd`. */
  readonly inputsFile: string;
  /** The keyform configuration (file or folder) that declares the platform. */
  readonly configPath: string;
  /** Where to write the outputs (atomically, on success only). @default not written */
  readonly outputsFile?: string;
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
 * Steps, each reported IN_PROGRESS, then SUCCEEDED or FAILED:
 * 1. `validate-inputs`: read and check the inputs, build the tenant from them and the platform's config;
 * 2. `plan`: take the platform's apply lock, snapshot, cut both sides to the tenant, plan;
 * 3. `apply`: run the plan's changes (while still holding the lock: no plan can go stale);
 * 4. `outputs`: snapshot again, write the tenant's ids, and report SUCCEEDED with them.
 * A failed run says why for the project owner and for the platform team; the outputs file is
 * written on success only, and never half.
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
  const { scope, desired } = v.value;
  const members = desired.desired.resources.filter((r) => r.kind === 'membership').length;
  await t.emit(stepSucceeded(t.status(), 'validate-inputs', `The inputs are valid: project ${scope.workspace}.${scope.project} on platform ${scope.platform}.`,
    `${desired.desired.resources.length} desired resources (${members} group memberships).`));
  await t.emit(stepStarted(t.status(), 'plan', 'Comparing your project with the cloud.'));
  const opened = await openTargets([desired.settings], { env: o.env, cwd: o.cwd });
  if (opened.isErr()) return err(cloudFailed('plan', opened.error, false));
  try {
    return await underLock(o, t, v.value, opened.value[0]!);
  } finally {
    closeTargets(opened.value);
  }
}

interface Validated {
  readonly scope: TenantScope;
  readonly desired: BlockDesired;
}

async function validate(o: RunBlockOptions): Promise<Result<Validated, BlockFailure>> {
  const text = await readFile(resolve(o.cwd, o.inputsFile), 'utf8').catch((e: Error) => e);
  if (text instanceof Error) return err(inputsUnreadable(o.inputsFile, text.message));
  const inputs = decodeBlockInputs(o.inputsFile, text);
  if (inputs.isErr()) return err(inputsInvalid(inputs.error, o.inputsFile));
  const loaded = await loadConfig(o.configPath);
  if (loaded.isErr()) return err(configBroken(loaded.error));
  const built = blockDesired(loaded.value.app, inputs.value);
  if (built.isErr()) return err(built.error.kind === 'PlatformUnknown' ? unknownPlatform(built.error) : inputsInvalid(built.error, o.inputsFile));
  const scope = { platform: inputs.value.platform, workspace: inputs.value.workspace.identifier, project: inputs.value.project.identifier };
  return ok({ scope, desired: { ...built.value, desired: scopeDesired(built.value.desired, scope) } });
}

/** Holds the platform's lock (renewed meanwhile) from before the plan's snapshot until after the outputs' one. */
async function underLock(o: RunBlockOptions, t: Tracker, v: Validated, target: PlatformTarget): Promise<Result<void, BlockFailure>> {
  const held = await lockTargets([target], { lockTtlMs: o.lockTtlMs ?? 300_000, lockWaitMs: o.lockWaitMs ?? 300_000, ...(o.log ? { log: o.log } : {}), ...(o.signal ? { signal: o.signal } : {}) });
  if (held.isErr()) return err(held.error.kind === 'LockWaitStopped' ? runStopped('plan', false) : cloudFailed('plan', held.error, false));
  try {
    const signal = o.signal ? AbortSignal.any([o.signal, held.value.lost]) : held.value.lost;
    const planned = await plan(o, t, v, target);
    if (planned.isErr()) return err(planned.error);
    const applied = await apply(o, t, planned.value, target, signal);
    return applied.isErr() ? err(applied.error) : outputs(o, t, v, planned.value, target);
  } finally {
    await held.value.release();
  }
}

interface Planned {
  readonly p: PlatformPlan;
  readonly live: LiveState;
}

async function plan(o: RunBlockOptions, t: Tracker, v: Validated, target: PlatformTarget): Promise<Result<Planned, BlockFailure>> {
  const snap = await snapshotTarget(target, v.desired.desired);
  if (snap.isErr()) return err(cloudFailed('plan', snap.error, false));
  const live = scopeLive(snap.value.live, v.scope);
  const clashes = scopeClashes(v.desired.desired, snap.value.live, v.scope);
  const made = createPlan({
    toolVersion: o.toolVersion, createdAt: new Date().toISOString(),
    platforms: [{ desired: v.desired.desired, live, endpoint: targetEndpoint(target), region: v.desired.settings.region }],
  });
  const p = made.platforms[0]!;
  if (p.errors.length > 0 || clashes.length > 0) return err(planRefused(p.errors, clashes));
  const stray = p.changes.find((c) => !inScope((c.after ?? c.before)!, v.scope));
  if (stray !== undefined) throw new Error(`the plan of ${v.scope.workspace}.${v.scope.project} changes ${stray.address}, outside its tenant`);
  const s = p.summary;
  const user = p.changes.length === 0 ? 'Your project already matches the inputs: nothing to change.' : `${s.add} to create, ${s.change} to change, ${s.destroy} to remove.`;
  await t.emit(stepSucceeded(t.status(), 'plan', user, `${planLine(s)} Against ${p.endpoint} (${snap.value.calls} API calls, ${snap.value.ms} ms).`));
  return ok({ p, live });
}

async function apply(o: RunBlockOptions, t: Tracker, x: Planned, target: PlatformTarget, signal: AbortSignal): Promise<Result<void, BlockFailure>> {
  const n = x.p.changes.length;
  await t.emit(stepStarted(t.status(), 'apply', n === 0 ? 'Nothing to change.' : `Making ${n} ${n === 1 ? 'change' : 'changes'}.`));
  if (signal.aborted) return err(runStopped('apply', false));
  if (n === 0) {
    await t.emit(stepSucceeded(t.status(), 'apply', 'Nothing to change.', 'No changes.'));
    return ok(undefined);
  }
  const report = await applyPlatform(x.p, target, x.live, { parallelism: o.parallelism ?? 8, signal, ...(o.progress ? { progress: o.progress } : {}) });
  if (report.result !== 'applied') return err(applyIncomplete(report, signal.aborted));
  await t.emit(stepSucceeded(t.status(), 'apply', `All ${n} ${n === 1 ? 'change was' : 'changes were'} made.`,
    `${report.counts.done} done (${report.requests} requests, ${report.retries} retries, ${report.seconds} s).`));
  return ok(undefined);
}

async function outputs(o: RunBlockOptions, t: Tracker, v: Validated, x: Planned, target: PlatformTarget): Promise<Result<void, BlockFailure>> {
  const changed = x.p.changes.length > 0;
  await t.emit(stepStarted(t.status(), 'outputs', 'Reading back the ids of your project and its groups.'));
  if (o.signal?.aborted) return err(runStopped('outputs', changed));
  const snap = await snapshotTarget(target, v.desired.desired);
  if (snap.isErr()) return err(cloudFailed('outputs', snap.error, changed));
  const out = blockOutputs(scopeLive(snap.value.live, v.scope), v.scope, x.p.remarks);
  if (out.isErr()) return err(outputsFailed(out.error));
  if (o.outputsFile !== undefined) {
    const written = await writeFileAtomic(resolve(o.cwd, o.outputsFile), `${JSON.stringify(out.value, null, 2)}\n`);
    if (written.isErr()) return err(outputsFailed(written.error));
  }
  await t.emit(runSucceeded(t.status(), 'outputs', successMessages(out.value, x.p), out.value));
  return ok(undefined);
}

function successMessages(out: BlockOutputs, p: PlatformPlan): { userMessage: string; systemMessage: string } {
  const ready = `Project ${out.workspace}.${out.project} is ready on platform ${out.platform} (Keystone project ${out.projectName}).`;
  return {
    userMessage: [ready, ...out.remarks.map((r) => r.message)].join('\n'),
    systemMessage: [`${planLine(p.summary)} Project ${out.projectId} in domain ${out.domainId}.`, ...p.remarks.map((r) => r.message)].join('\n'),
  };
}
