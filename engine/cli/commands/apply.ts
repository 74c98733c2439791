import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { err, ok, type Result } from 'neverthrow';
import { durationMs, trapSignals } from '../process-control.ts';
import { renderConfigError, type PlatformSettings, type SynthOutput } from '../../../constructs/index.ts';
import { decodePlan, renderText, colorEnabled, type Plan } from '../../../plans/index.ts';
import {
  applyPlan, applyProgress, closeTargets, invalidOption, notApproved, openTargets, planErrored, planFileUnreadable, planTargets, platformNotConfigured, renderApplyReport,
  type ApplyError, type ApplyReport, type PlatformTarget,
} from '../../apply/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import { KEYFORM_VERSION, type CliState, type RegisterCommand } from '../main.ts';
import { configPath, loadDesired } from '../config.ts';

interface ApplyFlags {
  readonly config: string;
  readonly autoApprove?: boolean;
  readonly parallelism: string;
  readonly lockTimeout: string;
  readonly lockTtl: string;
  readonly format: 'text' | 'json';
}

function describe(e: ApplyError): string {
  return e.kind === 'ConfigError' ? renderConfigError(e) : `${e.message}\n`;
}

/** The settings of the platforms a plan names, or the error for the first the config lacks. */
function settingsFor(plan: Plan, output: SynthOutput, path: string): Result<readonly PlatformSettings[], ApplyError> {
  const out: PlatformSettings[] = [];
  for (const p of plan.platforms) {
    const s = output.settings[p.platform];
    if (s === undefined) return err(platformNotConfigured(p.platform, path));
    out.push(s);
  }
  return ok(out);
}

/** Asks for `yes` on the terminal; anything else (or Ctrl-C) declines. */
function askYes(io: CliIO): Promise<boolean> {
  io.stderr('\nDo you want to perform these actions?\n  keyform will perform the actions described above.\n  Only \'yes\' will be accepted to approve.\n\n  Enter a value: ');
  const rl = createInterface({ input: process.stdin, terminal: false });
  return new Promise((done) => {
    rl.once('line', (answer) => {
      rl.close();
      done(answer.trim() === 'yes');
    });
    rl.once('SIGINT', () => {
      rl.close();
      done(false);
    });
    rl.once('close', () => done(false));
  });
}

/**
 * The plan to apply: the saved file as it reads (with FILE), or a fresh plan, shown and
 * approved (`yes` on a terminal, or --auto-approve).
 */
async function planToApply(io: CliIO, file: string | undefined, flags: ApplyFlags, output: SynthOutput, path: string): Promise<Result<{ plan: Plan; targets: readonly PlatformTarget[] } | 'no-changes', ApplyError>> {
  const env = { env: io.env, cwd: io.cwd };
  if (file !== undefined) {
    const text = await readFile(resolve(io.cwd, file), 'utf8').catch((e: Error) => e);
    if (text instanceof Error) return err(planFileUnreadable(file, text.message));
    const plan = decodePlan(text);
    if (plan.isErr()) return err(plan.error);
    const settings = settingsFor(plan.value, output, path);
    if (settings.isErr()) return err(settings.error);
    const targets = await openTargets(settings.value, env);
    return targets.map((t) => ({ plan: plan.value, targets: t }));
  }
  const ids = output.platforms.map((d) => d.platform);
  const targets = await openTargets(ids.flatMap((id) => output.settings[id] ?? []), env);
  if (targets.isErr()) return err(targets.error);
  const planned = await planTargets(targets.value, output.platforms, KEYFORM_VERSION, new Date().toISOString());
  if (planned.isErr()) {
    closeTargets(targets.value);
    return err(planned.error);
  }
  const plan = planned.value.plan;
  io.stderr(renderText(plan, { color: colorEnabled(io.env, io.isTTY) }));
  const stop = (e: ApplyError | 'no-changes'): Result<'no-changes', ApplyError> => {
    closeTargets(targets.value);
    return e === 'no-changes' ? ok(e) : err(e);
  };
  if (plan.errored) return stop(planErrored(plan.summary.errors));
  if (!plan.applyable) return stop('no-changes');
  if (flags.autoApprove !== true) {
    if (!io.isTTY || process.stdin.isTTY !== true) return stop(notApproved('no-tty'));
    if (!(await askYes(io))) return stop(notApproved('declined'));
  }
  return ok({ plan, targets: targets.value });
}

