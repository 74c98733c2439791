import { Option } from 'commander';
import { canonicalJsonChunks } from '../../../constructs/index.ts';
import { EXIT, writeChunksOut } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';

/**
 * `keyform synth [--config PATH] [--format json]`: prints the desired state of every
 * platform (resources, settings, metering) as canonical JSON on stdout: the same config
 * gives the same bytes, whatever its file or declaration order. On a config error it
 * writes nothing to stdout, the problems to stderr, and exits 1.
 */
export const registerSynth: RegisterCommand = (program, io, state) => {
  program
    .command('synth')
    .description('Print the desired state (per platform: resources, settings, metering) as JSON.')
    .option('--config <path>', 'config file or folder', './keyform')
    .addOption(new Option('--format <format>', 'output format').choices(['json']).default('json'))
    .action(async (opts: { config: string }) => {
      const result = await loadDesired(opts.config, io);
      if (result.isErr()) return failCommand(io, state, 'synth', result.error);
      // In chunks of ~64 KiB as stdout takes them: the text of 10,000 tenants is ~50 MB, and is
      // never held whole, also when a slow reader of a pipe lets stdout's buffer fill.
      await writeChunksOut(io, canonicalJsonChunks(result.value.output, { indent: 2 }));
      io.stdout('\n');
      const n = result.value.output.platforms.reduce((sum, p) => sum + p.resources.length, 0);
      io.stderr(`Synthesized ${n} resources on ${result.value.output.platforms.length} platform(s).\n`);
      state.exitCode = EXIT.ok;
    });
};
