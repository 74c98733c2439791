import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ResultAsync } from 'neverthrow';
import { exportTerraform, TERRAFORM_FILE, type ExportError } from '../../../constructs/export/index.ts';
import type { ConfigError } from '../../../constructs/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { DEFAULT_CONFIG_PATH, loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';

/** The export folder could not be written. */
interface WriteFailed {
  readonly kind: 'write-failed';
  readonly message: string;
}

type Failure = ConfigError | ExportError | WriteFailed;

/**
 * `keyform export terraform [--config PATH] --out DIR`: writes the desired state of every
 * platform as a Terraform JSON configuration for the OpenStack provider, for teams that hand
 * over to OpenTofu: DIR/main.tf.json, and DIR/keyform-addresses.json (keyform address →
 * Terraform address). Only those two files are replaced; a backend or other `*.tf` files
 * next to them stay, so the export can be run again. Nothing talks to the cloud.
 * Exit 0 when written; 1 with every problem on stderr, and nothing written, otherwise.
 */
export const registerExport: RegisterCommand = (program, io, state) => {
  program
    .command('export')
    .description('Export the desired state for other tools.')
    .command('terraform')
    .description('Write the desired state as a Terraform JSON configuration for the OpenStack provider (OpenTofu, Terraform).')
    .option('--config <path>', 'config file or folder', DEFAULT_CONFIG_PATH)
    .requiredOption('--out <dir>', `folder to write ${TERRAFORM_FILE} and keyform-addresses.json into`)
    .action(async (opts: { config: string; out: string }) => {
      const dir = resolve(io.cwd, opts.out);
      const result = await loadDesired(opts.config, io)
        .mapErr((e): Failure[] => [e])
        .andThen(({ output }) => exportTerraform(output.platforms, output.settings).map((files) => ({ output, files })))
        .andThen(({ output, files }) => writeFiles(dir, files).map(() => output).mapErr((e): Failure[] => [e]));
      if (result.isErr()) {
        for (const e of result.error) failCommand(io, state, 'export terraform', e);
        return;
      }
      const n = result.value.platforms.reduce((sum, p) => sum + p.resources.length, 0);
      io.stderr(
        `Exported ${n} resources on ${result.value.platforms.length} platform(s) to ${join(dir, TERRAFORM_FILE)}.\n` +
          'Bound users, roles and shared domains are read with data sources: each must exist in Keystone before `tofu plan`.\n',
      );
      state.exitCode = EXIT.ok;
    });
};

function writeFiles(dir: string, files: Readonly<Record<string, string>>): ResultAsync<void, WriteFailed> {
  const write = async () => {
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  };
  return ResultAsync.fromPromise(write(), (e) => ({
    kind: 'write-failed' as const,
    message: `Could not write the export to ${dir}: ${e instanceof Error ? e.message : String(e)}. Check that the folder is writable, or pass another --out.`,
  }));
}
