import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { ResultAsync } from 'neverthrow';
import { decodePlan, type Plan } from '../../../plans/index.ts';
import { printable } from '../../../constructs/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { PLAN_FORMATS, showPlan, type PlanFormat } from './plan.ts';

function readPlan(file: string, cwd: string): ResultAsync<Plan, { readonly message: string }> {
  return ResultAsync.fromPromise(readFile(resolve(cwd, file), 'utf8'), (e) => ({
    message: `Cannot read ${file} (${(e as Error).message}). Pass a file that \`keyform plan --out FILE\` wrote.`,
  })).andThen((text) => decodePlan(text).mapErr((e) => ({ message: `${file}: ${e.message}` })));
}

/**
 * `keyform show FILE [--format text|markdown|json] [--no-color]`: shows a saved plan on stdout (for review, or as a
 * pull-request comment, or as Terraform's JSON plan). The file is checked as apply checks it
 * (format version, checksum, shape); exit 1 when it is refused, else 0.
 */
export const registerShow: RegisterCommand = (program, io, state) => {
  program
    .command('show')
    .description('Show a saved plan file as text, Markdown or Terraform-style JSON.')
    .argument('<file>', 'a plan file written by `keyform plan --out FILE`')
    .addOption(new Option('--format <format>', 'how to show the plan on stdout').choices(PLAN_FORMATS).default('text'))
    .option('--no-color', 'no ANSI colours in the text rendering')
    .action(async (file: string, flags: { format: PlanFormat; color: boolean }) => {
      const plan = await readPlan(file, io.cwd);
      if (plan.isErr()) {
        io.stderr(`keyform show: ${printable(plan.error.message)}\n`);
        state.exitCode = EXIT.error;
        return;
      }
      showPlan(plan.value, flags.format, io, flags);
      state.exitCode = EXIT.ok;
    });
};
