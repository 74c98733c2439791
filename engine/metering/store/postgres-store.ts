import { createRequire } from 'node:module';
import type pg from 'pg';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { storeError, type StoreError } from '../errors.ts';
import { canonicalProject, type MeterSource, type ProjectRecord, type RunRecord, type Sample } from '../sample.ts';
import { MIGRATIONS_TABLE, SCHEMA_VERSION, newerSchema, pendingMigrations } from './migrations.ts';
import { hourAlignedChunks, weightSegments } from './weight-segments.ts';
import { BUCKETS_PER_QUERY, GROUPING_WORK_MEM, rateUsage } from './postgres-rating.ts';
import { canonicalTraits, chunks, traitsParser, type MeteringStore, type RecordOutcome, type RunWeight, type SampleGroup } from './metering-store.ts';
import { toOwnerVersions, toRun, toSample, toSource, type GroupRow, type RefRow, type OwnerRow, type RunRow, type SampleRow, type SourceRow } from './rows.ts';
import { compareCodeUnits } from '../../../constructs/model/code-unit-order.ts';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Required when a store is opened, not imported: pg costs ~70 ms CPU to load, which every other command would pay.
const require = createRequire(import.meta.url);

/** Any fixed number: every keyform that migrates a store takes this advisory lock first. */
const MIGRATION_LOCK = 4_711_007;

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

/** Distinct pairs, sorted: rows every collector inserts in one order, so concurrent writers never deadlock. */
function sortedPairs(pairs: readonly (readonly [string, string])[]): [string[], string[]] {
  const unique = [...new Map(pairs.map((p) => [`${p[0]}\u0000${p[1]}`, p] as const)).entries()].sort(([a], [b]) => compareCodeUnits(a, b));
  return [unique.map(([, p]) => p[0]), unique.map(([, p]) => p[1])];
}

async function recordRun(c: pg.PoolClient, r: RunRecord, samples: readonly Sample[], projects: readonly ProjectRecord[]): Promise<RecordOutcome> {
  // The run row first: a second collector of the same source waits here for the first to
  // commit (then finds the run and stops) or to die (then writes it itself).
  const run = await c.query(
    'INSERT INTO runs (platform, region, sampled_at, interval_seconds, started_at, finished_at, sample_count) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING',
    [r.platform, r.region, r.sampledAt, r.intervalSeconds, r.startedAt, r.finishedAt, r.sampleCount],
  );
  if (run.rowCount === 0) return { recorded: false, reason: 'duplicate-run' };
  const versions = projects.map((p) => canonicalProject(p));
  // Owners and facets are shared by every region of a platform: inserted in key order.
  const [ownerIds, ownerRecords] = sortedPairs(projects.map((p, i) => [p.projectId, versions[i]!] as const));
  await c.query('INSERT INTO owners (platform, project_id, record) SELECT $1, * FROM unnest($2::text[], $3::text[]) ON CONFLICT (platform, project_id, record) DO NOTHING', [r.platform, ownerIds, ownerRecords]);
  const traits = samples.map((s) => canonicalTraits(s.traits));
  const [facetProjects, facetTraits] = sortedPairs(samples.map((s, i) => [s.projectId, traits[i]!] as const));
  await c.query('INSERT INTO facets (project_id, traits) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (project_id, traits) DO NOTHING', [facetProjects, facetTraits]);
  let written = 0;
  for (const [k, part] of chunks(samples, 2000).entries()) {
    const partTraits = traits.slice(k * 2000, k * 2000 + part.length);
    await c.query(
      'INSERT INTO resources (platform, region, resource_id, resource_type) SELECT $1, $2, * FROM unnest($3::text[], $4::text[]) ON CONFLICT (platform, region, resource_id) DO NOTHING',
      [r.platform, r.region, part.map((s) => s.resourceId), part.map((s) => s.resourceType)],
    );
    const inserted = await c.query(
      `INSERT INTO samples (sampled_at, resource_ref, facet_ref, owner_ref)
       SELECT $1, r.ref, f.ref, COALESCE(o.ref, 0) FROM unnest($4::text[], $5::text[], $6::text[]) AS x(resource_id, project_id, traits)
       JOIN resources r ON r.platform = $2 AND r.region = $3 AND r.resource_id = x.resource_id
       JOIN facets f ON f.project_id = x.project_id AND f.traits = x.traits
       LEFT JOIN unnest($7::text[], $8::text[]) AS v(project_id, record) ON v.project_id = x.project_id
       LEFT JOIN owners o ON o.platform = $2 AND o.project_id = v.project_id AND o.record = v.record
       ON CONFLICT DO NOTHING`,
      [r.sampledAt, r.platform, r.region, part.map((s) => s.resourceId), part.map((s) => s.projectId), partTraits, projects.map((p) => p.projectId), versions],
    );
    written += inserted.rowCount ?? 0;
  }
  return { recorded: true, samples: written };
}

