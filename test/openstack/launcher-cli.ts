import { type RunningStack, type StackKind, acquireStack, downStack, stackStatus } from './launcher.ts';
import { STACK_KINDS } from './stack-layout.ts';

const USAGE = `usage: node engine/cli/run-ts.mjs test/openstack/launcher.ts COMMAND
  up keystone|full [--keep] [--fresh]   start (or reuse) a stack; --keep: only \`down\` stops it
  down keystone|full                    stop the recorded stack of that kind
  status                                show the recorded stacks and whether they answer`;

function parseKind(word: string | undefined): StackKind | undefined {
  return STACK_KINDS.find((k) => k === word);
}

function describe(stack: RunningStack): string {
  const lines = [
    `  auth URL:    ${stack.authUrl}`,
    `  clouds.yaml: ${stack.cloudsYaml}  (clouds: admin, admin-system, auditor)`,
    ...(stack.pgUrl === undefined ? [] : [`  postgres:    ${stack.pgUrl}`]),
    `  folder:      ${stack.dir}  (logs in log/)`,
  ];
  return lines.join('\n');
}

async function up(kind: StackKind, flags: readonly string[]): Promise<number> {
  const result = await acquireStack(kind, {
    keep: flags.includes('--keep'),
    fresh: flags.includes('--fresh') ? true : undefined,
    register: false,
  });
  if (result.isErr()) {
    process.stderr.write(`${result.error.message}\n`);
    return 1;
  }
  const { stack, reused } = result.value;
  const how = reused ? 'reused' : `started in ${stack.startSeconds.toFixed(1)} s`;
  process.stdout.write(`${kind} stack ${how}\n${describe(stack)}\n`);
  return 0;
}

async function down(kind: StackKind): Promise<number> {
  const result = await downStack(kind);
  if (result.isErr()) {
    process.stderr.write(`${result.error.message}\n`);
    return 1;
  }
  process.stdout.write(result.value === 'stopped' ? `${kind} stack stopped\n` : `no ${kind} stack recorded\n`);
  return 0;
}

async function status(): Promise<number> {
  const result = await stackStatus();
  if (result.isErr()) {
    process.stderr.write(`${result.error.message}\n`);
    return 1;
  }
  for (const s of result.value) {
    if (s.state === undefined) {
      process.stdout.write(`${s.kind}: not running\n`);
      continue;
    }
    const health = s.healthy ? 'healthy' : 'NOT healthy (the next run replaces it)';
    const users = s.users.length === 0 ? 'no test run' : `test runs ${s.users.join(', ')}`;
    const keep = s.state.keep ? ', kept' : '';
    process.stdout.write(`${s.kind}: ${health}, used by ${users}${keep}\n${describe(s.state.stack)}\n`);
  }
  return 0;
}

/** Runs `up`, `down` or `status`; returns the exit code. */
export async function runLauncherCli(argv: readonly string[]): Promise<number> {
  const [command, kindWord, ...flags] = argv;
  if (command === 'status') return status();
  const kind = parseKind(kindWord);
  if ((command === 'up' || command === 'down') && kind !== undefined) {
    return command === 'up' ? up(kind, flags) : down(kind);
  }
  process.stderr.write(`${USAGE}\n`);
  return 64;
}
