import { Command, CommanderError } from 'commander';
import { processIO, EXIT, type CliIO } from './io.ts';
import { COMMANDS } from './commands/index.ts';
import { fromTerraformFlags } from './terraform-flags.ts';

/**
 * Runs the keyform CLI with `argv` (without node and script) and resolves to the exit code.
 * Terraform's single-dash flags (`-out=F`, `-json`, …) are read as keyform's own (see `terraform-flags.ts`).
 * Each command lives in `commands/NAME.ts` and sets `state.exitCode`; nothing here calls
 * `process.exit`, so tests can run the CLI in-process.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const state = { exitCode: EXIT.ok as number };
  const program = new Command('keyform')
    .description('Replicates a governance model (workspaces, projects, users, roles, tags, quotas) into OpenStack.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stderr, writeErr: io.stderr })
    .showHelpAfterError();
  for (const register of COMMANDS) register(program, io, state);
  try {
    await program.parseAsync(fromTerraformFlags(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.error;
    throw e;
  }
  return state.exitCode;
}

/** The state a command reports its exit code through. */
export interface CliState {
  exitCode: number;
}

/** A command module registers itself on the program. */
export type RegisterCommand = (program: Command, io: CliIO, state: CliState) => void;

function packageVersion(): string {
  return KEYFORM_VERSION;
}

/** keyform's version, as written into plans. */
export const KEYFORM_VERSION = '0.1.0';