/** Groups of the samples of a chunk's unsplit runs: one scan, each sample's weight found by `width_bucket`. */
const SEGMENT_GROUPS = `SELECT r.resource_id, r.resource_type, f.project_id, f.traits, g.hour_start, g.owner_ref, g.seconds, g.resource_ref, g.facet_ref
  FROM (SELECT ($4::bigint[])[i] AS hour_start, resource_ref, facet_ref, owner_ref, SUM(($5::bigint[])[i]) AS seconds
        FROM (SELECT width_bucket(s.sampled_at, $3::bigint[]) AS i, s.resource_ref, s.facet_ref, s.owner_ref FROM samples s
              WHERE s.sampled_at BETWEEN $7 AND $8 AND s.resource_ref IN (SELECT ref FROM resources WHERE platform = $1 AND region = $2)) x
        WHERE ($6::boolean[])[i]
        GROUP BY 1, 2, 3, 4) g
  JOIN resources r ON r.ref = g.resource_ref JOIN facets f ON f.ref = g.facet_ref`;

/** Groups of the samples of split runs (several weights each): joined with their weights. */
const JOINED_GROUPS = `SELECT r.resource_id, r.resource_type, f.project_id, f.traits, g.hour_start, g.owner_ref, g.seconds, g.resource_ref, g.facet_ref
  FROM (SELECT w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref, SUM(w.seconds) AS seconds
        FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS w(sampled_at, hour_start, seconds)
        JOIN samples s ON s.sampled_at = w.sampled_at
        WHERE s.resource_ref IN (SELECT ref FROM resources WHERE platform = $1 AND region = $2)
        GROUP BY w.hour_start, s.resource_ref, s.facet_ref, s.owner_ref) g
  JOIN resources r ON r.ref = g.resource_ref JOIN facets f ON f.ref = g.facet_ref`;

async function sampleGroups(c: pg.PoolClient, source: MeterSource, weights: readonly RunWeight[], visit: (g: SampleGroup) => void): Promise<number> {
  const parse = traitsParser();
  const sorted = [...weights].sort((a, b) => a.hourStart - b.hourStart || a.sampledAt - b.sampledAt);
  let n = 0;
  // A chunk groups up to resources × hours-in-chunk rows: with the default 4 MB the grouping
  // spills to disk and takes several times longer.
  await c.query(`SET LOCAL work_mem = '${GROUPING_WORK_MEM}'`);
  // Chunks are cut at hour (or day) boundaries so that each group is whole within one chunk;
  // samples are grouped first and named after, so the joins run once per group.
  for (const part of hourAlignedChunks(sorted, BUCKETS_PER_QUERY)) {
    const seg = weightSegments(part);
    const rows = (
      await c.query<GroupRow & RefRow>(SEGMENT_GROUPS, [source.platform, source.region, seg.starts, seg.hourStarts, seg.seconds, seg.kept, seg.from, seg.to])
    ).rows;
    if (seg.split.length > 0) {
      const w = seg.split;
      rows.push(...(await c.query<GroupRow & RefRow>(JOINED_GROUPS, [source.platform, source.region, w.map((x) => x.sampledAt), w.map((x) => x.hourStart), w.map((x) => x.seconds)])).rows);
    }
    // Hour order for the reader, then refs (SQLite's order): the order decides ties in shares.
    rows.sort((a, b) => Number(a.hour_start) - Number(b.hour_start) || Number(a.resource_ref) - Number(b.resource_ref) || Number(a.facet_ref) - Number(b.facet_ref) || Number(a.owner_ref) - Number(b.owner_ref));
    for (const g of rows) {
      n++;
      visit({ resourceId: g.resource_id, resourceType: g.resource_type, projectId: g.project_id, traits: parse(g.traits), hourStart: Number(g.hour_start), seconds: Number(g.seconds), ownerRef: Number(g.owner_ref) });
    }
  }
  return n;
}

