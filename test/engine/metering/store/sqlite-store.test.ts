import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../../engine/metering/report/build-report.ts';
import { MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION } from '../../../../engine/metering/store/migrations.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { storeContract } from './store-contract.ts';

storeContract('SQLite', {
  async fresh() {
    const file = join(mkdtempSync(join(tmpdir(), 'kf-meter-')), 'metering.db');
    const store = (await openSqliteStore(file))._unsafeUnwrap();
    return {
      store,
      reopen: () => openSqliteStore(file),
      forceVersion: async (v: number) => {
        const db = new Database(file);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(v, 'from the future');
        db.close();
      },
    };
  },
});

describe('SQLite store written by a keyform before owner versions and regions (schema v1)', () => {
  it('migrates to the newest schema, bills its old samples to the projects\' owners, and gives its runs to the region that adopts them', async () => {
    // GIVEN a v1 store with one hourly run of a server in project p-a (workspace acme)
    const file = join(mkdtempSync(join(tmpdir(), 'kf-meter-v1-')), 'metering.db');
    const db = new Database(file);
    db.exec(MIGRATIONS_TABLE);
    for (const sql of MIGRATIONS[0]!.sqlite) db.exec(sql);
    db.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(MIGRATIONS[0]!.name);
    db.prepare('INSERT INTO runs VALUES (?, 0, 3600, 0, 1, 1)').run('os-test');
    db.prepare("INSERT INTO resources (ref, platform, resource_id, resource_type) VALUES (1, 'os-test', 's-1', 'server')").run();
    db.prepare('INSERT INTO facets (ref, project_id, traits) VALUES (1, ?, ?)').run('p-a', JSON.stringify({ flavor: 'm1.small', status: 'ACTIVE', vcpus: 1, ram_mib: 1024 }));
    db.prepare('INSERT INTO samples VALUES (0, 1, 1)').run();
    db.prepare("INSERT INTO projects VALUES ('os-test', 'p-a', 'acme.web', 'os-test', 'acme', 'web', 0)").run();
    db.close();
    // WHEN this keyform opens it and reports the hour
    const store = (await openSqliteStore(file))._unsafeUnwrap();
    const settings = { platforms: [{ platform: 'os-test', region: 'RegionOne', prices: { 'server.flavor.m1.small': 1.5 } }], period: { from: 0, to: 3600 }, currency: { code: 'EUR', digits: 2 } };
    const r = (await buildReport(store, settings))._unsafeUnwrap();
    // THEN the schema is the newest, the old projects table is gone (owners are its one home),
    // and the hour is billed to acme, on a line of the unrecorded region ''
    expect((await store.schemaVersion())._unsafeUnwrap()).toBe(SCHEMA_VERSION);
    expect(r.statements.map((s) => [s.group, s.total, s.tenants.map((t) => [t.tenant, t.region])])).toEqual([['acme', '1.50', [['acme.web', '']]]]);
    expect(r.sources.map((s) => [s.region, s.coverage.missed])).toEqual([['', 0], ['RegionOne', 1]]);
    // AND once the configured region's collector adopts the old runs, they are that region's
    expect((await store.adoptUnregioned({ platform: 'os-test', region: 'RegionOne' }))._unsafeUnwrap()).toBe(1);
    const adopted = (await buildReport(store, settings))._unsafeUnwrap();
    expect(adopted.statements.map((s) => [s.group, s.total, s.tenants.map((t) => [t.tenant, t.region])])).toEqual([['acme', '1.50', [['acme.web', 'RegionOne']]]]);
    expect(adopted.sources.map((s) => [s.region, s.coverage.missed])).toEqual([['RegionOne', 0]]);
    await store.close();
    const after = new Database(file, { readonly: true });
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'projects'").all()).toEqual([]);
    after.close();
  });
});
