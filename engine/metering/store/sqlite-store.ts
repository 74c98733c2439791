import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { Result, ResultAsync, err, errAsync, ok, okAsync } from 'neverthrow';
import { storeError, type StoreError } from '../errors.ts';
import { canonicalProject, type MeterSource, type ProjectRecord, type RunRecord, type Sample } from '../sample.ts';
import { MIGRATIONS_TABLE, SCHEMA_VERSION, newerSchema, pendingMigrations } from './migrations.ts';
import { toOwnerVersions, toRun, toSample, toSource, type GroupRow, type OwnerRow, type RunRow, type SampleRow, type SourceRow } from './rows.ts';
import { canonicalTraits, traitsParser, type MeteringStore, type RecordOutcome, type RunWeight, type SampleGroup } from './metering-store.ts';

type Db = Database.Database;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Required when a store is opened, not imported: the native binding is not needed by commands that don't meter.
const require = createRequire(import.meta.url);

/**
 * Opens (creating if needed) the SQLite store at `path` and migrates it. WAL mode: readers
 * (a report) don't block the collector's writes.
 * @example openSqliteStore('keyform-metering.db')
 */
export function openSqliteStore(path: string): ResultAsync<MeteringStore, StoreError> {
  const opened = Result.fromThrowable(
    () => {
      const Sqlite = require('better-sqlite3') as typeof Database;
      const db = new Sqlite(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      return db;
    },
    (e) => storeError(`open SQLite database ${path}`, `${message(e)}. Check that the folder exists and is writable.`),
  )();
  if (opened.isErr()) return errAsync(opened.error);
  const db = opened.value;
  const migrated = migrateSqlite(db, path);
  if (migrated.isErr()) {
    db.close();
    return errAsync(migrated.error);
  }
  return okAsync(sqliteStore(db, path));
}

function migrateSqlite(db: Db, path: string): Result<number, StoreError> {
  // A migration that rebuilds a table other tables reference (v3) must run with foreign keys
  // off (SQLite can't switch them inside a transaction); it checks them before committing.
  db.pragma('foreign_keys = OFF');
  const applied = Result.fromThrowable(
    () =>
      db.transaction(() => {
        db.exec(MIGRATIONS_TABLE);
        const before = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
        for (const m of pendingMigrations(before)) {
          for (const sql of m.sqlite) db.exec(sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Math.floor(Date.now() / 1000));
        }
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`the migration left ${broken.length} rows pointing nowhere; nothing was changed`);
        return before;
      }).immediate(),
    (e) => storeError(`migrate ${path}`, message(e)),
  )();
  db.pragma('foreign_keys = ON');
  return applied.andThen((before) => (before > SCHEMA_VERSION ? err(newerSchema(path, before)) : ok(SCHEMA_VERSION)));
}

