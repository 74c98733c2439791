import { Option } from 'commander';
import { indentedCanonicalJson, RESOURCE_KINDS, type SynthOutput } from '../../../constructs/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';
import { errorDocument, failCommand } from '../render-error.ts';

/**
 * `keyform validate [--config PATH] [--format text|json]`: loads and synthesizes the config
 * without touching any cloud. Exit 0 when valid; 1 with every problem (file:line:col) on
 * stderr, or as JSON on stdout with `--format json` (`valid`, `problems` and the `error`
 * every command's JSON failure has, see `errorDocument`).
 */
export const registerValidate: RegisterCommand = (program, io, state) => {
  program
    .command('validate')
    .description('Check the configuration (schemas, references, name patterns, rendered names) without contacting any cloud.')
    .option('--config <path>', 'config file or folder', './keyform')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: { config: string; format: 'text' | 'json' }) => {
      const result = await loadDesired(opts.config, io);
      if (result.isErr()) {
        // validate's own document: `valid` and the problems, as ever, plus the one error shape.
        if (opts.format === 'json') {
          io.stdout(`${indentedCanonicalJson({ valid: false, ...errorDocument(result.error) })}\n`);
          state.exitCode = EXIT.error;
          return;
        }
        return failCommand(io, state, 'validate', result.error);
      }
      const { files, output } = result.value;
      if (opts.format === 'json') io.stdout(`${indentedCanonicalJson({ valid: true, files, platforms: counts(output) })}\n`);
      else io.stderr(summary(files, output));
      state.exitCode = EXIT.ok;
    });
};

function counts(output: SynthOutput): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const p of output.platforms) {
    const c: Record<string, number> = Object.fromEntries(RESOURCE_KINDS.map((k) => [k, 0]));
    for (const r of p.resources) c[r.kind] = (c[r.kind] ?? 0) + 1;
    out[p.platform] = c;
  }
  return out;
}

function summary(files: readonly string[], output: SynthOutput): string {
  const lines = Object.entries(counts(output)).map(([platform, c]) => {
    const parts = RESOURCE_KINDS.filter((k) => (c[k] ?? 0) > 0).map((k) => `${c[k]} ${k}${c[k] === 1 ? '' : 's'}`);
    return `  ${platform}: ${parts.length ? parts.join(', ') : 'no resources'}`;
  });
  return `The configuration is valid (${files.length} file${files.length === 1 ? '' : 's'}).\n${lines.join('\n')}\n`;
}
