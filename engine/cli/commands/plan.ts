import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { renderConfigError, type ConfigError, type DesiredState, type PlatformSettings, type SynthOutput } from '../../../constructs/index.ts';
import { colorEnabled, encodePlan, renderJson, renderMarkdown, renderText, type Plan } from '../../../plans/index.ts';
import { closeTargets, openTargets, planTargets } from '../../apply/index.ts';
import type { OpenStackError } from '../../openstack/index.ts';
import type { SnapshotError } from '../../snapshot/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import { KEYFORM_VERSION, type RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';

/** How a plan is shown: for a terminal, for a pull-request comment, or as Terraform's JSON plan. */
export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

type Failure =
  | ConfigError
  | OpenStackError
  | SnapshotError
  | { readonly kind: 'PlatformChoice'; readonly message: string }
  | { readonly kind: 'PlanNotWritten'; readonly message: string };

interface PlanFlags {
  readonly config: string;
  readonly platform?: string;
  readonly out?: string;
  readonly format: PlanFormat;
  readonly detailedExitcode?: boolean;
}

/**
 * Shows a plan in `format`: JSON alone on stdout (so `> plan.json` is clean), text and
 * Markdown on stderr, text coloured only on a terminal without NO_COLOR.
 */
export function showPlan(plan: Plan, format: PlanFormat, io: CliIO): void {
  if (format === 'json') io.stdout(renderJson(plan));
  else if (format === 'markdown') io.stderr(renderMarkdown(plan));
  else io.stderr(renderText(plan, { color: colorEnabled(io.env, io.isTTY) }));
}

/** The desired states and settings of the platforms to plan: the one `--platform` names, or all. */
function choose(output: SynthOutput, wanted: string | undefined): { desired: readonly DesiredState[]; settings: readonly PlatformSettings[] } | Failure {
  const desired = wanted === undefined ? output.platforms : output.platforms.filter((p) => p.platform === wanted);
  if (desired.length === 0) {
    const ids = output.platforms.map((p) => p.platform);
    const why = wanted === undefined ? 'The config declares no platform' : `There is no platform ${JSON.stringify(wanted)}`;
    return { kind: 'PlatformChoice', message: `${why}. ${ids.length > 0 ? `Pass --platform with one of: ${ids.join(', ')}.` : 'Declare one with a `platform` block.'}` };
  }
  return { desired, settings: desired.flatMap((d) => output.settings[d.platform] ?? []) };
}

/** Snapshots the chosen platforms and plans them; the sessions are closed whatever happens. */
function makePlan(io: CliIO, flags: PlanFlags): ResultAsync<Plan, Failure> {
  return loadDesired(flags.config, io).andThen(({ output }): ResultAsync<Plan, Failure> => {
    const chosen = choose(output, flags.platform);
    if ('kind' in chosen) return errAsync(chosen);
    return openTargets(chosen.settings, { env: io.env, cwd: io.cwd }).andThen((targets) =>
      planTargets(targets, chosen.desired, KEYFORM_VERSION, new Date().toISOString())
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

function save(plan: Plan, file: string, io: CliIO): ResultAsync<Plan, Failure> {
  return ResultAsync.fromPromise(writeFile(resolve(io.cwd, file), encodePlan(plan, { key: io.env['KEYFORM_PLAN_KEY'] })), (e): Failure => ({
    kind: 'PlanNotWritten', message: `Cannot write the plan to ${file} (${(e as Error).message}). Pass --out a path in a folder that exists and is writable.`,
  })).andThen(() => okAsync(plan));
}

/**
 * `keyform plan [--config PATH] [--platform ID] [--out FILE] [--format text|markdown|json]
 * [--detailed-exitcode]`: snapshots each platform (or the one named), diffs it against the
 * config and shows the plan; `--out` saves it for `keyform apply FILE` and `keyform show FILE`.
 * Exit codes as `terraform plan -detailed-exitcode`: 0 no changes, 1 error (also a plan
 * with errors, e.g. a name clash), 2 changes present (without the flag: 0).
 */
export const registerPlan: RegisterCommand = (program, io, state) => {
  program
    .command('plan')
    .description('Show what apply would change in Keystone (and save it with --out for review and apply).')
    .option('--config <path>', 'config file or folder', './keyform')
    .option('--platform <id>', 'plan only this platform')
    .option('--out <file>', 'save the plan to FILE, for `keyform apply FILE` and `keyform show FILE`')
    .addOption(new Option('--format <format>', 'how to show the plan (json goes to stdout)').choices(PLAN_FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 1 on error, 2 when there are changes')
    .action(async (flags: PlanFlags) => {
      const r = await makePlan(io, flags).andThen((plan) => (flags.out === undefined ? okAsync(plan) : save(plan, flags.out, io)));
      if (r.isErr()) {
        io.stderr(r.error.kind === 'ConfigError' ? renderConfigError(r.error) : `keyform plan: ${r.error.message}\n`);
        state.exitCode = EXIT.error;
        return;
      }
      const plan = r.value;
      showPlan(plan, flags.format, io);
      if (flags.out !== undefined) io.stderr(`\nSaved the plan to ${flags.out}. To apply exactly this plan: keyform apply ${flags.out}\n`);
      const changes = plan.summary.add + plan.summary.change + plan.summary.destroy > 0;
      state.exitCode = plan.errored ? EXIT.error : flags.detailedExitcode === true && changes ? EXIT.changes : EXIT.ok;
    });
};
