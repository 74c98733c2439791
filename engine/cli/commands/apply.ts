import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { err, ok, type Result } from 'neverthrow';
import { trapSignals } from '../process-control.ts';
import { durationMs } from '../../util/durations.ts';
import type { PlatformSettings, SynthOutput } from '../../../constructs/index.ts';
import { notAdditions, textChunks, colorEnabled, unconfiguredAdoptions, type Plan } from '../../../plans/index.ts';
import {
  adoptionNotConfigured, applyPlan, applyProgress, invalidOption, lockTargets, notApproved, notOnlyAdditions, planErrored, platformNotConfigured, renderApplyReport,
  type ApplyError, type ApplyOptions, type ApplyReport,
} from '../../apply/index.ts';
import { closeTargets, openTargets, planTargets, type PlatformTarget } from '../../plan/index.ts';
import type { PlatformSessionOptions } from '../../snapshot/index.ts';
import type { HeldLocks } from '../../lock/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import { KEYFORM_VERSION, type CliState, type RegisterCommand } from '../main.ts';
import { configPath, loadDesired } from '../config.ts';
import { readPlanFile } from '../read-plan-file.ts';
import { failCommand } from '../render-error.ts';
import { checkTargets, collect, inputOption } from './plan.ts';
import { DEFAULT_PARALLELISM, parseParallelism } from '../parallelism.ts';

interface ApplyFlags {
  readonly config: string;
  readonly autoApprove?: boolean;
  readonly parallelism: string;
  readonly lockTimeout: string;
  readonly lockTtl: string;
  readonly format: 'text' | 'json';
  readonly target: readonly string[];
  readonly onlyAdditions?: boolean;
  /** False with `--no-color`. */
  readonly color: boolean;
  /** `'false'` with `--input=false`: never ask. */
  readonly input: 'true' | 'false';
}

/** The settings of the platforms a plan names, or the error for the first the config lacks. */
function settingsFor(plan: Plan, output: SynthOutput, path: string): Result<readonly PlatformSettings[], ApplyError> {
  const out: PlatformSettings[] = [];
  for (const p of plan.platforms) {
    const s = output.settings[p.platform];
    if (s === undefined) return err(platformNotConfigured(p.platform, Object.keys(output.settings), path));
    out.push(s);
  }
  return ok(out);
}

/** Asks for `yes` on the terminal; anything else, Ctrl-C or SIGTERM (`signal`) declines. */
function askYes(io: CliIO, signal: AbortSignal): Promise<boolean> {
  io.stderr('\nDo you want to perform these actions?\n  keyform will perform the actions described above.\n  Only \'yes\' will be accepted to approve.\n\n  Enter a value: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  return new Promise((done) => {
    // Settled before close(), whose 'close' event declines.
    rl.once('line', (answer) => {
      done(answer.trim() === 'yes');
      rl.close();
    });
    rl.once('SIGINT', () => {
      rl.close();
      done(false);
    });
    rl.once('close', () => done(false));
    if (signal.aborted) rl.close();
    else signal.addEventListener('abort', () => rl.close(), { once: true });
  });
}

/** What to apply: the plan, the open targets, and, without a plan file, the locks taken before planning. */
interface Chosen {
  readonly plan: Plan;
  readonly targets: readonly PlatformTarget[];
  readonly held?: HeldLocks;
}

/** The sessions of an apply: as many connections per host as `--parallelism` sends at once. */
function sessionOptions(io: CliIO, parallelism: number): PlatformSessionOptions {
  return { env: io.env, cwd: io.cwd, maxConnections: parallelism };
}

