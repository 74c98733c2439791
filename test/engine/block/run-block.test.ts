import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBlock, statusReporter } from '../../../engine/block/index.ts';
import { statusLine } from './status-receiver.ts';

describe('runBlock', () => {
  it('refuses --destroy with inputs that say "behavior": "APPLY", before it reaches the cloud', async () => {
    // GIVEN the example inputs saying APPLY, and no cloud configured at all
    const dir = mkdtempSync(join(tmpdir(), 'kf-block-unit-'));
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ platform: 'os-prod', behavior: 'APPLY', workspace: { identifier: 'initech' }, project: { identifier: 'tps' } }));
    // WHEN the run is asked to destroy
    const r = await runBlock({
      inputsFile: 'inputs.json', configPath: resolve('examples/hcl'), reporter: statusReporter({ post: { toolVersion: '0.1.0' } }),
      env: {}, cwd: dir, toolVersion: '0.1.0', destroy: true,
    });
    // THEN it failed in validate-inputs, telling the owner nothing changed and the platform team how to fix it
    expect(statusLine(r.status)).toBe('2 FAILED: validate-inputs=FAILED');
    expect(r.status.userMessage).toMatch(/its inputs say to create or update it \("behavior": "APPLY"\)\. Nothing was changed in the cloud\./);
    expect(r.status.systemMessage).toBe('--destroy contradicts "behavior": "APPLY" in inputs.json: drop the flag, or write "behavior": "DESTROY" (or leave "behavior" out) in the inputs.');
  });
});
