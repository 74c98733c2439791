import { resolve } from 'node:path';
import { printable } from '../../../constructs/index.ts';
import { trapSignals } from '../process-control.ts';
import { durationMs } from '../../util/durations.ts';
import { applyProgress, invalidOption } from '../../apply/index.ts';
import { runBlock, runFailed, statusReporter, statusUrlProblem, type RunStatus, type StatusReporter } from '../../block/index.ts';
import { onLastResort } from '../last-resort.ts';
import { EXIT, type CliIO } from '../io.ts';
import { KEYFORM_VERSION, type CliState, type RegisterCommand } from '../main.ts';
import { configPath } from '../config.ts';
import { failCommand, renderErrorText } from '../render-error.ts';

import { DEFAULT_PARALLELISM, parseParallelism } from '../parallelism.ts';

interface BlockFlags {
  readonly inputs: string;
  readonly outputs?: string;
  readonly status?: string;
  readonly statusUrl?: string;
  readonly config: string;
  readonly lockTimeout: string;
  readonly lockTtl: string;
  readonly parallelism: string;
  readonly destroy?: boolean;
  readonly dryRun?: boolean;
}

/** Prints each step as it changes: `[plan] SUCCEEDED  3 to create, …`; `last()` is the status reported last. */
function printing(inner: StatusReporter, io: CliIO): StatusReporter & { last(): RunStatus | undefined } {
  let before: RunStatus | undefined;
  return {
    last: () => before,
    report(s) {
      for (const step of s.steps) {
        const was = before?.steps.find((x) => x.id === step.id);
        if (was?.status !== step.status) io.stderr(`[${step.id}] ${step.status}  ${printable(step.userMessage.split('\n')[0] ?? '')}\n`);
      }
      before = s;
      return inner.report(s);
    },
    close: () => inner.close(),
  };
}

/** The run FAILED at its running step because of an unexpected error, described by the redacted `line`. */
function crashed(s: RunStatus, line: string): RunStatus {
  const step = s.steps.find((x) => x.status === 'IN_PROGRESS');
  const messages = { userMessage: 'keyform stopped on an unexpected error. The platform team has the details.', systemMessage: `unexpected error: ${line}` };
  return step ? runFailed(s, step.id, messages) : { ...s, ...messages, status: 'FAILED', sequence: s.sequence + 1 };
}

function invalid(flags: BlockFlags): string | undefined {
  const wait = durationMs(flags.lockTimeout);
  const ttl = durationMs(flags.lockTtl);
  if (wait === undefined) return `--lock-timeout ${JSON.stringify(flags.lockTimeout)} is not a duration; write e.g. 0s, 90s or 5m`;
  if (ttl === undefined || ttl < 3000) return `--lock-ttl ${JSON.stringify(flags.lockTtl)} is not a duration of at least 3s; write e.g. 90s or 5m`;
  return flags.statusUrl === undefined ? undefined : statusUrlProblem(flags.statusUrl);
}

async function run(io: CliIO, state: CliState, flags: BlockFlags): Promise<void> {
  const problem = invalid(flags);
  if (problem !== undefined) return failCommand(io, state, 'block run', invalidOption(`${problem}.`));
  const parallelism = parseParallelism(flags.parallelism);
  if (typeof parallelism !== 'number') return failCommand(io, state, 'block run', parallelism);
  const reporter = printing(statusReporter({
    ...(flags.status ? { file: resolve(io.cwd, flags.status) } : {}), ...(flags.statusUrl ? { url: flags.statusUrl } : {}),
    post: { toolVersion: KEYFORM_VERSION }, log: (line) => io.stderr(`${line}\n`),
  }), io);
  // An unexpected error must not leave the pipeline waiting on IN_PROGRESS forever.
  const offLastResort = onLastResort(async (line) => {
    const last = reporter.last();
    if (last?.status === 'IN_PROGRESS') await reporter.report(crashed(last, line));
    await reporter.close();
  });
  const abort = new AbortController();
  const untrap = trapSignals(io, abort, (sig) => `\n${sig}: finishing the operations in flight, then reporting the run as failed…`);
  const result = await runBlock({
    inputsFile: flags.inputs, configPath: configPath(flags.config, io), reporter, env: io.env, cwd: io.cwd, toolVersion: KEYFORM_VERSION,
    lockWaitMs: durationMs(flags.lockTimeout)!, lockTtlMs: durationMs(flags.lockTtl)!, parallelism,
    signal: abort.signal, progress: applyProgress({ stderr: io.stderr, isTTY: false, env: io.env }), log: (line) => io.stderr(`${line}\n`),
    ...(flags.outputs ? { outputsFile: flags.outputs } : {}), destroy: flags.destroy === true, dryRun: flags.dryRun === true,
  });
  untrap();
  offLastResort();
  await reporter.close();
  const s = result.status;
  io.stderr(printable(`\nRun ${s.status}.\n${s.userMessage}\n${s.status === 'FAILED' && s.systemMessage ? `\nDetails for the platform team:\n${s.systemMessage}\n` : ''}`, { keepNewlines: true }));
  if (result.fileError) io.stderr(renderErrorText('block run', result.fileError));
  state.exitCode = s.status === 'SUCCEEDED' && result.fileError === undefined ? EXIT.ok : EXIT.error;
}

/**
 * `keyform block run --inputs FILE [--destroy] [--dry-run] [--outputs FILE] [--status FILE]
 * [--status-url URL] [--config PATH] [--lock-timeout D] [--lock-ttl D] [--parallelism N]`: the
 * building-block mode. Plans and applies the one tenant the inputs describe (nothing else on
 * the platform), or with `--destroy` (or `"behavior": "DESTROY"` in the inputs) its removal
 * under its deletion policy; writes the outputs file and reports the run's steps
 * (IN_PROGRESS / SUCCEEDED / FAILED) to the status file and URL. `--dry-run` stops after the
 * plan step. Exit 0 when the run SUCCEEDED, 1 otherwise.
 */
export const registerBlock: RegisterCommand = (program, io, state) => {
  const block = program.command('block').description('Building-block mode: replicate one tenant from a pipeline step\'s inputs.');
  block
    .command('run')
    .description('Plan and apply the tenant the inputs describe (or its removal); write its outputs and report the run status.')
    .requiredOption('--inputs <file>', 'the inputs (JSON): platform, behavior, workspace, project, tenant, user_permissions')
    .option('--destroy', 'remove the tenant under its deletion policy (as "behavior": "DESTROY" in the inputs)')
    .option('--dry-run', 'stop after the plan: change nothing, report the plan in the status')
    .option('--outputs <file>', 'where to write the outputs (JSON), on success')
    .option('--status <file>', 'where to keep the run status (JSON), replaced atomically on every change')
    .option('--status-url <url>', 'where to POST the run status (JSON) on every change; no credentials are sent')
    .option('--config <path>', 'config file or folder that declares the platform', './keyform')
    .option('--lock-timeout <duration>', "how long to wait for another apply's lock on the platform", '5m')
    .option('--lock-ttl <duration>', 'how long the lock holds if this process dies (renewed while it runs)', '5m')
    .option('--parallelism <n>', 'Keystone operations in flight at most', String(DEFAULT_PARALLELISM))
    .action(async (flags: BlockFlags) => run(io, state, flags));
};
