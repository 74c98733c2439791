/**
 * keyform's test launcher: real OpenStack (Zed, Debian 12 packages) on 127.0.0.1.
 *
 * Two kinds of stack: `keystone` (Keystone alone, ~5 s) and `full` (Keystone, nova, placement,
 * neutron, cinder, glance, RabbitMQ and a PostgreSQL 15 of its own, ~60 s). A stack is
 * recorded in /tmp/keyform-test-stacks/KIND.json; the next test run reuses a healthy one.
 * KEYFORM_TEST_FRESH=1 forces a new one, KEYFORM_TEST_KEEP=1 leaves it running afterwards.
 *
 *   node engine/cli/run-ts.mjs test/openstack/launcher.ts up keystone|full [--keep] [--fresh]
 *   node engine/cli/run-ts.mjs test/openstack/launcher.ts down keystone|full
 *   node engine/cli/run-ts.mjs test/openstack/launcher.ts status
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { startFullStack } from './full-stack.ts';
import { type LauncherError, fileSystem, stackInUse } from './launcher-error.ts';
import { startKeystoneStack } from './keystone-stack.ts';
import { type RunningStack, stackIsHealthy, stopRunningStack } from './running-stack.ts';
import { STACK_KINDS, type StackKind, freeExtraKeystonePort, fullStackPorts, keystoneStackPort, onFreeExtraPort } from './stack-layout.ts';
import {
  type StackState,
  STATE_VERSION,
  currentUser,
  liveUsers,
  readState,
  removeState,
  withStackLock,
  writeState,
} from './stack-state.ts';

export type { LauncherError } from './launcher-error.ts';
export type { RunningStack } from './running-stack.ts';
export type { StackKind } from './stack-layout.ts';

/** Options of a Keystone started for one test, beside the shared stacks. */
export interface KeystoneOptions {
  /** `[DEFAULT] list_limit`: lists longer than this come back cut, `"truncated": true`. */
  readonly listLimit?: number;
  /** @default the first free port of 25001..25099 */
  readonly port?: number;
  /** gunicorn worker processes. @default 1 */
  readonly workers?: number;
  /**
   * Keystone's in-process cache: one per worker, so with several workers and writers a read
   * may be stale. Only for workloads that never read what another request changed.
   * @default workers === 1
   */
  readonly cache?: boolean;
  /**
   * Keystone's database on a PostgreSQL of its own (on the next free port of 25001..25099)
   * instead of sqlite, e.g. for several workers under concurrent writes. @default false
   */
  readonly postgres?: boolean;
}

/** How a test run gets its stack. */
export interface AcquireOptions {
  /** Start a new stack even if a healthy one runs. @default KEYFORM_TEST_FRESH === '1' */
  readonly fresh?: boolean;
  /** Leave the stack running when the run ends. @default KEYFORM_TEST_KEEP === '1' */
  readonly keep?: boolean;
  /** Count this process as a user (test runs do; `up` does not, it exits). @default true */
  readonly register?: boolean;
}

/** A stack given to a test run. */
export interface AcquiredStack {
  readonly stack: RunningStack;
  /** True when a running stack was reused (and so is not this run's to stop). */
  readonly reused: boolean;
}

/** What releasing a stack did. */
export type ReleaseOutcome = 'stopped' | 'kept' | 'still-in-use' | 'not-running';

/** One line of `status`. */
export interface StackStatus {
  readonly kind: StackKind;
  readonly state: StackState | undefined;
  readonly healthy: boolean;
  readonly users: readonly number[];
}

function stackDir(prefix: string): ResultAsync<string, LauncherError> {
  const base = join(tmpdir(), `keyform-${prefix}-`);
  try {
    return okAsync(mkdtempSync(base));
  } catch (cause) {
    return errAsync(fileSystem(base, cause));
  }
}

/** A start that failed before writing anything worth reading leaves no folder behind. */
function inFreshDir(prefix: string, start: (dir: string) => ResultAsync<RunningStack, LauncherError>) {
  return stackDir(prefix).andThen((dir) =>
    start(dir).orElse((e) => {
      if (e.kind === 'PortInUse' || e.kind === 'MissingPackages') rmSync(dir, { recursive: true, force: true });
      return errAsync(e);
    }),
  );
}

function startStack(kind: StackKind): ResultAsync<RunningStack, LauncherError> {
  return inFreshDir(kind, (dir) =>
    kind === 'keystone' ? startKeystoneStack({ dir, port: keystoneStackPort() }) : startFullStack(dir, fullStackPorts()),
  );
}

/**
 * Starts a Keystone of its own (not recorded, not shared), e.g. with `list_limit` for
 * truncation tests. The caller stops it with `stopStack`.
 * @example const ks = (await startKeystone({ listLimit: 5 }))._unsafeUnwrap();
 * @example const ks = (await startKeystone({ postgres: true, workers: 4 }))._unsafeUnwrap();
 */