/** Runs and resources of the platform stored before regions (region '') become `source`'s, unless they clash. */
async function adoptUnregioned(c: pg.PoolClient, source: MeterSource): Promise<number> {
  const runs = await c.query(
    `UPDATE runs o SET region = $2 WHERE platform = $1 AND region = ''
     AND NOT EXISTS (SELECT 1 FROM runs n WHERE n.platform = $1 AND n.region = $2 AND n.sampled_at = o.sampled_at)`,
    [source.platform, source.region],
  );
  await c.query(
    `UPDATE resources o SET region = $2 WHERE platform = $1 AND region = ''
     AND NOT EXISTS (SELECT 1 FROM resources n WHERE n.platform = $1 AND n.region = $2 AND n.resource_id = o.resource_id)`,
    [source.platform, source.region],
  );
  return runs.rowCount ?? 0;
}

function postgresStore(pool: pg.Pool, location: string): MeteringStore {
  const query = <R extends pg.QueryResultRow, T>(what: string, sql: string, params: unknown[], map: (rows: R[]) => T) =>
    ResultAsync.fromPromise(pool.query<R>(sql, params), (e) => storeError(what, message(e))).map((r) => map(r.rows));
  return {
    dialect: 'postgres',
    location,
    recordRun: (r, samples, projects) => inTransaction(pool, `record the run at ${r.sampledAt}`, (c) => recordRun(c, r, samples, projects)),
    hasRun: (src, sampledAt) =>
      query('read runs', 'SELECT 1 FROM runs WHERE platform = $1 AND region = $2 AND sampled_at = $3', [src.platform, src.region, sampledAt], (rows) => rows.length > 0),
    runs: (src, from, to) =>
      query<RunRow, readonly RunRecord[]>(
        'read runs',
        'SELECT * FROM runs WHERE platform = $1 AND region = $2 AND sampled_at >= $3 AND sampled_at < $4 ORDER BY sampled_at',
        [src.platform, src.region, from, to],
        (rows) => rows.map(toRun),
      ),
    samplesAt: (src, sampledAt) =>
      query<SampleRow, readonly Sample[]>(
        'read samples',
        `SELECT r.resource_id, r.resource_type, f.project_id, f.traits FROM samples s
         JOIN resources r ON r.ref = s.resource_ref JOIN facets f ON f.ref = s.facet_ref
         WHERE s.sampled_at = $1 AND r.platform = $2 AND r.region = $3 ORDER BY r.resource_id COLLATE "C"`,
        [sampledAt, src.platform, src.region],
        (rows) => rows.map(toSample),
      ),
    sources: () =>
      query<SourceRow, readonly MeterSource[]>('read sources', 'SELECT platform, region FROM runs GROUP BY platform, region ORDER BY platform COLLATE "C", region COLLATE "C"', [], (rows) => rows.map(toSource)),
    adoptUnregioned: (src) => inTransaction(pool, `adopt the runs of ${src.platform} stored before regions`, (c) => adoptUnregioned(c, src)),
    ownerVersions: (platform) =>
      query<OwnerRow, ReadonlyMap<number, ProjectRecord>>('read project versions', 'SELECT ref, project_id, record FROM owners WHERE platform = $1', [platform], toOwnerVersions),
    forEachSampleGroup: (src, weights, visit) => inTransaction(pool, 'read samples', (c) => sampleGroups(c, src, weights, visit)),
    rateUsage: (sources) => inTransaction(pool, 'rate usage', (c) => rateUsage(c, sources)),
    schemaVersion: () => query<{ v: number }, number>('read the schema version', 'SELECT MAX(version) AS v FROM schema_migrations', [], (rows) => Number(rows[0]!.v)),
    close: () => ResultAsync.fromPromise(pool.end(), (e) => storeError('close', message(e))),
  };
}
