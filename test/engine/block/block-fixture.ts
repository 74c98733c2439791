import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import { osc } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';

/** One `keyform block run`: its exit code, what it printed on stderr, and the folder it ran in. */
export interface BlockRun {
  readonly code: number;
  readonly stderr: string;
  readonly dir: string;
}

/**
 * Runs `keyform block run` in-process in a fresh folder holding `config` (as platform.hcl) and
 * `inputsText` (as inputs.json), keeping its status in status.json.
 */
export async function blockRun(config: string, inputsText: string, extra: readonly string[], cloudsYaml = testStack().cloudsYaml): Promise<BlockRun> {
  const dir = mkdtempSync(join(tmpdir(), 'kf-block-'));
  writeFileSync(join(dir, 'platform.hcl'), config);
  writeFileSync(join(dir, 'inputs.json'), inputsText);
  let stderr = '';
  const code = await main(['block', 'run', '--inputs', 'inputs.json', '--config', 'platform.hcl', '--status', 'status.json', ...extra], {
    stdout: () => undefined, stderr: (t) => void (stderr += t), isTTY: false, env: { OS_CLIENT_CONFIG_FILE: cloudsYaml }, cwd: dir,
  });
  return { code, stderr, dir };
}

/** A JSON file the run wrote. */
export const readJson = <T>(dir: string, file: string): T => JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;

export type Row = Record<string, unknown>;
/** `openstack ARGS -f json` for a listing. */
export const list = async (args: string[]): Promise<Row[]> => (await osc(args))._unsafeUnwrap() as Row[];
/** `openstack ARGS -f json` for one object. */
export const show = async (args: string[]): Promise<Row> => (await osc(args))._unsafeUnwrap() as Row;
