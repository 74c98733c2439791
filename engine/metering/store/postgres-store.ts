import { createRequire } from 'node:module';
import type pg from 'pg';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { storeError, type StoreError } from '../errors.ts';
import { canonicalProject, type ProjectRecord, type RunRecord, type Sample } from '../sample.ts';
import { MIGRATIONS_TABLE, SCHEMA_VERSION, newerSchema, pendingMigrations } from './migrations.ts';
import { canonicalTraits, chunks, traitsParser, type MeteringStore, type RecordOutcome, type RunWeight, type SampleGroup } from './metering-store.ts';
import { toOwnerVersions, toProject, toRun, toSample, type GroupRow, type OwnerRow, type ProjectRow, type RunRow, type SampleRow } from './rows.ts';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Required when a store is opened, not imported: pg costs ~70 ms CPU to load, which every other command would pay.
const require = createRequire(import.meta.url);

/** Any fixed number: every keyform that migrates a store takes this advisory lock first. */
const MIGRATION_LOCK = 4_711_007;

/** How many runs' weights one group query covers: bounds the rows a query returns at once. */
const WEIGHTS_PER_QUERY = 24 * 12;

/**
 * Opens the PostgreSQL store at `url` and migrates it. Several collectors may share one
 * database: migrations take an advisory lock, and a run recorded twice is kept once.
 * @example openPostgresStore('postgres://metering@db.example/keyform', 'postgres://metering:***@db.example/keyform')
 */
export function openPostgresStore(url: string, location: string): ResultAsync<MeteringStore, StoreError> {
  const { Pool } = require('pg') as typeof pg;
  const pool = new Pool({ connectionString: url, max: 2 });
  // An idle client's error (server restart) must not crash the collector; the next query reports it.
  pool.on('error', () => undefined);
  return migratePostgres(pool, location)
    .map(() => postgresStore(pool, location))
    .orElse((e) => ResultAsync.fromSafePromise(pool.end().catch(() => undefined)).andThen(() => errAsync(e)));
}

function inTransaction<T>(pool: pg.Pool, what: string, fn: (c: pg.PoolClient) => Promise<T>): ResultAsync<T, StoreError> {
  const go = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  return ResultAsync.fromPromise(go(), (e) => storeError(what, message(e)));
}

function migratePostgres(pool: pg.Pool, location: string): ResultAsync<number, StoreError> {
  return inTransaction(pool, `migrate ${location}`, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query(MIGRATIONS_TABLE);
    const before = Number((await c.query<{ v: string }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')).rows[0]!.v);
    for (const m of pendingMigrations(before)) {
      for (const sql of m.postgres) await c.query(sql);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Math.floor(Date.now() / 1000)]);
    }
    return before;
  }).andThen((before) => (before > SCHEMA_VERSION ? errAsync(newerSchema(location, before)) : okAsync(SCHEMA_VERSION)));
}

