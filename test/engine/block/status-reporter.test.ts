import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStarted, statusReporter, stepStarted, stepSucceeded, type PostOptions, type RunStatus } from '../../../engine/block/index.ts';
import { startReceiver } from './status-receiver.ts';

const FAST: PostOptions = { toolVersion: '0.1.0', retry: { retries: 2, baseMs: 1, capMs: 1, retryAfterCapMs: 5, random: () => 1 }, timeoutMs: 2000 };

/** Three successive documents of a run: sequences 1, 2, 3. */
function threeDocs(): RunStatus[] {
  const a = runStarted('running');
  const b = stepSucceeded(a, 'validate-inputs', 'ok', 'fine');
  return [a, b, stepStarted(b, 'plan', 'planning')];
}

const sequences = (bodies: readonly { body: string }[]): number[] => bodies.map((x) => (JSON.parse(x.body) as RunStatus).sequence);

describe('statusReporter', () => {
  it('replaces the status file with each document, leaving no temporary file behind', async () => {
    // GIVEN a reporter writing to a file in an empty folder
    const dir = mkdtempSync(join(tmpdir(), 'kf-status-'));
    const file = join(dir, 'status.json');
    const reporter = statusReporter({ file, post: FAST });
    // WHEN three documents are reported one after the other
    const seen: unknown[] = [];
    for (const doc of threeDocs()) {
      (await reporter.report(doc))._unsafeUnwrap();
      seen.push(JSON.parse(readFileSync(file, 'utf8')));
    }
    await reporter.close();
    // THEN after each, the file held that document, and the folder holds the file alone
    expect(seen).toEqual(threeDocs());
    expect(readdirSync(dir)).toEqual(['status.json']);
  });

  it('says which file it could not write', async () => {
    // GIVEN a status file in a folder that does not exist
    const file = join(tmpdir(), 'kf-no-such-folder', 'status.json');
    // WHEN a document is reported
    const e = (await statusReporter({ file, post: FAST }).report(threeDocs()[0]!))._unsafeUnwrapErr();
    // THEN the error names the file and what to check
    expect(e).toMatchObject({ kind: 'file-write-failed', file });
    expect(e.message).toContain('Check that its folder exists');
  });

  it('POSTs every document in order, even when they are reported faster than they are delivered', async () => {
    // GIVEN a receiver whose first answer is a 503 (so the first POST is retried)
    const r = await startReceiver({ answers: [503] });
    const reporter = statusReporter({ url: r.url, post: FAST });
    try {
      // WHEN three documents are reported without waiting
      await Promise.all(threeDocs().map((d) => reporter.report(d)));
      const givenUp = await reporter.close();
      // THEN the receiver got 1 (twice: the retry), 2 and 3, in that order, and nothing was given up
      expect(sequences(r.received)).toEqual([1, 1, 2, 3]);
      expect(givenUp).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('after giving a document up, sends only the newest of those queued meanwhile', async () => {
    // GIVEN a receiver that fails the first document's three attempts, then recovers
    const r = await startReceiver({ answers: [500, 500, 500] });
    const lines: string[] = [];
    const reporter = statusReporter({ url: r.url, post: FAST, log: (l) => lines.push(l) });
    try {
      // WHEN three documents are reported without waiting
      await Promise.all(threeDocs().map((d) => reporter.report(d)));
      const givenUp = await reporter.close();
      // THEN document 1 was given up (and told), 2 skipped, and 3, the whole current status, delivered
      expect(sequences(r.received)).toEqual([1, 1, 1, 3]);
      expect(givenUp.map((e) => e.sequence)).toEqual([1]);
      expect(lines).toEqual([expect.stringContaining('could not be sent')]);
    } finally {
      await r.close();
    }
  });
});
