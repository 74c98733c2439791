import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { writeCloudsYaml } from './clouds-yaml.ts';
import { type LauncherError, seedIncomplete } from './launcher-error.ts';
import { keystoneUrl, startExtraKeystoneService } from './keystone-service.ts';
import { type TrackedProcess, stopProcessGroups } from './processes.ts';
import { missingOperatorObjects, seedTenants } from './seed-tenants.ts';
import { fsCall, makeDirs } from './stack-files.ts';
import { acquireFileLock } from './stack-state.ts';

/** Bumped when `seedTenants` writes something else: cached seeds are then made again. */
export const SEED_VERSION = 3;

/** A seeded Keystone kept in a folder for later runs, and how to start it. */
export interface SeededKeystoneOptions {
  /** The folder the seeded database is kept in (`seeded.json` there says the seed finished). */
  readonly dir: string;
  readonly tenants: number;
  readonly users: number;
  /** gunicorn workers of the Keystone returned (the seed itself runs on one). */
  readonly workers: number;
  readonly platform: string;
  /** The seed's shared domain. */
  readonly domain: string;
  /** Progress lines (the seed's time, a cached seed found incomplete). */
  readonly print: (line: string) => void;
  /** How a port is picked (as `startExtraKeystoneService` takes it). @default the first free one */
  readonly choosePort?: (tried: readonly number[]) => ResultAsync<number, LauncherError>;
}

/** A Keystone running on a seeded database. */
export interface SeededKeystone {
  readonly process: TrackedProcess;
  readonly port: number;
  readonly cloudsFile: string;
  /** The config (a folder) `keyform plan` finds nothing to change for. */
  readonly config: string;
  /** True when the database was seeded by an earlier call. */
  readonly reused: boolean;
  /** Stops this Keystone and lets the next run have the kept seed. */
  readonly stop: () => ResultAsync<void, LauncherError>;
}

interface Marker {
  readonly tenants: number;
  readonly users: number;
  readonly version: number;
  readonly platform: string;
  readonly domain: string;
  readonly config: string;
}

function readMarker(path: string): Marker | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Marker;
  } catch {
    return undefined; // a marker cut short by a killed run: seed again
  }
}

/**
 * A Keystone with `workers` workers on a database seeded with `tenants` and `users`: the one
 * kept in `dir` by an earlier call when it is the same seed, else a new one (seeded with one
 * worker, then Keystone restarted on the file, as a later call finds it). Either way the
 * objects the seed made through the API are read back from the Keystone returned: a cached
 * seed that lacks them is seeded again, a new one that lacks them fails SeedIncomplete.
 * A run wanting the folder another run holds waits until that one calls `stop()` (`DIR.lock`).
 */
export function seededKeystone(o: SeededKeystoneOptions): ResultAsync<SeededKeystone, LauncherError> {
  // One run at a time per folder, from the seed to stop(): a new seed deletes the folder, and
  // every start rewrites its keys, its config and (bootstrap) the catalog's identity URL.
  // Two worktrees' benches share the default folder. The lock is beside the folder. Up to an
  // hour: seeding 50,000 tenants takes minutes, a bench on them longer.
  const lockPath = `${o.dir.replace(/\/+$/, '')}.lock`;
  return makeDirs([dirname(lockPath)])
    .asyncAndThen(() => acquireFileLock(lockPath, 60 * 60_000))
    .andThen((release) =>
      seedOrReuse(o)
        .map((k): SeededKeystone => ({ ...k, stop: () => stop(k.process).map(release) }))
        .mapErr((e) => {
          release();
          return e;
        }),
    );
}

function seedOrReuse(o: SeededKeystoneOptions): ResultAsync<Omit<SeededKeystone, 'stop'>, LauncherError> {
  const markerPath = join(o.dir, 'seeded.json');
  const cached = readMarker(markerPath);
  const reuse = cached !== undefined && cached.tenants === o.tenants && cached.users === o.users && cached.version === SEED_VERSION && cached.platform === o.platform && cached.domain === o.domain;
  if (reuse) return restart(o, cached.config, true);
  return fsCall(o.dir, () => rmSync(o.dir, { recursive: true, force: true }))
    .andThen(() => makeDirs([o.dir]))
    .asyncAndThen(() => start(o, 1))
    .andThen((k) =>
      seedTenants({ stack: { dir: o.dir, cloudsYaml: k.cloudsFile }, tenants: o.tenants, users: o.users, platform: o.platform, domain: o.domain, configDir: join(o.dir, 'config') })
        .andThen((seeded) => {
          o.print(`  seeded ${o.tenants} tenants and ${o.users} users into ${o.dir} in ${seeded.seconds.toFixed(1)} s (${Object.entries(seeded.counts).map(([kind, n]) => `${n} ${kind}`).join(', ')}; reused on later runs)`);
          const marker: Marker = { tenants: o.tenants, users: o.users, version: SEED_VERSION, platform: o.platform, domain: o.domain, config: seeded.config };
          return fsCall(markerPath, () => writeFileSync(markerPath, JSON.stringify(marker))).map(() => seeded.config);
        })
        .andThen((config) => stop(k.process).map(() => config))
        .orElse((e) => stop(k.process).andThen(() => errAsync(e))),
    )
    .andThen((config) => restart(o, config, false));
}

interface Started {
  readonly process: TrackedProcess;
  readonly port: number;
  readonly cloudsFile: string;
}

function start(o: SeededKeystoneOptions, workers: number): ResultAsync<Started, LauncherError> {
  return startExtraKeystoneService({ dir: o.dir, workers }, o.choosePort).andThen(({ process, port }) =>
    writeCloudsYaml(o.dir, keystoneUrl(port))
      .map((cloudsFile) => ({ process, port, cloudsFile }))
      .asyncAndThen((k) => okAsync(k))
      .orElse((e) => stop(process).andThen(() => errAsync(e))),
  );
}

function stop(proc: TrackedProcess): ResultAsync<void, LauncherError> {
  return ResultAsync.fromSafePromise(stopProcessGroups([proc]));
}

/** Keystone started on the kept file, checked to hold what the seed made through the API. */
function restart(o: SeededKeystoneOptions, config: string, reused: boolean): ResultAsync<Omit<SeededKeystone, 'stop'>, LauncherError> {
  return start(o, o.workers).andThen((k) =>
    missingOperatorObjects(k.cloudsFile, o.domain)
      .orElse((e) => stop(k.process).andThen(() => errAsync(e)))
      .andThen((missing): ResultAsync<Omit<SeededKeystone, 'stop'>, LauncherError> => {
        if (missing.length === 0) return okAsync({ ...k, config, reused });
        return stop(k.process).andThen(() => {
          if (!reused) return errAsync(seedIncomplete(o.dir, missing));
          o.print(`  the seed kept in ${o.dir} lacks ${missing.join(', ')} (made through the API when it was seeded): seeding it again`);
          return fsCall(o.dir, () => rmSync(join(o.dir, 'seeded.json'), { force: true })).asyncAndThen(() => seedOrReuse(o));
        });
      }),
  );
}
