import { resolve } from 'node:path';
import { Option } from 'commander';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { unknownPlatform, type ConfigError, type UnknownPlatform, type DesiredState, type PlatformSettings, type SynthOutput } from '../../../constructs/index.ts';
import { colorEnabled, hasChanges, jsonPlanChunks, planFileText, renderMarkdown, targetProblem, textChunks, type Plan } from '../../../plans/index.ts';
import { invalidOption, type InvalidOption } from '../../apply/index.ts';
import { closeTargets, openTargets, planTargets } from '../../plan/index.ts';
import type { OpenStackError } from '../../openstack/index.ts';
import type { SnapshotError } from '../../snapshot/index.ts';
import { EXIT, writeChunksOut, type CliIO } from '../io.ts';
import { KEYFORM_VERSION, type RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';
import { writeChunksAtomic, type FileWriteError } from '../../util/write-file-atomic.ts';
import { failCommand } from '../render-error.ts';
import { parseParallelism, readParallelismOption } from '../parallelism.ts';

/** How a plan is shown: for a terminal, for a pull-request comment, or as Terraform's JSON plan. */
export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

type Failure =
  | ConfigError
  | OpenStackError
  | SnapshotError
  | UnknownPlatform
  | InvalidOption
  | FileWriteError;

interface PlanFlags {
  readonly config: string;
  readonly platform?: string;
  readonly out?: string;
  readonly format: PlanFormat;
  readonly detailedExitcode?: boolean;
  readonly target: readonly string[];
  /** `--parallelism`: Keystone reads in flight at most. */
  readonly parallelism: string;
  /** False with `--no-color`. */
  readonly color: boolean;
}

/**
 * Shows a plan in `format` on stdout, as `terraform show` does: `> comment.md` holds the
 * rendering alone, diagnostics stay on stderr. Text is coloured only when stdout is a
 * terminal, NO_COLOR is unset and `--no-color` was not given.
 */
export async function showPlan(plan: Plan, format: PlanFormat, io: CliIO, opts: { readonly color: boolean } = { color: true }): Promise<void> {
  // In chunks, as stdout takes them: the JSON of 100,000 tenants is ~2 GB, and their text as
  // many creates longer than V8's longest string. Markdown is bounded by design (a PR comment).
  if (format === 'json') await writeChunksOut(io, jsonPlanChunks(plan));
  else if (format === 'markdown') io.stdout(renderMarkdown(plan));
  else await writeChunksOut(io, textChunks(plan, { color: opts.color && colorEnabled(io.env, io.stdoutIsTTY ?? io.isTTY) }));
}

/** Terraform's `-input=false`: keyform plan never asks; apply without a plan file then needs --auto-approve. */
export function inputOption(): Option {
  return new Option('--input <bool>', 'false: never ask for input (apply without --auto-approve then fails)').choices(['true', 'false']).default('true');
}

/** Collects a repeatable option's values. */
export const collect = (value: string, previous: readonly string[]): readonly string[] => [...previous, value];

/** The `--target`s, or the error naming the first malformed one. */
export function checkTargets(targets: readonly string[]): InvalidOption | undefined {
  const problem = targets.map(targetProblem).find((p) => p !== undefined);
  return problem === undefined ? undefined : invalidOption(`${problem}. Pass an address as the plan shows it, a resource type, or a tenant path PLATFORM/WORKSPACE/PROJECT.`);
}

/** The desired states and settings of the platforms to plan: the one `--platform` names, or all. */
function choose(output: SynthOutput, wanted: string | undefined): { desired: readonly DesiredState[]; settings: readonly PlatformSettings[] } | Failure {
  const desired = wanted === undefined ? output.platforms : output.platforms.filter((p) => p.platform === wanted);
  if (desired.length === 0) {
    const ids = output.platforms.map((p) => p.platform);
    const why = wanted === undefined ? 'The config declares no platform' : `There is no platform ${JSON.stringify(wanted)}`;
    return unknownPlatform(wanted, ids, `${why}. ${ids.length > 0 ? `Pass --platform with one of: ${ids.join(', ')}.` : 'Declare one with a `platform` block.'}`);
  }
  return { desired, settings: desired.flatMap((d) => output.settings[d.platform] ?? []) };
}

/** Snapshots the chosen platforms and plans them; the sessions are closed whatever happens. */
function makePlan(io: CliIO, flags: PlanFlags): ResultAsync<Plan, Failure> {
  const parallelism = parseParallelism(flags.parallelism);
  if (typeof parallelism !== 'number') return errAsync(parallelism);
  return loadDesired(flags.config, io).andThen(({ output }): ResultAsync<Plan, Failure> => {
    const chosen = choose(output, flags.platform);
    if ('kind' in chosen) return errAsync(chosen);
    const bad = checkTargets(flags.target);
    if (bad !== undefined) return errAsync(bad);
    return openTargets(chosen.settings, { env: io.env, cwd: io.cwd, maxConnections: parallelism }).andThen((targets) =>
      planTargets(targets, chosen.desired, KEYFORM_VERSION, new Date().toISOString(), flags.target, { parallelism })
        .map((planned) => {
          closeTargets(targets);
          return planned.plan;
        })
        .mapErr((e): Failure => {
          closeTargets(targets);
          return e;
        }),
    );
  });
}

/**
 * Saves the plan file whole or not at all: `keyform apply` never meets half a plan. Written
 * in chunks as they are made: the file of 100,000 tenants is ~740 MB, never one string.
 */
function save(plan: Plan, file: string, io: CliIO): ResultAsync<Plan, Failure> {
  const text = planFileText(plan, { key: io.env['KEYFORM_PLAN_KEY'] });
  const header = { length: text.headerLength, text: text.header };
  return writeChunksAtomic(resolve(io.cwd, file), text.body, { fix: 'Pass --out a path in a folder that exists and is writable.', header }).map(() => plan);
}

/**
 * `keyform plan [--config PATH] [--platform ID] [--target ADDR]... [--out FILE]
 * [--format text|markdown|json] [--detailed-exitcode] [--parallelism N] [--no-color] [--input BOOL]`:
 * snapshots each platform (or the one named) with at most N reads in flight (default 8), diffs
 * it against the config and shows the plan on stdout; `--out` saves it for `keyform apply FILE` and `keyform show FILE`. `--target`
 * plans only what it selects and what that depends on (a partial plan, as Terraform's).
 * Exit codes as `terraform plan -detailed-exitcode`: 0 no changes, 1 error (also a plan
 * with errors, e.g. a name clash), 2 changes present (without the flag: 0).
 */
export const registerPlan: RegisterCommand = (program, io, state) => {
  program
    .command('plan')
    .description('Show what apply would change in Keystone (and save it with --out for review and apply).')
    .option('--config <path>', 'config file or folder', './keyform')
    .option('--platform <id>', 'plan only this platform')
    .option('--target <address>', 'plan only this address, type or tenant path (PLATFORM/WORKSPACE/PROJECT) and what it depends on; repeatable', collect, [])
    .option('--out <file>', 'save the plan to FILE, for `keyform apply FILE` and `keyform show FILE`')
    .addOption(new Option('--format <format>', 'how to show the plan on stdout').choices(PLAN_FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 1 on error, 2 when there are changes')
    .addOption(readParallelismOption())
    .option('--no-color', 'no ANSI colours in the text rendering')
    .addOption(inputOption())
    .action(async (flags: PlanFlags) => {
      const r = await makePlan(io, flags).andThen((plan) => (flags.out === undefined ? okAsync(plan) : save(plan, flags.out, io)));
      if (r.isErr()) return failCommand(io, state, 'plan', r.error, flags.format === 'json' ? 'json' : 'text');
      const plan = r.value;
      await showPlan(plan, flags.format, io, flags);
      if (flags.out !== undefined) io.stderr(`\nSaved the plan to ${flags.out}. To apply exactly this plan: keyform apply ${flags.out}\n`);
      state.exitCode = plan.errored ? EXIT.error : flags.detailedExitcode === true && hasChanges(plan.summary) ? EXIT.changes : EXIT.ok;
    });
};
