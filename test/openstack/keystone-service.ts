import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Result, ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, portTakenWhileStarting } from './launcher-error.ts';
import { SYSTEM_PYTHON, type TrackedProcess, groupListensOn, runCommand, startDaemon, stopProcessGroups } from './processes.ts';
import { httpAnswers, waitUntilReady } from './readiness.ts';
import { STACK_ACCOUNTS } from './keystone-seed.ts';
import { LAUNCHER_DIR, makeDirs, pythonHelper, writeStackFile, writeTemplate } from './stack-files.ts';
import { onFreeExtraPort } from './stack-layout.ts';

/** How to run one Keystone. */
export interface KeystoneServiceOptions {
  /** The stack folder: etc/, data/ and log/ are made in it. */
  readonly dir: string;
  readonly port: number;
  /** `[DEFAULT] list_limit`: lists longer than this come back cut, with `"truncated": true`. */
  readonly listLimit?: number;
  /** @default 60_000 */
  readonly readyTimeoutMs?: number;
  /** Stops waiting once aborted (another part of the stack failed). */
  readonly signal?: AbortSignal;
  /**
   * gunicorn worker processes. On sqlite, more than one only for a Keystone written to by
   * one client at a time: concurrent writers wait on sqlite's single write lock. Workers are
   * processes, never threads: Keystone's CPU work holds the GIL. @default 1
   */
  readonly workers?: number;
  /**
   * Keystone's in-process memory cache. Each worker process has its own, invalidated by that
   * worker's writes only: with several workers and concurrent writers a read may come from a
   * worker that never saw a change, so turn it off there (a read-only benchmark Keystone
   * may keep it). @default true
   */
  readonly cache?: boolean;
  /**
   * Keystone's database as an SQLAlchemy URL, e.g. `postgresql+psycopg2://postgres@127.0.0.1:25002/keyform`
   * (Debian's python3-psycopg2). @default sqlite in DIR/data/keystone.db
   */
  readonly databaseUrl?: string;
}

/** What a Keystone needs that is not on this machine (Debian package names). */
export function missingKeystoneParts(): string[] {
  const parts = { 'python3-keystone': 'keystone', 'python3-gunicorn': 'gunicorn' };
  return Object.entries(parts)
    .filter(([, module]) => !existsSync(`/usr/lib/python3/dist-packages/${module}`))
    .map(([pkg]) => pkg);
}

/** The identity URL of a Keystone on `port`. */
export function keystoneUrl(port: number): string {
  return `http://127.0.0.1:${port}/v3`;
}

