import { storeError, type StoreError } from '../errors.ts';

/**
 * The store's schema as numbered migrations, one SQL list per dialect. A store records the
 * migrations it has applied in `schema_migrations`; opening a store applies the missing ones
 * in order inside one transaction, and refuses a store that is newer than this keyform.
 *
 * Layout (v1), chosen so 30 days of 5-minute samples of thousands of resources stay small:
 * - `resources`: one row per (platform, resource id) with its type; samples point at it.
 * - `facets`: one row per distinct (project, traits); a resource whose traits don't change
 *   shares one facet across all its samples.
 * - `samples`: (sample time, resource, facet); the primary key is the idempotence rule:
 *   one sample per resource per sample time.
 * - `runs`: one row per completed run; written in the same transaction as its samples, so a
 *   run is there with all its samples or not at all.
 * - `projects`: the latest name and keyform owner tags seen per project.
 *
 * v2: ownership as of the time of use.
 * - `owners`: one row per distinct version (name, keyform owner, tags) of a project;
 * - `samples.owner_ref`: the version of the resource's project when the sample was taken
 *   (0 for samples written before v2: those fall back to `projects`).
 *
 * v3: one collector per platform and region into one store, and one home for owners.
 * - `runs` and `resources` gain `region`; their keys become (platform, region, sampled_at) and
 *   (platform, region, resource_id), so two regions' collectors never take each other's
 *   runs for duplicates, and a sample (its resource ref) is unique per (platform, region,
 *   resource, sample time). Rows stored before get region '' (see `adoptUnregioned`).
 * - `projects` is folded into `owners`: each of its rows becomes an owner version (no tags,
 *   as it held none), samples still at owner_ref 0 point at it, and the table is dropped.
 *
 * Never edit a released migration: add the next one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

const tables = (serial: string, withoutRowid: string): readonly string[] => [
  `CREATE TABLE runs (
     platform TEXT NOT NULL, sampled_at BIGINT NOT NULL, interval_seconds INTEGER NOT NULL,
     started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, sample_count INTEGER NOT NULL,
     PRIMARY KEY (platform, sampled_at))`,
  `CREATE TABLE resources (
     ref ${serial}, platform TEXT NOT NULL, resource_id TEXT NOT NULL, resource_type TEXT NOT NULL,
     UNIQUE (platform, resource_id))`,
  `CREATE TABLE facets (ref ${serial}, project_id TEXT NOT NULL, traits TEXT NOT NULL, UNIQUE (project_id, traits))`,
  `CREATE TABLE samples (
     sampled_at BIGINT NOT NULL, resource_ref BIGINT NOT NULL REFERENCES resources (ref),
     facet_ref BIGINT NOT NULL REFERENCES facets (ref),
     PRIMARY KEY (sampled_at, resource_ref))${withoutRowid}`,
  `CREATE TABLE projects (
     platform TEXT NOT NULL, project_id TEXT NOT NULL, name TEXT NOT NULL,
     owner_platform TEXT, workspace TEXT, project TEXT, seen_at BIGINT NOT NULL,
     PRIMARY KEY (platform, project_id))`,
];

/**
 * A pre-v3 `projects` row (alias `p`) as owner-version text, parsed by `parseProject`. The
 * text need not equal what keyform writes for the same version (JSON spacing differs by
 * dialect): reports key owners by content, not by text.
 */
const legacyRecord = (json: string, owner: string): string =>
  `${json}('name', p.name, 'owner', CASE WHEN p.owner_platform IS NOT NULL AND p.workspace IS NOT NULL AND p.project IS NOT NULL
     THEN ${json}('platform', p.owner_platform, 'workspace', p.workspace, 'project', p.project) ELSE ${owner} END, 'tags', ${json}())`;

const foldProjects = (record: string): readonly string[] => [
  // `WHERE true`: SQLite would read ON CONFLICT as a join constraint without it.
  `INSERT INTO owners (platform, project_id, record) SELECT p.platform, p.project_id, ${record} FROM projects p WHERE true ON CONFLICT DO NOTHING`,
  `UPDATE samples SET owner_ref = (
     SELECT o.ref FROM resources r, facets f, projects p, owners o
     WHERE r.ref = samples.resource_ref AND f.ref = samples.facet_ref AND p.platform = r.platform AND p.project_id = f.project_id
       AND o.platform = p.platform AND o.project_id = p.project_id AND o.record = ${record})
   WHERE owner_ref = 0 AND EXISTS (
     SELECT 1 FROM resources r, facets f, projects p
     WHERE r.ref = samples.resource_ref AND f.ref = samples.facet_ref AND p.platform = r.platform AND p.project_id = f.project_id)`,
  'DROP TABLE projects',
];

