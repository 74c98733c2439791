import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Result, ResultAsync, err, errAsync, ok } from 'neverthrow';
import { type LauncherError, fileSystem, lockTimeout, stateFileInvalid } from './launcher-error.ts';
import { processStartTicks } from './processes.ts';
import type { RunningStack } from './running-stack.ts';
import type { StackKind } from './stack-layout.ts';

/**
 * Where running stacks are recorded, one `KIND.json` each, so that the next test run on this
 * machine reuses them instead of starting its own.
 * @default /tmp/keyform-test-stacks (KEYFORM_TEST_STATE_DIR overrides it)
 */
export const STATE_DIR = process.env['KEYFORM_TEST_STATE_DIR'] ?? '/tmp/keyform-test-stacks';

/** The state file format; a file of another version is refused, not guessed at. */
export const STATE_VERSION = 1;

/** A process (a test run) using a stack. */
export interface StackUser {
  readonly pid: number;
  readonly startTicks: number;
}

/** What a state file holds. */
export interface StackState {
  readonly version: number;
  readonly stack: RunningStack;
  /** Started with KEYFORM_TEST_KEEP=1 or `up --keep`: only `down` stops it. */
  readonly keep: boolean;
  /** Test runs using it now; the last one to leave stops an unkept stack. */
  readonly users: readonly StackUser[];
}

/** The state file of a stack kind. */
export function statePath(kind: StackKind): string {
  return `${STATE_DIR}/${kind}.json`;
}

/** This process, as a stack user. */
export function currentUser(): StackUser {
  return { pid: process.pid, startTicks: processStartTicks(process.pid) ?? 0 };
}

/** The users that are still running (a killed test run leaves its entry behind). */
export function liveUsers(state: StackState): StackUser[] {
  return state.users.filter((u) => processStartTicks(u.pid) === u.startTicks);
}

/** The recorded stack of `kind`, or undefined when none is recorded. */
export function readState(kind: StackKind): Result<StackState | undefined, LauncherError> {
  const path = statePath(kind);
  if (!existsSync(path)) return ok(undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    return err(stateFileInvalid(path, cause instanceof Error ? cause.message : String(cause)));
  }
  const state = parsed as Partial<StackState>;
  if (state.version !== STATE_VERSION) {
    return err(stateFileInvalid(path, `version ${String(state.version)}, expected ${STATE_VERSION}`));
  }
  if (state.stack?.kind !== kind) {
    return err(stateFileInvalid(path, `it records a '${String(state.stack?.kind)}' stack`));
  }
  return ok(state as StackState);
}

/** Writes the state file atomically (a reader never sees half a file). */
export function writeState(state: StackState): Result<void, LauncherError> {
  const path = statePath(state.stack.kind);
  try {
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
    return ok(undefined);
  } catch (cause) {
    return err(fileSystem(path, cause));
  }
}

/** Forgets the recorded stack of `kind`. */
export function removeState(kind: StackKind): Result<void, LauncherError> {
  const path = statePath(kind);
  try {
    rmSync(path, { force: true });
    return ok(undefined);
  } catch (cause) {
    return err(fileSystem(path, cause));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock file, or reports the live process holding it. */
function tryLock(path: string): { taken: true } | { taken: false; holder: number } {
  const me = currentUser();
  try {
    writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
    return { taken: true };
  } catch {
    let holder: StackUser | undefined;
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as StackUser;
    } catch {
      holder = undefined;
    }
    if (holder !== undefined && processStartTicks(holder.pid) === holder.startTicks) {
      return { taken: false, holder: holder.pid };
    }
    // a lock left by a dead process (or half written): take it over
    rmSync(path, { force: true });
    return tryLock(path);
  }
}

async function acquireLock(path: string, timeoutMs: number): Promise<Result<void, LauncherError>> {
  const since = Date.now();
  for (;;) {
    const attempt = tryLock(path);
    if (attempt.taken) return ok(undefined);
    if (Date.now() - since > timeoutMs) return err(lockTimeout(path, attempt.holder, Date.now() - since));
    await sleep(500);
  }
}

/**
 * Runs `body` holding the lock of a stack kind, so that two test runs never start (or stop)
 * the same stack at once: the second waits, then finds the first one's stack and reuses it.
 */
export function withStackLock<T>(
  kind: StackKind,
  body: () => ResultAsync<T, LauncherError>,
  timeoutMs = 15 * 60_000,
): ResultAsync<T, LauncherError> {
  try {
    mkdirSync(STATE_DIR, { recursive: true });
  } catch (cause) {
    return errAsync(fileSystem(STATE_DIR, cause));
  }
  return withFileLock(`${STATE_DIR}/${kind}.lock`, body, timeoutMs);
}

/**
 * Takes the lock file `path` (its folder must exist) and returns its release: a second
 * process waits up to `timeoutMs`; a lock left by a dead process is taken over.
 */
export function acquireFileLock(path: string, timeoutMs: number): ResultAsync<() => void, LauncherError> {
  return new ResultAsync(acquireLock(path, timeoutMs)).map(() => () => rmSync(path, { force: true }));
}

/** Runs `body` holding the lock file `path` (as `acquireFileLock`), released however `body` ends. */
export function withFileLock<T>(path: string, body: () => ResultAsync<T, LauncherError>, timeoutMs: number): ResultAsync<T, LauncherError> {
  const run = async (): Promise<Result<T, LauncherError>> => {
    const locked = await acquireLock(path, timeoutMs);
    if (locked.isErr()) return err(locked.error);
    try {
      return await body();
    } finally {
      rmSync(path, { force: true });
    }
  };
  return new ResultAsync(run());
}
