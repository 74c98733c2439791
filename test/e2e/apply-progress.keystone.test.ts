import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '../openstack/stack.ts';
import { KEYFORM, onTerminal } from './on-terminal.ts';
import { cloudsEnv, platformOf, removeRunDomain, runId, writeClouds, writeConfig } from '../engine/apply/apply-fixture.ts';

/**
 * `keyform apply`'s progress as a person meets it: a bar on a terminal, figure lines in a CI
 * log, on stderr only, so that `--format json` leaves stdout to the report.
 */
const cleanup: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

/** Two tenants (15 changes) of a run of their own, removed after the file. */
function twoTenants(): { run: string; config: string; env: NodeJS.ProcessEnv } {
  const run = runId();
  cleanup.push(() => removeRunDomain(testStack(), run));
  const env = cloudsEnv(writeClouds(testStack()));
  delete env['CI'];
  return { run, config: writeConfig({ run, tenants: 2, users: {} }), env };
}

describe('keyform apply progress', () => {
  it('writes figure lines to stderr in a log and keeps them out of the JSON report on stdout', async () => {
    // GIVEN two tenants to create, stdout and stderr piped (a CI job)
    const { run, config, env } = twoTenants();
    // WHEN applied with --format json
    const child = spawn(process.execPath, [KEYFORM, 'apply', '--config', config, '--auto-approve', '--format', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => void (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => void (stderr += b.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    // THEN stdout is the report alone, and stderr has a line per change with the rate and ETA
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { counts: { done: number; total: number } };
    expect(report.counts).toEqual({ done: 15, failed: 0, skipped: 0, total: 15 });
    expect(stdout).not.toMatch(/changes\/s|ETA/);
    expect(stderr).toContain(`Applying 15 changes to platform ${platformOf(run)} (parallelism 8)…\n`);
    const lines = [...stderr.matchAll(/^ {2}\[(\d+)\/15\] (\d+)% \| \d+\.\d changes\/s \| ETA (\S+)$/gm)];
    expect(lines.map((l) => Number(l[1]))).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(lines.at(-1)!.slice(2)).toEqual(['100', '0s']);
  }, 300_000);

  it('draws a bar with done/total, the rate and the ETA on a terminal', async () => {
    // GIVEN two tenants to create, keyform on a pseudo-terminal
    const { run, config, env } = twoTenants();
    // WHEN applied
    const tty = onTerminal(['apply', '--config', config, '--auto-approve'], env);
    const code = await tty.exited;
    // THEN the last drawing of the bar shows all 15 done, the rate and ETA 0s, then the report
    expect(code, tty.screen()).toBe(0);
    expect(tty.screen()).toMatch(new RegExp(`${platformOf(run)} \\[=+\\] 15/15 100% \\| \\d+\\.\\d changes/s \\| ETA 0s \\| 0 failed, 0 skipped`));
    expect(tty.screen()).not.toMatch(/^ {2}\[\d+\/15\]/m);
    expect(tty.screen()).toContain('Apply complete! 15 done, 0 failed, 0 skipped.');
  }, 300_000);
});
