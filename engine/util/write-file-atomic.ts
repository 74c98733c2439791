import { open, rename, rm, writeFile } from 'node:fs/promises';
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
  return atomically(file, (tmp) => writeFile(tmp, text, { mode: 0o644 }), fix);
}

/**
 * `writeFileAtomic` for a text made in chunks and never held whole (a plan file of a hundred
 * thousand tenants is ~740 MB): each chunk is written before the next is made. About a MiB
 * of chunks is gathered per write, as the system call costs more than its bytes. A `header`
 * known only once the chunks are made (a digest of them) is written at the start of the file
 * last, over as many bytes left for it: one pass over what the chunks are made from.
 * @example const f = planFileText(plan); await writeChunksAtomic('plan.kfplan', f.body, { header: { length: f.headerLength, text: f.header } })
 */
export function writeChunksAtomic(file: string, chunks: Iterable<string>, options: { readonly fix?: string; readonly header?: AfterwardsHeader } = {}): ResultAsync<void, FileWriteError> {
  const { header } = options;
  return atomically(file, async (tmp) => {
    const handle = await open(tmp, 'w', 0o644);
    try {
      let batch: string[] = header === undefined ? [] : [' '.repeat(header.length)];
      let length = 0;
      for (const chunk of chunks) {
        batch.push(chunk);
        length += chunk.length;
        if (length < BATCH) continue;
        await handle.writeFile(batch.join(''));
        batch = [];
        length = 0;
      }
      if (batch.length > 0) await handle.writeFile(batch.join(''));
      if (header !== undefined) {
        const bytes = Buffer.from(header.text());
        if (bytes.length !== header.length) throw new Error(`the header is ${bytes.length} bytes, not the ${header.length} left for it`);
        await handle.write(bytes, 0, bytes.length, 0);
      }
    } finally {
      await handle.close();
    }
  }, options.fix);
}

/** A header written at the start of a file after the rest: `length` bytes, its `text` asked for once the rest is written. */
export interface AfterwardsHeader {
  readonly length: number;
  readonly text: () => string;
}

/** Characters gathered per write. */
const BATCH = 1 << 20;

/** Runs `write` into a temporary file beside `file`, then renames it over `file`; removes it when anything fails. */
function atomically(file: string, write: (tmp: string) => Promise<void>, fix: string | undefined): ResultAsync<void, FileWriteError> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  const run = async (): Promise<void> => {
    try {
      await write(tmp);
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  };
  return ResultAsync.fromPromise(run(), (e) => fileWriteFailed(file, e, fix));
}
