import { spawnSync } from 'node:child_process';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, expect } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../../engine/cli/keyform.mjs');

describe('keyform show FILE with a plan file too large for the process', () => {
  it('refuses a file over half the heap limit before reading it, saying how to plan in parts, instead of running out of memory', () => {
    // GIVEN a 300 MiB plan file (sparse), and keyform run with a heap limit of ~100 MiB
    const dir = mkdtempSync(join(tmpdir(), 'kf-big-plan-'));
    const file = join(dir, 'plan.kfplan');
    writeFileSync(file, '');
    truncateSync(file, 300 * 2 ** 20);
    // WHEN shown as JSON
    const r = spawnSync(process.execPath, ['--max-old-space-size=100', BIN, 'show', 'plan.kfplan', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
    // THEN it exits 1 with the error as JSON: its kind, the size, what limits it and how to go on
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as { error: { kind: string; bytes: number; message: string } };
    expect(doc.error).toMatchObject({ kind: 'plan-file-too-large', bytes: 300 * 2 ** 20 });
    expect(doc.error.message).toMatch(/^plan\.kfplan: The plan file is 0\.29 GiB, more than the 0\.0\d GiB this keyform process reads \(half its memory limit, raised with NODE_OPTIONS=--max-old-space-size=MiB/);
    expect(doc.error.message).toContain('keyform plan --platform ID --out FILE');
  }, 60_000);
});