function sqliteStore(db: Db, path: string): MeteringStore {
  const stmt = {
    insertRun: db.prepare(
      'INSERT INTO runs (platform, region, sampled_at, interval_seconds, started_at, finished_at, sample_count) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    resource: db.prepare(
      'INSERT INTO resources (platform, region, resource_id, resource_type) VALUES (?, ?, ?, ?) ON CONFLICT (platform, region, resource_id) DO UPDATE SET resource_type = excluded.resource_type RETURNING ref',
    ),
    facet: db.prepare('INSERT INTO facets (project_id, traits) VALUES (?, ?) ON CONFLICT (project_id, traits) DO UPDATE SET traits = excluded.traits RETURNING ref'),
    sample: db.prepare('INSERT INTO samples (sampled_at, resource_ref, facet_ref, owner_ref) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    owner: db.prepare(
      'INSERT INTO owners (platform, project_id, record) VALUES (?, ?, ?) ON CONFLICT (platform, project_id, record) DO UPDATE SET record = excluded.record RETURNING ref',
    ),
  };
  const run = <T>(what: string, fn: () => T): ResultAsync<T, StoreError> => {
    const r = Result.fromThrowable(fn, (e) => storeError(what, message(e)))();
    return r.isOk() ? okAsync(r.value) : errAsync(r.error);
  };
  // Resource and facet rows are never changed or deleted once written, so their refs can be
  // cached for the store's life; entries made in a transaction join the cache only after it
  // commits (a rolled-back ref would point nowhere).
  const resourceRefs = new Map<string, number>();
  const facetRefs = new Map<string, number>();
  const ownerRefs = new Map<string, number>();
  const refOf = (cache: Map<string, number>, fresh: Map<string, number>, key: string, insert: () => number): number => {
    let ref = cache.get(key) ?? fresh.get(key);
    if (ref === undefined) {
      ref = insert();
      fresh.set(key, ref);
    }
    return ref;
  };
  type Fresh = { resources: Map<string, number>; facets: Map<string, number>; owners: Map<string, number> };
  const record = db.transaction((r: RunRecord, samples: readonly Sample[], projects: readonly ProjectRecord[], fresh: Fresh): RecordOutcome => {
    const inserted = stmt.insertRun.run(r.platform, r.region, r.sampledAt, r.intervalSeconds, r.startedAt, r.finishedAt, r.sampleCount);
    if (inserted.changes === 0) return { recorded: false, reason: 'duplicate-run' };
    const owners = new Map<string, number>();
    for (const p of projects) {
      const text = canonicalProject(p);
      owners.set(p.projectId, refOf(ownerRefs, fresh.owners, `${r.platform}\u0000${p.projectId}\u0000${text}`, () => (stmt.owner.get(r.platform, p.projectId, text) as { ref: number }).ref));
    }
    let written = 0;
    for (const s of samples) {
      const res = refOf(resourceRefs, fresh.resources, `${r.platform}\u0000${r.region}\u0000${s.resourceId}`, () => (stmt.resource.get(r.platform, r.region, s.resourceId, s.resourceType) as { ref: number }).ref);
      const traits = canonicalTraits(s.traits);
      const facet = refOf(facetRefs, fresh.facets, `${s.projectId}\u0000${traits}`, () => (stmt.facet.get(s.projectId, traits) as { ref: number }).ref);
      written += stmt.sample.run(r.sampledAt, res, facet, owners.get(s.projectId) ?? 0).changes;
    }
    return { recorded: true, samples: written };
  });
  // Runs and resources of the platform stored before regions (region '') become `src`'s, unless they clash.
  const adopt = db.transaction((src: MeterSource): number => {
    const runs = db
      .prepare(
        `UPDATE runs SET region = ? WHERE platform = ? AND region = ''
         AND NOT EXISTS (SELECT 1 FROM runs n WHERE n.platform = runs.platform AND n.region = ? AND n.sampled_at = runs.sampled_at)`,
      )
      .run(src.region, src.platform, src.region).changes;
    db.prepare(
      `UPDATE resources SET region = ? WHERE platform = ? AND region = ''
       AND NOT EXISTS (SELECT 1 FROM resources n WHERE n.platform = resources.platform AND n.region = ? AND n.resource_id = resources.resource_id)`,
    ).run(src.region, src.platform, src.region);
    // Cached refs are keyed by region: forget them rather than re-key them.
    resourceRefs.clear();
    return runs;
  });
  const recordRun = (r: RunRecord, samples: readonly Sample[], projects: readonly ProjectRecord[]): RecordOutcome => {
    const fresh: Fresh = { resources: new Map(), facets: new Map(), owners: new Map() };
    const outcome = record.immediate(r, samples, projects, fresh);
    for (const [k, v] of fresh.resources) resourceRefs.set(k, v);
    for (const [k, v] of fresh.facets) facetRefs.set(k, v);
    for (const [k, v] of fresh.owners) ownerRefs.set(k, v);
    return outcome;
  };
  return {
    dialect: 'sqlite',
    location: `sqlite://${path}`,
    recordRun: (r, samples, projects) => run(`record the run at ${r.sampledAt}`, () => recordRun(r, samples, projects)),
    hasRun: (src, sampledAt) =>
      run('read runs', () => db.prepare('SELECT 1 FROM runs WHERE platform = ? AND region = ? AND sampled_at = ?').get(src.platform, src.region, sampledAt) !== undefined),
    runs: (src, from, to) =>
      run('read runs', () =>
        (db.prepare('SELECT * FROM runs WHERE platform = ? AND region = ? AND sampled_at >= ? AND sampled_at < ? ORDER BY sampled_at').all(src.platform, src.region, from, to) as RunRow[]).map(toRun),
      ),
    samplesAt: (src, sampledAt) =>
      run('read samples', () =>
        (
          db
            .prepare(
              `SELECT r.resource_id, r.resource_type, f.project_id, f.traits FROM samples s
               JOIN resources r ON r.ref = s.resource_ref JOIN facets f ON f.ref = s.facet_ref
               WHERE s.sampled_at = ? AND r.platform = ? AND r.region = ? ORDER BY r.resource_id`,
            )
            .all(sampledAt, src.platform, src.region) as SampleRow[]
        ).map(toSample),
      ),
    sources: () => run('read sources', () => (db.prepare('SELECT DISTINCT platform, region FROM runs ORDER BY platform, region').all() as SourceRow[]).map(toSource)),
    adoptUnregioned: (src) => run(`adopt the runs of ${src.platform} stored before regions`, () => adopt.immediate(src)),
    ownerVersions: (platform) =>
      run('read project versions', () => toOwnerVersions(db.prepare('SELECT ref, project_id, record FROM owners WHERE platform = ?').all(platform) as OwnerRow[])),
    forEachSampleGroup: (src, weights, visit) => run('read samples', () => sampleGroups(db, src, weights, visit)),
    schemaVersion: () => run('read the schema version', () => (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v),
    close: () => run('close', () => void db.close()),
  };
}

function sampleGroups(db: Db, src: MeterSource, weights: readonly RunWeight[], visit: (g: SampleGroup) => void): number {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS weights (sampled_at INTEGER NOT NULL, hour_start INTEGER NOT NULL, seconds INTEGER NOT NULL)');
  const fill = db.transaction(() => {
    db.exec('DELETE FROM temp.weights');
    const ins = db.prepare('INSERT INTO temp.weights VALUES (?, ?, ?)');
    for (const w of weights) ins.run(w.sampledAt, w.hourStart, w.seconds);
  });
  fill();
  const parse = traitsParser();
  let n = 0;
  // Group first, join names after: the joins then run once per group, not once per sample.
  const rows = db
    .prepare(
      `SELECT r.resource_id, r.resource_type, f.project_id, f.traits, g.hour_start, g.seconds, g.owner_ref
       FROM (SELECT w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref, SUM(w.seconds) AS seconds
             FROM temp.weights w JOIN samples s ON s.sampled_at = w.sampled_at
             WHERE s.resource_ref IN (SELECT ref FROM resources WHERE platform = ? AND region = ?)
             GROUP BY w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref) g
       JOIN resources r ON r.ref = g.resource_ref JOIN facets f ON f.ref = g.facet_ref
       ORDER BY g.hour_start, g.resource_ref, g.facet_ref, g.owner_ref`,
    )
    .iterate(src.platform, src.region) as IterableIterator<GroupRow>;
  for (const g of rows) {
    n++;
    visit({ resourceId: g.resource_id, resourceType: g.resource_type, projectId: g.project_id, traits: parse(g.traits), hourStart: Number(g.hour_start), seconds: Number(g.seconds), ownerRef: Number(g.owner_ref) });
  }
  return n;
}

