import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { LauncherError } from './launcher-error.ts';
import { type PostgresInstance, postgresAnswers, stopPostgres } from './postgres.ts';
import { type TrackedProcess, isRunning, stopProcessGroups } from './processes.ts';
import { type RabbitNode, stopRabbit } from './rabbitmq.ts';
import { httpAnswers } from './readiness.ts';
import type { StackKind } from './stack-layout.ts';

/**
 * A started stack: plain JSON, written to the reuse state file as is. Everything the
 * launcher may stop is in here, and nothing else is ever stopped.
 */
export interface RunningStack {
  readonly kind: StackKind;
  /** The stack's own folder: etc/, data/, log/ and clouds.yaml. */
  readonly dir: string;
  /** Keystone's identity URL, e.g. `http://127.0.0.1:25000/v3`. */
  readonly authUrl: string;
  /** DIR/clouds.yaml with the entries `admin`, `admin-system` and `auditor`. */
  readonly cloudsYaml: string;
  /** The stack's own PostgreSQL database `keyform` (full stacks; keystone stacks started with `postgres`, where Keystone's tables are in it). */
  readonly pgUrl?: string;
  /** Ports by service name. */
  readonly ports: Readonly<Record<string, number>>;
  /** Every daemon started, each leading its own process group. */
  readonly processes: readonly TrackedProcess[];
  readonly rabbit?: RabbitNode;
  readonly postgres?: PostgresInstance;
  /** `[DEFAULT] list_limit` of its Keystone, when set. */
  readonly listLimit?: number;
  /** Seconds from an empty folder to ready. */
  readonly startSeconds: number;
}

/** The parts of a stack started so far; what a failed start stops again. */
export interface StackParts {
  readonly processes: TrackedProcess[];
  rabbit?: RabbitNode;
  postgres?: PostgresInstance;
}

/**
 * Only folders the launcher made (`keyform-*` directly in the temp folder) are ever
 * removed, whatever a state file says.
 */
function removableStackDir(dir: string): boolean {
  return dirname(dir) === tmpdir() && basename(dir).startsWith('keyform-');
}

/**
 * Stops everything in `parts` and nothing else: its RabbitMQ node (`rabbitmqctl stop`), its
 * PostgreSQL (`pg_ctl stop`) and its process groups, all at once. Every step is tried even
 * when one fails; the first failure is returned.
 */
export function stopStackParts(parts: StackParts, dir: string): ResultAsync<void, LauncherError> {
  const stopLog = `${dir}/log/stop.log`;
  const steps: ResultAsync<void, LauncherError>[] = [
    ResultAsync.fromSafePromise(stopProcessGroups(parts.processes)),
  ];
  const rabbit = parts.rabbit;
  if (rabbit !== undefined && isRunning(rabbit.process)) {
    // what is left of the node's process group goes too, whether or not rabbitmqctl reached it
    const stopped = Promise.resolve(stopRabbit(rabbit, stopLog)).then(async (result) => {
      await stopProcessGroups([rabbit.process]);
      return result;
    });
    steps.push(new ResultAsync(stopped));
  } else if (rabbit !== undefined) {
    steps.push(ResultAsync.fromSafePromise(stopProcessGroups([rabbit.process])));
  }
  if (parts.postgres !== undefined) steps.push(stopPostgres(parts.postgres, stopLog));
  return ResultAsync.fromSafePromise(Promise.all(steps)).andThen((results) => {
    const failed = results.find((r) => r.isErr());
    return failed === undefined ? okAsync(undefined) : errAsync(failed.error);
  });
}

/** Stops a stack and, once everything stopped cleanly, removes its folder. */
export function stopRunningStack(stack: RunningStack): ResultAsync<void, LauncherError> {
  const parts: StackParts = { processes: [...stack.processes], rabbit: stack.rabbit, postgres: stack.postgres };
  return stopStackParts(parts, stack.dir).map(() => {
    if (removableStackDir(stack.dir)) rmSync(stack.dir, { recursive: true, force: true });
  });
}

/** URLs that answer once the stack serves (Keystone first). */
export function stackUrls(stack: RunningStack): string[] {
  const apis = ['nova', 'placement', 'neutron', 'cinder', 'glance'].flatMap((name) => {
    const port = stack.ports[name];
    return port === undefined ? [] : [`http://127.0.0.1:${port}/`];
  });
  return [stack.authUrl, ...apis];
}

/**
 * Whether a recorded stack can be reused as it is: every daemon is still the process the
 * launcher started, every API answers, PostgreSQL accepts a connection.
 */
export async function stackIsHealthy(stack: RunningStack): Promise<boolean> {
  const procs = [...stack.processes, ...(stack.rabbit === undefined ? [] : [stack.rabbit.process])];
  if (!procs.every(isRunning)) return false;
  const [keystone, ...apis] = stackUrls(stack);
  const answers = await Promise.all([
    httpAnswers(keystone ?? stack.authUrl, 200),
    ...apis.map((url) => httpAnswers(url)),
    stack.pgUrl === undefined ? Promise.resolve(true) : postgresAnswers(stack.pgUrl),
  ]);
  return answers.every(Boolean);
}
