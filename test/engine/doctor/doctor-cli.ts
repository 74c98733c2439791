import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';

/** What one in-process `keyform` run printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One check of `keyform doctor --format json`. */
export interface JsonCheck {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly found: string;
  readonly fix: string;
}

/** Runs `keyform ARGS` in-process with only `env` as its environment (no OS_* of the caller). */
export async function runKeyform(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false, env, cwd });
  return { code, stdout, stderr };
}

/** A fresh folder holding `files` (name → text). */
export function folderWith(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-doctor-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
  return dir;
}

/** The checks of the one platform in a `--format json` report, by check id. */
export function checksOf(run: CliRun, platform: string): ReadonlyMap<string, JsonCheck> {
  const report = JSON.parse(run.stdout) as { platforms: { platform: string; checks: JsonCheck[] }[] };
  const p = report.platforms.find((x) => x.platform === platform);
  if (!p) throw new Error(`no platform ${platform} in the report: ${run.stdout.slice(0, 300)}`);
  return new Map(p.checks.map((c) => [c.check, c]));
}