/** A Fernet key as `keystone-manage fernet_setup` writes it: 32 random bytes, urlsafe base64, padded. */
function fernetKey(): string {
  return randomBytes(32).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * Writes keystone.conf and the key repositories. The keys are made here rather than by
 * `keystone-manage fernet_setup` / `credential_setup`: two Python start-ups (~5 s) saved.
 * Key 0 is the staged key, 1 the primary one.
 */
function writeKeystoneFiles(options: KeystoneServiceOptions): Result<void, LauncherError> {
  const { dir, listLimit } = options;
  const connection = options.databaseUrl ?? `sqlite:///${dir}/data/keystone.db?timeout=60`;
  const cache = String(options.cache ?? true);
  const keyDirs = [`${dir}/data/keystone-fernet`, `${dir}/data/keystone-credential`];
  const listLimitLine =
    listLimit === undefined ? '# list_limit unset: lists are complete' : `list_limit = ${listLimit}`;
  return makeDirs([`${dir}/etc`, `${dir}/log`, `${dir}/data`])
    .andThen(() => makeDirs(keyDirs, 0o700))
    .andThen(() => writeTemplate('keystone.conf', `${dir}/etc/keystone.conf`, { DIR: dir, LIST_LIMIT: listLimitLine, CONNECTION: connection, CACHE: cache }))
    .andThen(() =>
      Result.combine(
        keyDirs.flatMap((keyDir) => ['0', '1'].map((n) => writeStackFile(`${keyDir}/${n}`, fernetKey(), 0o600))),
      ),
    )
    .map(() => undefined);
}

function prepareDatabase(options: KeystoneServiceOptions): ResultAsync<void, LauncherError> {
  const { dir, port } = options;
  return runCommand({
    command: SYSTEM_PYTHON,
    args: [pythonHelper('keystone_prepare.py'), `${dir}/etc/keystone.conf`, keystoneUrl(port)],
    env: { OS_BOOTSTRAP_PASSWORD: STACK_ACCOUNTS.admin.password },
    cwd: dir,
    logFile: `${dir}/log/keystone-setup.log`,
  });
}

/**
 * gunicorn with ONE worker and ONE thread by default: wsgiref drops connections past 5
 * concurrent clients, and several threads give 500 "database is locked" on concurrent
 * sqlite writes.
 */
function startServer(options: KeystoneServiceOptions) {
  const { dir, port } = options;
  return startDaemon('keystone', {
    command: SYSTEM_PYTHON,
    args: [
      '-m', 'gunicorn',
      '--pythonpath', `${LAUNCHER_DIR}/python`,
      '--bind', `127.0.0.1:${port}`,
      '--workers', String(options.workers ?? 1),
      '--threads', '1',
      // a cold role-assignment listing of thousands of entries can take seconds on a busy box
      '--timeout', '300',
      'keystone_wsgi:application',
    ],
    env: { OS_KEYSTONE_CONFIG_FILES: `${dir}/etc/keystone.conf` },
    cwd: dir,
    logFile: `${dir}/log/keystone.log`,
  });
}

/**
 * Configures, bootstraps and starts a Keystone on 127.0.0.1:`port`, ready when this resolves.
 * The server boots (imports keystone, ~2.5 s) while the database is made and bootstrapped;
 * it touches the database only once a request comes. Ready means this Keystone answers: if
 * another process bound the port first (two starts that chose the same free port), this
 * fails PortInUse. Taking that other server's answers for this one's sent a seed's API
 * writes to the other Keystone while its SQL rows went into this one's file: restarted on
 * that file, Keystone lacked the seed's domain, service and registered limit.
 */
export function startKeystoneService(options: KeystoneServiceOptions): ResultAsync<TrackedProcess, LauncherError> {
  const files = writeKeystoneFiles(options);
  if (files.isErr()) return errAsync(files.error);
  const server = startServer(options);
  if (server.isErr()) return errAsync(server.error);
  const proc = server.value;
  const ready = prepareDatabase(options).andThen(() =>
    waitUntilReady({
      service: `keystone on 127.0.0.1:${options.port}`,
      probe: () => httpAnswers(keystoneUrl(options.port), 200),
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      logFile: proc.logFile,
      process: proc,
      signal: options.signal,
    }),
  ).andThen(() =>
    groupListensOn(proc, options.port) ? okAsync(undefined) : errAsync(portTakenWhileStarting(options.port, `keystone on 127.0.0.1:${options.port}`, proc.logFile)),
  );
  return ready
    .map(() => proc)
    .orElse((e) => ResultAsync.fromSafePromise(stopProcessGroups([proc])).andThen(() => errAsync(e)));
}

/** A Keystone started on a port of the extra range, with that port. */
export interface ExtraKeystoneService {
  readonly process: TrackedProcess;
  readonly port: number;
}

/**
 * Starts a Keystone (as `startKeystoneService`) on the first free port of the extra range.
 * Runs started at the same time may choose the same port; the one that does not get it
 * fails PortInUse and tries the next free port, up to 5 ports.
 * @param choosePort picks a port other than those tried (default: the first free one)
 * @example const { process, port } = (await startExtraKeystoneService({ dir, workers: 2 }))._unsafeUnwrap();
 */
export function startExtraKeystoneService(
  options: Omit<KeystoneServiceOptions, 'port'>,
  choosePort?: (tried: readonly number[]) => ResultAsync<number, LauncherError>,
): ResultAsync<ExtraKeystoneService, LauncherError> {
  return onFreeExtraPort((port) => startKeystoneService({ ...options, port }).map((process) => ({ process, port })), choosePort);
}
