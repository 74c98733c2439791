import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it, expect } from 'vitest';
import { writeChunksOut, type CliIO } from '../../../engine/cli/io.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Runs slow-pipe-writer.ts with `count` chunks, its stdout a pipe read only after `waitMs`; resolves to what it reports and the bytes read. */
function slowPipe(count: number, waitMs: number): Promise<{ most: number; highWaterMark: number; read: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'engine/cli/run-ts.mjs'), resolve(ROOT, 'test/engine/cli/slow-pipe-writer.ts'), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let read = 0, report = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.on('data', (b: Buffer) => (read += b.length)).resume(), waitMs);
    child.stderr.on('data', (b: Buffer) => (report += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done({ ...(JSON.parse(report.trim()) as { most: number; highWaterMark: number }), read }) : fail(new Error(`exit ${code}: ${report}`))));
  });
}

describe('writeChunksOut', () => {
  it('holds keyform back while a pipe reader is slow: stdout never holds more than a chunk beyond its mark', async () => {
    // GIVEN 16 MiB written to stdout, a pipe whose reader starts reading after 1.5 s
    // WHEN written through writeChunksOut with the process's own stdout
    const r = await slowPipe(256, 1_500);
    // THEN every byte arrives, and stdout never held more than its mark and a chunk (without the wait: all 16 MiB)
    expect(r.read).toBe(256 * (1 << 16));
    expect(r.most).toBeLessThanOrEqual(r.highWaterMark + (1 << 16));
  }, 60_000);

  it('makes the next chunk only once the sink has taken the one before', async () => {
    // GIVEN a sink that takes a chunk only when its reader asks, and a writer of 5 chunks
    const log: string[] = [];
    let take: (() => void) | undefined;
    const io = { stdout: (t: string) => log.push(`out ${t}`), stdoutDrained: () => new Promise<void>((r) => (take = r)) } as unknown as CliIO;
    function* chunks(): Generator<string> {
      for (let i = 0; i < 5; i++) {
        log.push(`made ${i}`);
        yield String(i);
      }
    }
    // WHEN the reader takes two chunks
    const done = writeChunksOut(io, chunks());
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setImmediate(r));
      take!();
    }
    await new Promise((r) => setImmediate(r));
    // THEN three were made and written, and no more
    expect(log).toEqual(['made 0', 'out 0', 'made 1', 'out 1', 'made 2', 'out 2']);
    for (let i = 0; i < 3; i++) {
      take!();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(log.filter((l) => l.startsWith('out'))).toHaveLength(5);
  });
});
