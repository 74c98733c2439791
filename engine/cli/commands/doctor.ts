import { Option } from 'commander';
import { passed, renderDoctorJson, renderDoctorText, runDoctor, doctorTargets } from '../../doctor/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { DEFAULT_CONFIG_PATH, loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';

/**
 * `keyform doctor [--config PATH] [--platform ID] [--format text|json] [--write-probe]`:
 * checks each platform before anything is planned (Keystone, the service catalog, what the
 * replicator, limits and metering accounts may do, the roles, domains, users and registered
 * limits the config names) and prints one row per check with ok / warn / fail and a
 * one-line fix. Exit 0 when no check failed, 1 otherwise. It only reads; with
 * `--write-probe` it says what it will create, then creates and deletes its own marked
 * objects where reading can't settle what the replicator may write.
 */
export const registerDoctor: RegisterCommand = (program, io, state) => {
  program
    .command('doctor')
    .description('Check each platform (Keystone, catalog, accounts, roles, domains, users, limits) before anything is planned.')
    .option('--config <path>', 'config file or folder', DEFAULT_CONFIG_PATH)
    .option('--platform <id>', 'check only this platform')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--write-probe', 'also create, update and delete marked objects where reading cannot tell what the replicator may write (says what first)')
    .action(async (opts: { config: string; platform?: string; format: 'text' | 'json'; writeProbe?: boolean }) => {
      const desired = await loadDesired(opts.config, io);
      if (desired.isErr()) return failCommand(io, state, 'doctor', desired.error, opts.format);
      const targets = doctorTargets(desired.value.output, opts.platform);
      if (targets.isErr()) return failCommand(io, state, 'doctor', targets.error, opts.format);
      const report = await runDoctor(targets.value, { env: io.env, cwd: io.cwd, ...(opts.writeProbe ? { writeProbe: { announce: io.stderr } } : {}) });
      if (opts.format === 'json') io.stdout(renderDoctorJson(report));
      else io.stderr(renderDoctorText(report));
      state.exitCode = passed(report) ? EXIT.ok : EXIT.error;
    });
};
