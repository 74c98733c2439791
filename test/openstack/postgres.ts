import { chmodSync, chownSync, existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { type Result, ResultAsync, errAsync, ok, okAsync } from 'neverthrow';
import { type LauncherError, commandFailed, missingPackages } from './launcher-error.ts';
import { type SystemUser, processStartTicks, runCommand, systemUser } from './processes.ts';
import { fsCall, makeDirs } from './stack-files.ts';

/** The PostgreSQL 15 binaries of Debian 12's postgresql-15. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** The database every full stack has (the metering store tests use it). */
export const POSTGRES_DATABASE = 'keyform';

/** A full stack's own PostgreSQL, as recorded in its state file. */
export interface PostgresInstance {
  readonly dataDir: string;
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/keyform`: trust auth, loopback only. */
  readonly url: string;
  /** The postmaster, for health checks; stopping goes through `pg_ctl stop`. */
  readonly pid: number;
  readonly startTicks: number;
  readonly logFile: string;
}

const asRoot = () => process.getuid?.() === 0;

/**
 * initdb refuses to run as root: as root, every PostgreSQL command runs as user `postgres`,
 * which then owns DIR/postgres (DIR itself must be traversable by it).
 */
function serverUser(): Result<SystemUser | undefined, LauncherError> {
  return asRoot() ? systemUser('postgres') : ok(undefined);
}

function prepareDirs(dir: string, user: SystemUser | undefined): Result<string, LauncherError> {
  const home = `${dir}/postgres`;
  return makeDirs([home, `${home}/run`], 0o700)
    .andThen(() => fsCall(dir, () => chmodSync(dir, 0o755)))
    .andThen(() =>
      fsCall(home, () => {
        if (user !== undefined) for (const p of [home, `${home}/run`]) chownSync(p, user.uid, user.gid);
      }),
    )
    .map(() => home);
}

function readPostmaster(dataDir: string, logFile: string): ResultAsync<{ pid: number; startTicks: number }, LauncherError> {
  const pidFile = `${dataDir}/postmaster.pid`;
  const read = fsCall(pidFile, () => Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
  if (read.isErr()) return errAsync(read.error);
  const startTicks = processStartTicks(read.value);
  if (startTicks === undefined) return errAsync(commandFailed('pg_ctl start', 'the postmaster is gone', logFile));
  return okAsync({ pid: read.value, startTicks });
}

function createDatabase(url: string): ResultAsync<void, LauncherError> {
  const create = async () => {
    const client = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${POSTGRES_DATABASE}`);
    } finally {
      await client.end();
    }
  };
  return ResultAsync.fromPromise(create(), (e) => commandFailed(`CREATE DATABASE ${POSTGRES_DATABASE}`, String(e), url));
}

/**
 * Makes a cluster in DIR/postgres/data (trust auth, 127.0.0.1 only, no fsync: test data),
 * starts it on `port` and creates database `keyform`. About 3 s.
 */
export function startPostgres(dir: string, port: number): ResultAsync<PostgresInstance, LauncherError> {
  if (!existsSync(`${POSTGRES_BIN}/pg_ctl`)) return errAsync(missingPackages('full', ['postgresql-15']));
  const user = serverUser();
  if (user.isErr()) return errAsync(user.error);
  const home = prepareDirs(dir, user.value);
  if (home.isErr()) return errAsync(home.error);
  const setupLog = `${dir}/log/postgres-setup.log`;
  const url = `postgres://postgres@127.0.0.1:${port}/${POSTGRES_DATABASE}`;
  const dataDir = `${home.value}/data`;
  const logFile = `${home.value}/postgres.log`;
  const asServer = (tool: string, args: string[]) =>
    runCommand({ command: `${POSTGRES_BIN}/${tool}`, args, logFile: setupLog, cwd: home.value, user: user.value });
  const serverOptions = [
    `-c port=${port}`,
    "-c listen_addresses='127.0.0.1'",
    `-c unix_socket_directories='${home.value}/run'`,
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  const initdb = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'];
  const start = ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start'];
  const ready = () =>
    createDatabase(url)
      .andThen(() => readPostmaster(dataDir, logFile))
      .map((postmaster): PostgresInstance => ({ dataDir, port, url, logFile, ...postmaster }))
      // a server that started but is unusable is stopped again, not left behind
      .orElse((e) => asServer('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).andThen(() => errAsync(e)));
  return asServer('initdb', initdb)
    .andThen(() => asServer('pg_ctl', start))
    .andThen(ready);
}

/** Stops the instance with `pg_ctl stop -m fast` (rolls back open transactions, no wait for clients). */
export function stopPostgres(instance: PostgresInstance, logFile: string): ResultAsync<void, LauncherError> {
  if (processStartTicks(instance.pid) !== instance.startTicks) return okAsync(undefined);
  const user = serverUser();
  if (user.isErr()) return errAsync(user.error);
  const args = ['-D', instance.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'];
  return runCommand({ command: `${POSTGRES_BIN}/pg_ctl`, args, logFile, cwd: '/', user: user.value });
}

/** Whether the instance accepts a connection to its database. */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
