import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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