async function run(io: CliIO, state: CliState, file: string | undefined, flags: ApplyFlags): Promise<void> {
  const fail = (e: ApplyError): void => {
    io.stderr(describe(e));
    state.exitCode = EXIT.error;
  };
  const parallelism = Number(flags.parallelism);
  const lockWaitMs = durationMs(flags.lockTimeout);
  const lockTtlMs = durationMs(flags.lockTtl);
  if (!Number.isInteger(parallelism) || parallelism < 1 || lockWaitMs === undefined || lockTtlMs === undefined || lockTtlMs < 3000) {
    return fail(invalidOption('Invalid option: --parallelism takes a whole number ≥ 1; --lock-timeout and --lock-ttl take durations such as 0s, 90s or 5m (--lock-ttl at least 3s).'));
  }
  const desired = await loadDesired(flags.config, io);
  if (desired.isErr()) return fail(desired.error);
  const chosen = await planToApply(io, file, flags, desired.value.output, configPath(flags.config, io));
  if (chosen.isErr()) return fail(chosen.error);
  // The plan shown above already says "No changes".
  if (chosen.value === 'no-changes') return;
  const { plan, targets } = chosen.value;
  const abort = new AbortController();
  const untrap = trapSignals(io, abort, (sig) => `\n${sig}: finishing the operations in flight, then releasing the lock (again to quit at once)…`, { secondExits: true });
  const result = await applyPlan(plan, targets, {
    parallelism, lockWaitMs, lockTtlMs, signal: abort.signal, configPath: configPath(flags.config, io),
    progress: applyProgress(io), log: (line) => io.stderr(`${line}\n`),
  });
  untrap();
  closeTargets(targets);
  if (result.isErr()) return fail(result.error);
  report(io, result.value, flags.format);
  state.exitCode = result.value.succeeded ? EXIT.ok : EXIT.error;
}

function report(io: CliIO, r: ApplyReport, format: 'text' | 'json'): void {
  if (format === 'json') io.stdout(`${JSON.stringify(r, null, 2)}\n`);
  else io.stderr(renderApplyReport(r));
}

/**
 * `keyform apply [FILE] [--config PATH] [--auto-approve] [--parallelism N] [--lock-timeout D]
 * [--lock-ttl D] [--format text|json]`: applies a saved plan exactly as reviewed (refusing a
 * stale one), or plans, shows and asks for `yes`. Exit 0 when everything was applied, 1 on
 * any refusal or failed change.
 */
export const registerApply: RegisterCommand = (program, io, state) => {
  program
    .command('apply')
    .description('Apply a saved plan (refusing it if Keystone changed since), or plan, show and apply after approval.')
    .argument('[file]', 'a plan file written by `keyform plan --out FILE`')
    .option('--config <path>', 'config file or folder (for the platforms\' clouds)', './keyform')
    .option('--auto-approve', 'apply a fresh plan without asking (no plan file)')
    .option('--parallelism <n>', 'Keystone operations in flight at most', '8')
    .option('--lock-timeout <duration>', 'how long to wait for another apply\'s lock (e.g. 60s)', '0s')
    .option('--lock-ttl <duration>', 'how long the lock holds if this process dies (renewed while it runs)', '5m')
    .addOption(new Option('--format <format>', 'report format (json goes to stdout)').choices(['text', 'json']).default('text'))
    .action(async (file: string | undefined, flags: ApplyFlags) => run(io, state, file, flags));
};