/** Reads and decodes a saved plan and opens the targets of the platforms it names. */
async function savedPlan(io: CliIO, file: string, output: SynthOutput, path: string, parallelism: number): Promise<Result<Chosen, ApplyError>> {
  const plan = await readPlanFile(file, io.cwd, { key: io.env['KEYFORM_PLAN_KEY'] });
  if (plan.isErr()) return err(plan.error);
  const settings = settingsFor(plan.value, output, path);
  if (settings.isErr()) return err(settings.error);
  const unasked = unconfiguredAdoptions(plan.value, output.platforms);
  if (unasked.length > 0) return err(adoptionNotConfigured(unasked, path));
  const targets = await openTargets(settings.value, sessionOptions(io, parallelism));
  return targets.map((t) => ({ plan: plan.value, targets: t }));
}

/**
 * Without a plan file, as `terraform apply` does: takes every configured platform's lock
 * first, then plans, shows the plan and asks for `yes` (or --auto-approve), so that no other
 * apply can change the platforms between the plan shown and its apply. The locks stay held
 * (renewed) while the prompt waits; the caller releases them.
 */
async function freshPlan(io: CliIO, flags: ApplyFlags, output: SynthOutput, parallelism: number, lock: { lockTtlMs: number; lockWaitMs: number }, signal: AbortSignal): Promise<Result<Chosen | 'no-changes', ApplyError>> {
  const ids = output.platforms.map((d) => d.platform);
  const targets = await openTargets(ids.flatMap((id) => output.settings[id] ?? []), sessionOptions(io, parallelism));
  if (targets.isErr()) return err(targets.error);
  const held = await lockTargets(targets.value, { ...lock, log: (line) => io.stderr(`${line}\n`), signal });
  if (held.isErr()) {
    closeTargets(targets.value);
    return err(held.error);
  }
  const stop = async (e: ApplyError | 'no-changes'): Promise<Result<'no-changes', ApplyError>> => {
    await held.value.release();
    closeTargets(targets.value);
    return e === 'no-changes' ? ok(e) : err(e);
  };
  const planned = await planTargets(targets.value, output.platforms, KEYFORM_VERSION, new Date().toISOString(), flags.target, { parallelism });
  if (planned.isErr()) return stop(planned.error);
  const plan = planned.value.plan;
  for (const chunk of textChunks(plan, { color: flags.color && colorEnabled(io.env, io.isTTY) })) io.stderr(chunk);
  if (plan.errored) return stop(planErrored(plan.summary.errors));
  if (!plan.applyable) return stop('no-changes');
  // With --only-additions the policy (checked by the caller) is the approval: scheduled replication runs unattended.
  if (flags.autoApprove !== true && flags.onlyAdditions !== true) {
    if (flags.input === 'false' || !io.isTTY || process.stdin.isTTY !== true) return stop(notApproved('no-tty'));
    if (!(await askYes(io, signal))) return stop(notApproved(signal.aborted ? 'interrupted' : 'declined'));
  }
  if (signal.aborted) return stop(notApproved('interrupted'));
  return ok({ plan, targets: targets.value, held: held.value });
}

async function run(io: CliIO, state: CliState, file: string | undefined, flags: ApplyFlags): Promise<void> {
  const fail = (e: ApplyError): void => failCommand(io, state, 'apply', e, flags.format);
  const parallelism = parseParallelism(flags.parallelism);
  if (typeof parallelism !== 'number') return fail(parallelism);
  const lockWaitMs = durationMs(flags.lockTimeout);
  const lockTtlMs = durationMs(flags.lockTtl);
  if (lockWaitMs === undefined || lockTtlMs === undefined || lockTtlMs < 3000) {
    return fail(invalidOption('Invalid option: --lock-timeout and --lock-ttl take durations such as 0s, 90s or 5m (--lock-ttl at least 3s).'));
  }
  if (file !== undefined && flags.target.length > 0) {
    return fail(invalidOption(`Invalid option: a saved plan is applied as it was planned; --target goes with \`keyform plan --target ADDR --out FILE\` (or with apply without a plan file).`));
  }
  const bad = checkTargets(flags.target);
  if (bad !== undefined) return fail(bad);
  const desired = await loadDesired(flags.config, io);
  if (desired.isErr()) return fail(desired.error);
  const path = configPath(flags.config, io);
  // Trapped from before the lock is taken, so that an interrupted prompt still releases it.
  const abort = new AbortController();
  const untrap = trapSignals(io, abort, (sig) => `\n${sig}: finishing the operations in flight, then releasing the lock (again to quit at once)…`, { secondExits: true });
  try {
    const chosen = file === undefined
      ? await freshPlan(io, flags, desired.value.output, parallelism, { lockTtlMs, lockWaitMs }, abort.signal)
      : await savedPlan(io, file, desired.value.output, path, parallelism);
    if (chosen.isErr()) return fail(chosen.error);
    // The plan shown above already says "No changes".
    if (chosen.value === 'no-changes') return;
    const result = await applyChosen(chosen.value, {
      parallelism, lockWaitMs, lockTtlMs, signal: abort.signal, configPath: path, progress: applyProgress(io), log: (line) => io.stderr(`${line}\n`),
    }, flags.onlyAdditions === true);
    if (result.isErr()) return fail(result.error);
    report(io, result.value, flags.format);
    state.exitCode = result.value.succeeded ? EXIT.ok : EXIT.error;
  } finally {
    untrap();
  }
}

