import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { writeChunksAtomic } from '../../../engine/util/write-file-atomic.ts';

describe('writeChunksAtomic', () => {
  it('writes the chunks, gathered, as the file', async () => {
    // GIVEN 3,000 chunks of 1 KiB (more than one gathered write)
    const dir = mkdtempSync(join(tmpdir(), 'kf-atomic-'));
    const chunks = Array.from({ length: 3_000 }, (_, i) => `${String(i).padStart(4, '0')}${'é'.repeat(510)}`);
    // WHEN written
    const r = await writeChunksAtomic(join(dir, 'plan.kfplan'), chunks);
    // THEN the file is their text, and nothing else is in the folder
    expect(r.isOk()).toBe(true);
    expect(readFileSync(join(dir, 'plan.kfplan'), 'utf8')).toBe(chunks.join(''));
    expect(readdirSync(dir)).toEqual(['plan.kfplan']);
  });

  it('writes a header known only once the chunks are made at the start of the file, over the bytes left for it', async () => {
    // GIVEN chunks, and a header that counts them (known only once they were made)
    const dir = mkdtempSync(join(tmpdir(), 'kf-atomic-'));
    let made = 0;
    function* chunks(): Generator<string> {
      for (let i = 0; i < 2_000; i++, made++) yield 'x'.repeat(1_000);
    }
    // WHEN written
    const r = await writeChunksAtomic(join(dir, 'f'), chunks(), { header: { length: 6, text: () => `[${String(made).padStart(4, '0')}]` } });
    // THEN the file is the header, then the chunks
    expect(r.isOk()).toBe(true);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe(`[2000]${'x'.repeat(2_000_000)}`);
  });

  it('leaves the old file whole and no temporary file when making a chunk fails half way', async () => {
    // GIVEN a file, and chunks that fail after 2 MiB were written
    const dir = mkdtempSync(join(tmpdir(), 'kf-atomic-'));
    const file = join(dir, 'plan.kfplan');
    writeFileSync(file, 'old plan');
    function* failing(): Generator<string> {
      for (let i = 0; i < 32; i++) yield 'x'.repeat(1 << 16);
      throw new Error('disk gone');
    }
    // WHEN written over it
    const r = await writeChunksAtomic(file, failing(), { fix: 'Pass --out a path in a folder that exists and is writable.', header: { length: 3, text: () => 'abc' } });
    // THEN the error names the file and the cause, the old file is intact and no temporary file is left
    expect(r._unsafeUnwrapErr()).toMatchObject({ kind: 'file-write-failed', file });
    expect(r._unsafeUnwrapErr().message).toMatch(/disk gone.*Pass --out/);
    expect(readFileSync(file, 'utf8')).toBe('old plan');
    expect(readdirSync(dir)).toEqual(['plan.kfplan']);
  });
});
