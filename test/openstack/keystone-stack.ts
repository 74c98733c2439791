import { existsSync } from 'node:fs';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { writeCloudsYaml } from './clouds-yaml.ts';
import { type LauncherError, missingPackages } from './launcher-error.ts';
import { adminToken, seedAuditor } from './keystone-seed.ts';
import { keystoneUrl, missingKeystoneParts, startKeystoneService } from './keystone-service.ts';
import { POSTGRES_BIN, type PostgresInstance, startPostgres } from './postgres.ts';
import { type RunningStack, type StackParts, stopStackParts } from './running-stack.ts';
import { ensurePortsFree } from './stack-layout.ts';
import { makeDirs } from './stack-files.ts';

/** Where and how to start a keystone-only stack. */
export interface KeystoneStackOptions {
  /** An empty folder for it. */
  readonly dir: string;
  readonly port: number;
  /** `[DEFAULT] list_limit`; unset means complete lists. */
  readonly listLimit?: number;
  /** gunicorn worker processes. @default 1 */
  readonly workers?: number;
  /**
   * Keystone's in-process cache (keystone-service.ts says when it may serve stale data).
   * Off, every request costs ~10× the CPU (272 against 28.5 ms a write, measured with 2 workers on PostgreSQL).
   * @default workers === 1
   */
  readonly cache?: boolean;
  /**
   * Keystone's database on a PostgreSQL of the stack's own, on this port (database `keyform`),
   * instead of sqlite, whose writers share one file lock: with 2 workers a write cost 28.5 ms of
   * Keystone's CPU there against 35 ms on sqlite (measured). @default sqlite
   */
  readonly postgresPort?: number;
}

/** What Keystone on PostgreSQL needs beyond Keystone (Debian package names). */
function missingPostgresParts(): string[] {
  return [
    ...(existsSync('/usr/lib/python3/dist-packages/psycopg2') ? [] : ['python3-psycopg2']),
    ...(existsSync(`${POSTGRES_BIN}/pg_ctl`) ? [] : ['postgresql-15']),
  ];
}

/** The stack's PostgreSQL, if it asked for one, recorded in `parts` as soon as it runs. */
function startDatabase(options: KeystoneStackOptions, parts: StackParts): ResultAsync<PostgresInstance | undefined, LauncherError> {
  if (options.postgresPort === undefined) return okAsync(undefined);
  const missing = missingPostgresParts();
  if (missing.length > 0) return errAsync(missingPackages('keystone', missing));
  return makeDirs([`${options.dir}/log`])
    .asyncAndThen(() => startPostgres(options.dir, options.postgresPort!))
    .map((pg) => (parts.postgres = pg));
}

/**
 * Starts Keystone alone (gunicorn; sqlite, or its own PostgreSQL) and seeds it:
 * `admin`/`secret` (admin on project `admin` and on the system, by bootstrap), region
 * RegionOne, and `auditor` (reader on project `admin`); writes DIR/clouds.yaml. About 5 s
 * (PostgreSQL adds ~3 s).
 */
export function startKeystoneStack(options: KeystoneStackOptions): ResultAsync<RunningStack, LauncherError> {
  const missing = missingKeystoneParts();
  if (missing.length > 0) return errAsync(missingPackages('keystone', missing));
  const started = Date.now();
  const authUrl = keystoneUrl(options.port);
  const workers = options.workers ?? 1;
  const parts: StackParts = { processes: [] };
  const ports = [options.port, ...(options.postgresPort === undefined ? [] : [options.postgresPort])];
  const failed = (e: LauncherError) => stopStackParts(parts, options.dir).orElse(() => okAsync(undefined)).andThen(() => errAsync(e));
  return ensurePortsFree(ports, 'keystone')
    .andThen(() => writeCloudsYaml(options.dir, authUrl))
    .andThen((cloudsYaml) =>
      startDatabase(options, parts)
        .andThen((pg) =>
          startKeystoneService({
            ...options,
            workers,
            cache: options.cache ?? workers === 1,
            ...(pg === undefined ? {} : { databaseUrl: pg.url.replace(/^postgres:/, 'postgresql+psycopg2:') }),
          }).map((proc) => {
            parts.processes.push(proc);
            const stack: RunningStack = {
              kind: 'keystone',
              dir: options.dir,
              authUrl,
              cloudsYaml,
              ports: { keystone: options.port, ...(pg === undefined ? {} : { postgres: pg.port }) },
              processes: [proc],
              ...(pg === undefined ? {} : { pgUrl: pg.url, postgres: pg }),
              ...(options.listLimit === undefined ? {} : { listLimit: options.listLimit }),
              startSeconds: 0,
            };
            return stack;
          }),
        )
        .andThen((stack) =>
          adminToken(authUrl)
            .andThen((admin) => seedAuditor(authUrl, admin.token))
            .map(() => ({ ...stack, startSeconds: (Date.now() - started) / 1000 })),
        )
        .orElse(failed),
    );
}