/**
 * Applies what was chosen (with `onlyAdditions`, only a plan `notAdditions` has nothing
 * against), then releases the locks taken before planning (if any) and closes the targets.
 */
async function applyChosen({ plan, targets, held }: Chosen, opts: ApplyOptions, onlyAdditions: boolean): Promise<Result<ApplyReport, ApplyError>> {
  try {
    const refused = onlyAdditions ? notAdditions(plan) : [];
    if (refused.length > 0) return err(notOnlyAdditions(refused));
    return await applyPlan(plan, targets, { ...opts, ...(held ? { held } : {}) });
  } finally {
    await held?.release();
    closeTargets(targets);
  }
}

function report(io: CliIO, r: ApplyReport, format: 'text' | 'json'): void {
  if (format === 'json') io.stdout(`${JSON.stringify(r, null, 2)}\n`);
  else io.stderr(renderApplyReport(r));
}

/**
 * `keyform apply [FILE] [--config PATH] [--target ADDR]... [--auto-approve] [--parallelism N]
 * [--lock-timeout D] [--lock-ttl D] [--only-additions] [--format text|json] [--no-color]
 * [--input BOOL]`: applies a saved plan exactly as reviewed (refusing a stale one), or plans,
 * shows and asks for `yes`. `--only-additions` is scheduled replication's policy: it applies
 * a plan only if every change is a membership created for a user who now exists (see
 * `notAdditions`), and then needs no approval. Exit 0 when everything was applied, 1 on any
 * refusal or failed change.
 */
export const registerApply: RegisterCommand = (program, io, state) => {
  program
    .command('apply')
    .description('Apply a saved plan (refusing it if Keystone changed since), or plan, show and apply after approval.')
    .argument('[file]', 'a plan file written by `keyform plan --out FILE`')
    .option('--config <path>', 'config file or folder (for the platforms\' clouds)', './keyform')
    .option('--target <address>', 'without a plan file: plan and apply only this address, type or tenant path and what it depends on; repeatable', collect, [])
    .option('--auto-approve', 'apply a fresh plan without asking (no plan file)')
    .option('--only-additions', 'apply only if every change is a membership created for a user who now exists; refuse anything else')
    .option('--parallelism <n>', 'Keystone operations in flight at most', String(DEFAULT_PARALLELISM))
    .option('--lock-timeout <duration>', 'how long to wait for another apply\'s lock (e.g. 60s)', '0s')
    .option('--lock-ttl <duration>', 'how long the lock holds if this process dies (renewed while it runs)', '5m')
    .addOption(new Option('--format <format>', 'report format (json goes to stdout)').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no ANSI colours in the plan shown')
    .addOption(inputOption())
    .action(async (file: string | undefined, flags: ApplyFlags) => run(io, state, file, flags));
};
