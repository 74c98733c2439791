import { ok, type Result } from 'neverthrow';
import { postStatus, type PostOptions, type StatusNotDelivered } from './post-status.ts';
import type { RunStatus } from './run-status.ts';
import { writeFileAtomic, type FileWriteError } from '../util/write-file-atomic.ts';

/** Where a run's status goes: a file, a URL, both or neither. */
export interface StatusReporter {
  /**
   * Reports `status`: the file is replaced (atomically) before this resolves; the POST is
   * queued behind the earlier ones, so the receiver gets the documents in order.
   */
  report(status: RunStatus): Promise<Result<void, FileWriteError>>;
  /** Waits until every queued POST was delivered or given up; resolves to the ones given up. */
  close(): Promise<readonly StatusNotDelivered[]>;
}

export interface ReporterOptions {
  readonly file?: string;
  readonly url?: string;
  readonly post: PostOptions;
  /** Told about each document that could not be delivered. */
  readonly log?: (line: string) => void;
}

/**
 * A reporter that writes `opts.file` and POSTs to `opts.url`. POSTs go one at a time, in
 * order, each retried (see `postStatus`). Once one has been given up, the receiver is
 * taken to be down: of the documents queued meanwhile only the newest is sent (each
 * document is the whole status), so a dead receiver costs one retry budget per document
 * at most, not one per step, and the final status is still tried.
 * @example const r = statusReporter({ file: 'status.json', url, post: { toolVersion } }); await r.report(doc); await r.close();
 */
export function statusReporter(opts: ReporterOptions): StatusReporter {
  const queue: RunStatus[] = [];
  const givenUp: StatusNotDelivered[] = [];
  let pump: Promise<void> | undefined;
  let failing = false;
  const drain = async (url: string): Promise<void> => {
    while (queue.length > 0) {
      const doc = failing ? queue.splice(0).at(-1)! : queue.shift()!;
      const sent = await postStatus(url, doc, opts.post);
      failing = sent.isErr();
      if (sent.isErr()) {
        givenUp.push(sent.error);
        opts.log?.(sent.error.message);
      }
    }
    pump = undefined;
  };
  return {
    async report(status) {
      const written = opts.file === undefined ? undefined : await writeFileAtomic(opts.file, `${JSON.stringify(status, null, 2)}\n`);
      if (opts.url !== undefined) {
        queue.push(status);
        pump ??= drain(opts.url);
      }
      return written ?? ok(undefined);
    },
    async close() {
      while (pump !== undefined) await pump;
      return givenUp;
    },
  };
}