async function recordRun(c: pg.PoolClient, r: RunRecord, samples: readonly Sample[], projects: readonly ProjectRecord[]): Promise<RecordOutcome> {
  const run = await c.query(
    'INSERT INTO runs (platform, sampled_at, interval_seconds, started_at, finished_at, sample_count) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
    [r.platform, r.sampledAt, r.intervalSeconds, r.startedAt, r.finishedAt, r.sampleCount],
  );
  if (run.rowCount === 0) return { recorded: false, reason: 'duplicate-run' };
  const versions = projects.map((p) => canonicalProject(p));
  await c.query('INSERT INTO owners (platform, project_id, record) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT DO NOTHING', [r.platform, projects.map((p) => p.projectId), versions]);
  let written = 0;
  for (const part of chunks(samples, 2000)) {
    const traits = part.map((s) => canonicalTraits(s.traits));
    await c.query(
      `INSERT INTO resources (platform, resource_id, resource_type) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      [r.platform, part.map((s) => s.resourceId), part.map((s) => s.resourceType)],
    );
    await c.query(`INSERT INTO facets (project_id, traits) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`, [part.map((s) => s.projectId), traits]);
    const inserted = await c.query(
      `INSERT INTO samples (sampled_at, resource_ref, facet_ref, owner_ref)
       SELECT $1, r.ref, f.ref, COALESCE(o.ref, 0) FROM unnest($3::text[], $4::text[], $5::text[]) AS x(resource_id, project_id, traits)
       JOIN resources r ON r.platform = $2 AND r.resource_id = x.resource_id
       JOIN facets f ON f.project_id = x.project_id AND f.traits = x.traits
       LEFT JOIN unnest($6::text[], $7::text[]) AS v(project_id, record) ON v.project_id = x.project_id
       LEFT JOIN owners o ON o.platform = $2 AND o.project_id = v.project_id AND o.record = v.record
       ON CONFLICT DO NOTHING`,
      [r.sampledAt, r.platform, part.map((s) => s.resourceId), part.map((s) => s.projectId), traits, projects.map((p) => p.projectId), versions],
    );
    written += inserted.rowCount ?? 0;
  }
  for (const p of projects) {
    await c.query(
      `INSERT INTO projects (platform, project_id, name, owner_platform, workspace, project, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (platform, project_id) DO UPDATE SET name = excluded.name, owner_platform = excluded.owner_platform,
         workspace = excluded.workspace, project = excluded.project, seen_at = excluded.seen_at
       WHERE excluded.seen_at >= projects.seen_at`,
      [r.platform, p.projectId, p.name, p.owner?.platform ?? null, p.owner?.workspace ?? null, p.owner?.project ?? null, r.sampledAt],
    );
  }
  return { recorded: true, samples: written };
}

async function sampleGroups(pool: pg.Pool, platform: string, weights: readonly RunWeight[], visit: (g: SampleGroup) => void): Promise<number> {
  const parse = traitsParser();
  const sorted = [...weights].sort((a, b) => a.hourStart - b.hourStart || a.sampledAt - b.sampledAt);
  let n = 0;
  // Chunks are cut at hour boundaries so that each group is whole within one query.
  for (const part of hourAlignedChunks(sorted, WEIGHTS_PER_QUERY)) {
    const rows = await pool.query<GroupRow>(
      `SELECT r.resource_id, r.resource_type, f.project_id, f.traits, w.hour_start, s.owner_ref, SUM(w.seconds) AS seconds
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS w(sampled_at, hour_start, seconds)
       JOIN samples s ON s.sampled_at = w.sampled_at
       JOIN resources r ON r.ref = s.resource_ref JOIN facets f ON f.ref = s.facet_ref
       WHERE r.platform = $1
       GROUP BY w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref, r.resource_id, r.resource_type, f.project_id, f.traits
       ORDER BY w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref`,
      [platform, part.map((w) => w.sampledAt), part.map((w) => w.hourStart), part.map((w) => w.seconds)],
    );
    for (const g of rows.rows) {
      n++;
      visit({ resourceId: g.resource_id, resourceType: g.resource_type, projectId: g.project_id, traits: parse(g.traits), hourStart: Number(g.hour_start), seconds: Number(g.seconds), ownerRef: Number(g.owner_ref) });
    }
  }
  return n;
}

function hourAlignedChunks(sorted: readonly RunWeight[], size: number): RunWeight[][] {
  const out: RunWeight[][] = [];
  let current: RunWeight[] = [];
  for (const w of sorted) {
    if (current.length >= size && current[current.length - 1]!.hourStart !== w.hourStart) {
      out.push(current);
      current = [];
    }
    current.push(w);
  }
  if (current.length > 0) out.push(current);
  return out;
}

function postgresStore(pool: pg.Pool, location: string): MeteringStore {
  const query = <R extends pg.QueryResultRow, T>(what: string, sql: string, params: unknown[], map: (rows: R[]) => T) =>
    ResultAsync.fromPromise(pool.query<R>(sql, params), (e) => storeError(what, message(e))).map((r) => map(r.rows));
  return {
    dialect: 'postgres',
    location,
    recordRun: (r, samples, projects) => inTransaction(pool, `record the run at ${r.sampledAt}`, (c) => recordRun(c, r, samples, projects)),
    hasRun: (platform, sampledAt) => query('read runs', 'SELECT 1 FROM runs WHERE platform = $1 AND sampled_at = $2', [platform, sampledAt], (rows) => rows.length > 0),
    runs: (platform, from, to) =>
      query<RunRow, readonly RunRecord[]>('read runs', 'SELECT * FROM runs WHERE platform = $1 AND sampled_at >= $2 AND sampled_at < $3 ORDER BY sampled_at', [platform, from, to], (rows) =>
        rows.map(toRun),
      ),
    samplesAt: (platform, sampledAt) =>
      query<SampleRow, readonly Sample[]>(
        'read samples',
        `SELECT r.resource_id, r.resource_type, f.project_id, f.traits FROM samples s
         JOIN resources r ON r.ref = s.resource_ref JOIN facets f ON f.ref = s.facet_ref
         WHERE s.sampled_at = $1 AND r.platform = $2 ORDER BY r.resource_id COLLATE "C"`,
        [sampledAt, platform],
        (rows) => rows.map(toSample),
      ),
    projects: (platform) =>
      query<ProjectRow, readonly ProjectRecord[]>('read projects', 'SELECT * FROM projects WHERE platform = $1 ORDER BY project_id COLLATE "C"', [platform], (rows) => rows.map(toProject)),
    ownerVersions: (platform) =>
      query<OwnerRow, ReadonlyMap<number, ProjectRecord>>('read project versions', 'SELECT ref, project_id, record FROM owners WHERE platform = $1', [platform], toOwnerVersions),
    forEachSampleGroup: (platform, weights, visit) => ResultAsync.fromPromise(sampleGroups(pool, platform, weights, visit), (e) => storeError('read samples', message(e))),
    schemaVersion: () => query<{ v: number }, number>('read the schema version', 'SELECT MAX(version) AS v FROM schema_migrations', [], (rows) => Number(rows[0]!.v)),
    close: () => ResultAsync.fromPromise(pool.end(), (e) => storeError('close', message(e))),
  };
}
