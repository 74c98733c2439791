import { isAbsolute, resolve } from 'node:path';
import { errAsync, type ResultAsync } from 'neverthrow';
import { settingsError, type MeteringError } from '../errors.ts';
import type { MeteringStore } from './metering-store.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/**
 * The store URL with its password replaced by `***`: safe for messages and logs.
 * @example redactStoreUrl('postgres://m:s3cret@db/k') === 'postgres://m:***@db/k'
 */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Opens the store a URL names, migrating its schema:
 * - `sqlite://FILE` (or `sqlite:FILE`): FILE relative to `cwd` (`sqlite://keyform-metering.db`),
 *   or absolute with a third slash (`sqlite:///var/lib/keyform/metering.db`);
 * - `postgres://…` or `postgresql://…`: a libpq connection URL.
 * @example openStore('sqlite://keyform-metering.db', process.cwd())
 */
export function openStore(url: string, cwd: string): ResultAsync<MeteringStore, MeteringError> {
  if (url.startsWith('sqlite:')) {
    const file = url.replace(/^sqlite:(\/\/)?/, '');
    if (file === '') return errAsync(settingsError(`Store URL ${JSON.stringify(url)} names no file: write sqlite://FILE.db.`));
    return openSqliteStore(isAbsolute(file) ? file : resolve(cwd, file));
  }
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgresStore(url, redactStoreUrl(url));
  return errAsync(
    settingsError(`Store URL ${JSON.stringify(redactStoreUrl(url))} is neither sqlite://FILE nor postgres://…: use one of those forms.`),
  );
}
