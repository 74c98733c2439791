import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../../../../engine/metering/store/postgres-store.ts';
import type { StoreFactory } from './store-contract.ts';

/** A new empty database on the server of `serverUrl`, so each test starts from nothing. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `metering_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

/** The store contract's factory over fresh databases on one PostgreSQL server. */
export function postgresFactory(serverUrl: () => string): StoreFactory {
  return {
    async fresh() {
      const url = await freshDatabase(serverUrl());
      const store = (await openPostgresStore(url, url))._unsafeUnwrap();
      return {
        store,
        reopen: () => openPostgresStore(url, url),
        forceVersion: async (v: number) => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', 0)", [v]);
          await c.end();
        },
      };
    },
  };
}
