import { Option } from 'commander';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { readPlanFile } from '../read-plan-file.ts';
import { failCommand } from '../render-error.ts';
import { PLAN_FORMATS, showPlan, type PlanFormat } from './plan.ts';

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
      const plan = await readPlanFile(file, io.cwd);
      if (plan.isErr()) return failCommand(io, state, 'show', plan.error, flags.format === 'json' ? 'json' : 'text');
      await showPlan(plan.value, flags.format, io, flags);
      state.exitCode = EXIT.ok;
    });
};
