import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync } from 'node:fs';
import { Result, ResultAsync, errAsync } from 'neverthrow';
import type { LauncherError } from './launcher-error.ts';
import { type SystemUser, type TrackedProcess, runCommand, startDaemon, stopProcessGroups, systemUser } from './processes.ts';
import { tcpAccepts, waitUntilReady } from './readiness.ts';
import { fsCall, makeDirs, writeStackFile } from './stack-files.ts';

/** A RabbitMQ node of a full stack, as recorded in its state file. */
export interface RabbitNode {
  /** Erlang node name, e.g. `keyform-full@localhost`; distinct from the system broker's. */
  readonly node: string;
  readonly process: TrackedProcess;
  /** Whether this node's start also started `epmd` (then its stop may end epmd too). */
  readonly startedEpmd: boolean;
}

/** How to run the node. */
export interface RabbitOptions {
  readonly dir: string;
  readonly node: string;
  readonly port: number;
  readonly distPort: number;
  /** Stops waiting once aborted (another part of the stack failed). */
  readonly signal?: AbortSignal;
}

/** nova and cinder connect with this URL (guest may log in from loopback only). */
export function rabbitUrl(port: number): string {
  return `rabbit://guest:guest@127.0.0.1:${port}/`;
}

function rabbitEnv(options: RabbitOptions): Record<string, string> {
  const base = `${options.dir}/data/rabbit`;
  return {
    RABBITMQ_NODENAME: options.node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_NODE_PORT: String(options.port),
    RABBITMQ_DIST_PORT: String(options.distPort),
    RABBITMQ_MNESIA_BASE: `${base}/mnesia`,
    RABBITMQ_LOG_BASE: `${options.dir}/log/rabbit`,
    RABBITMQ_ENABLED_PLUGINS_FILE: `${base}/enabled_plugins`,
    // the Erlang cookie the system package made; rabbitmqctl reads the same one
    HOME: '/var/lib/rabbitmq',
  };
}

/** Whether an epmd answers (it is shared by every Erlang node on the machine). */
function epmdNames(): string | undefined {
  const res = spawnSync('epmd', ['-names'], { encoding: 'utf8', timeout: 5_000 });
  return res.status === 0 ? res.stdout : undefined;
}

/**
 * The broker runs as user `rabbitmq`, which must traverse every folder above its data dir:
 * a mkdtemp folder is 0700, and rabbit then dies with
 * `failed_to_create_feature_flags_file_directory` (and nova waits forever).
 */
function prepareDirs(options: RabbitOptions, user: SystemUser): Result<void, LauncherError> {
  const base = `${options.dir}/data/rabbit`;
  const owned = [base, `${base}/mnesia`, `${options.dir}/log/rabbit`, `${base}/enabled_plugins`];
  return makeDirs([options.dir, `${options.dir}/data`, `${options.dir}/log`, ...owned.slice(0, 3)])
    .andThen(() => fsCall(options.dir, () => chmodSync(options.dir, 0o755)))
    .andThen(() => writeStackFile(`${base}/enabled_plugins`, '[].\n'))
    .andThen(() => Result.combine(owned.map((p) => fsCall(p, () => chownSync(p, user.uid, user.gid)))))
    .map(() => undefined);
}

/** rabbitmq's own scripts (not Debian's /usr/sbin wrappers, which `su` into a new session). */
const RABBIT_BIN = '/usr/lib/rabbitmq/bin';

/**
 * Starts the node (the Debian wrapper switches to user `rabbitmq`) and resolves once its
 * AMQP port accepts connections (~10 s).
 */
export function startRabbit(options: RabbitOptions): ResultAsync<RabbitNode, LauncherError> {
  const user = systemUser('rabbitmq');
  if (user.isErr()) return errAsync(user.error);
  const dirs = prepareDirs(options, user.value);
  if (dirs.isErr()) return errAsync(dirs.error);
  const startedEpmd = epmdNames() === undefined;
  // started as user rabbitmq directly, so the whole broker stays in its process group
  const started = startDaemon('rabbitmq', {
    command: `${RABBIT_BIN}/rabbitmq-server`,
    args: [],
    env: rabbitEnv(options),
    cwd: `${options.dir}/data/rabbit`,
    logFile: `${options.dir}/log/rabbitmq.log`,
    user: user.value,
  });
  if (started.isErr()) return errAsync(started.error);
  const proc = started.value;
  return waitUntilReady({
    service: `rabbitmq node ${options.node} on 127.0.0.1:${options.port}`,
    probe: () => tcpAccepts(options.port),
    timeoutMs: 120_000,
    logFile: proc.logFile,
    process: proc,
    signal: options.signal,
  })
    .map(() => ({ node: options.node, process: proc, startedEpmd }))
    .orElse((e) => ResultAsync.fromSafePromise(stopProcessGroups([proc])).andThen(() => errAsync(e)));
}

/**
 * Stops the node with `rabbitmqctl stop`; then ends epmd only if this node started it and no
 * other Erlang node (another stack's, the system broker) still uses it.
 */
export function stopRabbit(rabbit: RabbitNode, logFile: string): ResultAsync<void, LauncherError> {
  const user = systemUser('rabbitmq');
  if (user.isErr()) return errAsync(user.error);
  return runCommand({
    command: `${RABBIT_BIN}/rabbitmqctl`,
    args: ['-q', '-n', rabbit.node, 'stop'],
    // the Erlang cookie of user rabbitmq, which the node was started with
    env: { HOME: '/var/lib/rabbitmq' },
    cwd: '/var/lib/rabbitmq',
    logFile,
    user: user.value,
  }).map(() => {
    if (!rabbit.startedEpmd) return;
    const names = epmdNames();
    if (names !== undefined && !/^name /m.test(names)) spawnSync('epmd', ['-kill'], { stdio: 'ignore' });
  });
}
