import { Command, CommanderError } from 'commander';
import { processIO, EXIT, type CliIO } from './io.ts';
import { COMMANDS } from './commands/index.ts';
import { lastResort } from './last-resort.ts';
import { fromTerraformFlags } from './terraform-flags.ts';

// The bin (keyform.mjs) takes these from this module, built or not, so that the hooks commands
// register and the handler it installs are one copy.
export { installLastResort } from './last-resort.ts';
export { processIO } from './io.ts';

/**
 * Runs the keyform CLI with `argv` (without node and script) and resolves to the exit code.
 * Terraform's single-dash flags (`-out=F`, `-json`, …) are read as keyform's own (see `terraform-flags.ts`).
 * Each command lives in `commands/NAME.ts` and sets `state.exitCode`; nothing here calls
 * `process.exit`, so tests can run the CLI in-process. An error a command did not expect
 * (a bug) ends in `lastResort`: one redacted line and exit 1, never a stack trace.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const state = { exitCode: EXIT.ok as number };
  // `--os-cloud NAME` is OS_CLOUD for this run, as the openstack CLI's flag is: commands see it in their env.
  // The environment is copied only then: otherwise commands read io.env itself (a test's env may be a Proxy).
  let env = io.env;
  const program = new Command('keyform')
    .description('Replicates a governance model (workspaces, projects, users, roles, tags, quotas) into OpenStack.')
    .version(packageVersion())
    .option('--os-cloud <name>', "clouds.yaml entry for platforms that name no cloud (as OS_CLOUD)")
    .exitOverride()
    .configureOutput({ writeOut: io.stderr, writeErr: io.stderr })
    .showHelpAfterError()
    .hook('preAction', () => {
      const cloud = (program.opts() as { osCloud?: string }).osCloud;
      if (cloud) env = { ...io.env, OS_CLOUD: cloud };
    });
  const commandIO: CliIO = { ...io, get env() { return env; } };
  for (const register of COMMANDS) register(program, commandIO, state);
  try {
    await program.parseAsync(fromTerraformFlags(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.error;
    return lastResort(e, io);
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