/** Every migration, in order; versions are 1, 2, 3… without holes. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'samples, runs and projects',
    sqlite: tables('INTEGER PRIMARY KEY', ' WITHOUT ROWID'),
    postgres: tables('BIGSERIAL PRIMARY KEY', ''),
  },
  {
    version: 2,
    name: 'project owner versions on samples',
    sqlite: [
      'CREATE TABLE owners (ref INTEGER PRIMARY KEY, platform TEXT NOT NULL, project_id TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (platform, project_id, record))',
      'ALTER TABLE samples ADD COLUMN owner_ref INTEGER NOT NULL DEFAULT 0',
    ],
    postgres: [
      'CREATE TABLE owners (ref BIGSERIAL PRIMARY KEY, platform TEXT NOT NULL, project_id TEXT NOT NULL, record TEXT NOT NULL, UNIQUE (platform, project_id, record))',
      'ALTER TABLE samples ADD COLUMN owner_ref BIGINT NOT NULL DEFAULT 0',
    ],
  },
  {
    version: 3,
    name: 'regions, and owners in one place',
    // SQLite can't change a key in place: the two tables are rebuilt (refs kept), with
    // foreign keys off for the migration (see migrateSqlite).
    sqlite: [
      `CREATE TABLE runs_v3 (
         platform TEXT NOT NULL, region TEXT NOT NULL, sampled_at BIGINT NOT NULL, interval_seconds INTEGER NOT NULL,
         started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL, sample_count INTEGER NOT NULL,
         PRIMARY KEY (platform, region, sampled_at))`,
      "INSERT INTO runs_v3 SELECT platform, '', sampled_at, interval_seconds, started_at, finished_at, sample_count FROM runs",
      'DROP TABLE runs',
      'ALTER TABLE runs_v3 RENAME TO runs',
      `CREATE TABLE resources_v3 (
         ref INTEGER PRIMARY KEY, platform TEXT NOT NULL, region TEXT NOT NULL, resource_id TEXT NOT NULL, resource_type TEXT NOT NULL,
         UNIQUE (platform, region, resource_id))`,
      "INSERT INTO resources_v3 SELECT ref, platform, '', resource_id, resource_type FROM resources",
      'DROP TABLE resources',
      'ALTER TABLE resources_v3 RENAME TO resources',
      ...foldProjects(legacyRecord('json_object', "json('null')")),
    ],
    postgres: [
      "ALTER TABLE runs ADD COLUMN region TEXT NOT NULL DEFAULT ''",
      'ALTER TABLE runs DROP CONSTRAINT runs_pkey',
      'ALTER TABLE runs ADD PRIMARY KEY (platform, region, sampled_at)',
      "ALTER TABLE resources ADD COLUMN region TEXT NOT NULL DEFAULT ''",
      'ALTER TABLE resources DROP CONSTRAINT resources_platform_resource_id_key',
      'ALTER TABLE resources ADD CONSTRAINT resources_source_key UNIQUE (platform, region, resource_id)',
      ...foldProjects(`${legacyRecord('jsonb_build_object', 'NULL')}::text`),
    ],
  },
];

/** The table that records applied migrations (same SQL on both dialects). */
export const MIGRATIONS_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

/** The migrations still to apply to a store at `applied` (the highest applied version). */
export function pendingMigrations(applied: number, all: readonly Migration[] = MIGRATIONS): readonly Migration[] {
  return all.filter((m) => m.version > applied);
}

/** The newest schema version this keyform knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** A store written by a newer keyform: refuse it rather than misread it. */
export function newerSchema(location: string, version: number): StoreError {
  return storeError(`use ${location}`, `its schema is version ${version}, newer than this keyform knows (${SCHEMA_VERSION}). Upgrade keyform.`);
}