export function startKeystone(options: KeystoneOptions = {}): ResultAsync<RunningStack, LauncherError> {
  const start = (p: number, tried: readonly number[]) => {
    const pgPort: ResultAsync<number | undefined, LauncherError> = options.postgres === true ? freeExtraKeystonePort([...tried, p]) : okAsync(undefined);
    return pgPort.andThen((postgresPort) =>
      inFreshDir(`keystone-${p}`, (dir) =>
        startKeystoneStack({
          dir,
          port: p,
          listLimit: options.listLimit,
          workers: options.workers,
          ...(options.cache === undefined ? {} : { cache: options.cache }),
          ...(postgresPort === undefined ? {} : { postgresPort }),
        }),
      ),
    );
  };
  return options.port === undefined ? onFreeExtraPort(start) : start(options.port, []);
}

/** Stops a stack's own processes (and removes its folder); never anything else. */
export function stopStack(stack: RunningStack): ResultAsync<void, LauncherError> {
  return stopRunningStack(stack);
}

const envFlag = (name: string) => process.env[name] === '1';

function reuseOrReplace(kind: StackKind, state: StackState, options: AcquireOptions) {
  const fresh = options.fresh ?? envFlag('KEYFORM_TEST_FRESH');
  return ResultAsync.fromSafePromise(stackIsHealthy(state.stack)).andThen((healthy) => {
    const users = liveUsers(state);
    if (healthy && !fresh) return okAsync({ state, users });
    if (healthy && users.length > 0) return errAsync(stackInUse(kind, users.map((u) => u.pid)));
    // a stack that is unhealthy (or to be replaced) goes, with whatever of it still runs
    return stopRunningStack(state.stack)
      .orElse(() => okAsync(undefined))
      .andThen(() => removeState(kind))
      .map(() => undefined);
  });
}

/**
 * Gives a test run the stack of `kind`: the recorded one if it is healthy, else a new one,
 * which is recorded for the runs after. Holds the kind's lock while deciding and starting.
 */
export function acquireStack(kind: StackKind, options: AcquireOptions = {}): ResultAsync<AcquiredStack, LauncherError> {
  const keep = options.keep ?? envFlag('KEYFORM_TEST_KEEP');
  const me = options.register === false ? [] : [currentUser()];
  return withStackLock(kind, () =>
    readState(kind)
      .asyncAndThen((state) => (state === undefined ? okAsync(undefined) : reuseOrReplace(kind, state, options)))
      .andThen((reusable) => {
        if (reusable !== undefined) {
          const { state, users } = reusable;
          const next = { ...state, keep: state.keep || keep, users: [...users, ...me] };
          return writeState(next).map(() => ({ stack: state.stack, reused: true }));
        }
        return startStack(kind).andThen((stack) =>
          writeState({ version: STATE_VERSION, stack, keep, users: me }).map(() => ({ stack, reused: false })),
        );
      }),
  );
}

/**
 * Ends this run's use of the stack of `kind`. The last user of a stack that was not started
 * to be kept stops it; a kept stack, or one another run still uses, stays.
 */
export function releaseStack(kind: StackKind): ResultAsync<ReleaseOutcome, LauncherError> {
  const me = currentUser();
  return withStackLock(kind, () =>
    readState(kind).asyncAndThen((state): ResultAsync<ReleaseOutcome, LauncherError> => {
      if (state === undefined) return okAsync('not-running');
      const users = liveUsers(state).filter((u) => u.pid !== me.pid);
      if (state.keep || users.length > 0) {
        const outcome: ReleaseOutcome = state.keep ? 'kept' : 'still-in-use';
        return writeState({ ...state, users }).asyncMap(async () => outcome);
      }
      return stopRunningStack(state.stack)
        .andThen(() => removeState(kind))
        .map((): ReleaseOutcome => 'stopped');
    }),
  );
}

/** Stops the recorded stack of `kind`, whoever uses it (`down`). */
export function downStack(kind: StackKind): ResultAsync<ReleaseOutcome, LauncherError> {
  return withStackLock(kind, () =>
    readState(kind).asyncAndThen((state): ResultAsync<ReleaseOutcome, LauncherError> =>
      state === undefined
        ? okAsync('not-running')
        : stopRunningStack(state.stack)
            .andThen(() => removeState(kind))
            .map((): ReleaseOutcome => 'stopped'),
    ),
  );
}

/** The recorded stacks, with their health and users. */
export function stackStatus(): ResultAsync<StackStatus[], LauncherError> {
  return ResultAsync.combine(
    STACK_KINDS.map((kind) =>
      readState(kind).asyncAndThen((state): ResultAsync<StackStatus, LauncherError> => {
        if (state === undefined) return okAsync({ kind, state, healthy: false, users: [] });
        const users = liveUsers(state).map((u) => u.pid);
        const healthy = ResultAsync.fromSafePromise(stackIsHealthy(state.stack));
        return healthy.map((h) => ({ kind, state, healthy: h, users }));
      }),
    ),
  );
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // not awaited: launcher-cli.ts imports this module, which must finish evaluating first
  void import('./launcher-cli.ts')
    .then(({ runLauncherCli }) => runLauncherCli(process.argv.slice(2)))
    .then((code) => {
      process.exitCode = code;
    });
}
