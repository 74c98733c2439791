import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../../engine/metering/report/build-report.ts';
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION } from '../../../../engine/metering/store/migrations.ts';
import { openPostgresStore } from '../../../../engine/metering/store/postgres-store.ts';
import { testStack } from '../../../openstack/stack.ts';
import { freshDatabase, postgresFactory } from './fresh-postgres.ts';
import { storeContract } from './store-contract.ts';

const serverUrl = (): string => {
  const url = testStack().pgUrl;
  if (url === undefined) throw new Error('the full stack has no PostgreSQL: check test/openstack/postgres.ts');
  return url;
};

// The full stack's own PostgreSQL (Debian's postgresql-15, started by the launcher); each
// test gets a fresh database on it.
storeContract('PostgreSQL', postgresFactory(serverUrl));

describe('PostgreSQL store written by a keyform before owner versions and regions (schema v1)', () => {
  it('migrates to the newest schema, bills its old samples to the projects\' owners, and gives its runs to the region that adopts them', async () => {
    // GIVEN a v1 store with one hourly run of a server in project p-a (workspace acme)
    const url = await freshDatabase(serverUrl());
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(MIGRATIONS_TABLE);
    for (const sql of MIGRATIONS[0]!.postgres) await c.query(sql);
    await c.query('INSERT INTO schema_migrations VALUES (1, $1, 0)', [MIGRATIONS[0]!.name]);
    await c.query("INSERT INTO runs VALUES ('os-test', 0, 3600, 0, 1, 1)");
    const ref = async (sql: string, params: unknown[]) => (await c.query<{ ref: string }>(`${sql} RETURNING ref`, params)).rows[0]!.ref;
    const resource = await ref("INSERT INTO resources (platform, resource_id, resource_type) VALUES ('os-test', 's-1', 'server')", []);
    const facet = await ref('INSERT INTO facets (project_id, traits) VALUES ($1, $2)', ['p-a', JSON.stringify({ flavor: 'm1.small', status: 'ACTIVE', vcpus: 1, ram_mib: 1024 })]);
    await c.query('INSERT INTO samples VALUES (0, $1, $2)', [resource, facet]);
    await c.query("INSERT INTO projects VALUES ('os-test', 'p-a', 'acme.web', 'os-test', 'acme', 'web', 0)");
    // WHEN this keyform opens it and reports the hour
    const store = (await openPostgresStore(url, url))._unsafeUnwrap();
    const settings = { platforms: [{ platform: 'os-test', region: 'RegionOne', prices: { 'server.flavor.m1.small': 1.5 } }], period: { from: 0, to: 3600 }, currency: { code: 'EUR', digits: 2 } };
    const r = (await buildReport(store, settings))._unsafeUnwrap();
    // THEN the schema is the newest, the old projects table is gone, and the hour is billed to acme (region '')
    expect((await store.schemaVersion())._unsafeUnwrap()).toBe(SCHEMA_VERSION);
    expect(r.statements.map((s) => [s.group, s.total, s.tenants.map((t) => [t.tenant, t.region])])).toEqual([['acme', '1.50', [['acme.web', '']]]]);
    expect((await c.query("SELECT to_regclass('projects') AS t")).rows).toEqual([{ t: null }]);
    // AND once adopted by the configured region, the run is that region's, and a second region's run at the same time is its own
    expect((await store.adoptUnregioned({ platform: 'os-test', region: 'RegionOne' }))._unsafeUnwrap()).toBe(1);
    const two = { platform: 'os-test', region: 'RegionTwo', sampledAt: 0, intervalSeconds: 3600, startedAt: 0, finishedAt: 1, sampleCount: 1 };
    const server = { resourceId: 's-1', resourceType: 'server' as const, projectId: 'p-a', traits: { flavor: 'm1.small', status: 'ACTIVE', vcpus: 1, ram_mib: 1024 } };
    expect((await store.recordRun(two, [server], []))._unsafeUnwrap()).toEqual({ recorded: true, samples: 1 });
    const both = (await buildReport(store, settings))._unsafeUnwrap();
    expect(both.statements.flatMap((s) => s.tenants.map((t) => [t.tenant, t.region, t.total]))).toEqual([['acme.web', 'RegionOne', '1.50']]);
    expect(both.unmanaged.map((t) => [t.tenant, t.region, t.total])).toEqual([['p-a', 'RegionTwo', '1.50']]);
    expect(both.totals.grand).toBe('3.00');
    await store.close();
    await c.end();
  });
});
