import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const KEYFORM = resolve('engine/cli/keyform.mjs');

/** A `keyform meter collect` process and its stderr lines so far. */
export interface CollectorProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

/**
 * Starts `keyform meter collect ARGS` in `cwd` with clouds.yaml `cloudsYaml`; every stderr
 * line is kept in `lines` and passed to `onLine`.
 */
export function startCollector(cwd: string, cloudsYaml: string, args: readonly string[], onLine: (line: string) => void = () => undefined): CollectorProcess {
  const child = spawn(process.execPath, [KEYFORM, 'meter', 'collect', ...args], { cwd, env: { ...process.env, OS_CLIENT_CONFIG_FILE: cloudsYaml }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  child.stderr!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
    parts.forEach(onLine);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, lines, exited };
}

/** The index of the first line at or after `after` matching `re`; fails when the process ends first or after 2 minutes. */
export async function waitForLine(c: CollectorProcess, re: RegExp, after: number): Promise<number> {
  for (let i = 0; i < 2400; i++) {
    const at = c.lines.findIndex((l, idx) => idx >= after && re.test(l));
    if (at >= 0) return at;
    if (c.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${re} (exit code ${c.child.exitCode}) in:\n${c.lines.slice(-20).join('\n')}`);
}
