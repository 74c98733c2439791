import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ResultAsync, okAsync } from 'neverthrow';
import { exportTerraform, TERRAFORM_FILE, type ExportError } from '../../../constructs/export/index.ts';
import type { ConfigError } from '../../../constructs/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { DEFAULT_CONFIG_PATH, loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';
import { fileWriteFailed, writeFileAtomic, type FileWriteError } from '../../util/write-file-atomic.ts';

type Failure = ConfigError | ExportError | FileWriteError;

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

/** Writes each file whole (see `writeFileAtomic`) into `dir`, made first when missing. */
function writeFiles(dir: string, files: Readonly<Record<string, string>>): ResultAsync<void, FileWriteError> {
  const fix = 'Check that the folder is writable, or pass another --out.';
  return ResultAsync.fromPromise(mkdir(dir, { recursive: true }), (e) => fileWriteFailed(dir, e, fix)).andThen(() =>
    Object.entries(files).reduce((done: ResultAsync<void, FileWriteError>, [name, text]) => done.andThen(() => writeFileAtomic(join(dir, name), text, fix)), okAsync(undefined)),
  );
}
