import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ResultAsync } from 'neverthrow';

/** A file could not be written; `message` names it and the cause. */
export interface FileWriteError {
  readonly kind: 'file-write-failed';
  readonly file: string;
  readonly message: string;
}

/**
 * The error for `file` (a plan, an export, a status or outputs file), with the system's
 * reason and `fix`, what the user can do about it.
 * @example fileWriteFailed('plan.kfplan', e, 'Pass --out a path in a folder that exists and is writable.')
 */
export function fileWriteFailed(file: string, cause: unknown, fix = 'Check that its folder exists and is writable.'): FileWriteError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return { kind: 'file-write-failed', file, message: `Cannot write ${file} (${why}). ${fix}` };
}

/**
 * Writes `text` to `file` so that a reader sees the old content or the new, never half of
 * it: into a temporary file beside it, then renamed over it (atomic on one file system).
 * The temporary file is removed when anything fails; `fix` is the failure's advice (see `fileWriteFailed`).
 * @example await writeFileAtomic('status.json', JSON.stringify(status))
 */
export function writeFileAtomic(file: string, text: string, fix?: string): ResultAsync<void, FileWriteError> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const write = async (): Promise<void> => {
    try {
      await writeFile(tmp, text, { mode: 0o644 });
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  };
  return ResultAsync.fromPromise(write(), (e) => fileWriteFailed(file, e, fix));
}
