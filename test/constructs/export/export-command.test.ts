import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import type { CliIO } from '../../../engine/cli/io.ts';
import { synthConfig } from '../../../constructs/index.ts';
import { ADDRESSES_FILE, TERRAFORM_FILE } from '../../../constructs/export/index.ts';
import { correspondenceProblems, danglingReferences, providerDocProblems, type TerraformJson } from './terraform-json.ts';

/** Loading four configs (one a TypeScript program) and synthesizing takes seconds on a busy machine. */
const SLOW = 60_000;

// The command's own tests; they live beside the exporter's because this part of the work may only add files here.

async function run(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env: {}, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('keyform export terraform', () => {
  it('writes the examples as a configuration that conforms to the provider docs and matches their desired state', async () => {
    // GIVEN the HCL example and an empty folder
    const dir = await mkdtemp(join(tmpdir(), 'keyform-export-'));
    // WHEN the command runs
    const { code, out, err } = await run(['export', 'terraform', '--config', 'examples/hcl', '--out', dir]);
    // THEN it succeeds, says where it wrote, and the files check against the provider docs and the synthesized state
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toContain(join(dir, TERRAFORM_FILE));
    expect((await readdir(dir)).sort()).toEqual([ADDRESSES_FILE, TERRAFORM_FILE]);
    const json = JSON.parse(await readFile(join(dir, TERRAFORM_FILE), 'utf8')) as TerraformJson;
    const addresses = JSON.parse(await readFile(join(dir, ADDRESSES_FILE), 'utf8')) as Record<string, string>;
    const { output } = (await synthConfig('examples/hcl'))._unsafeUnwrap();
    expect(providerDocProblems(json)).toEqual([]);
    expect(danglingReferences(json)).toEqual([]);
    expect(correspondenceProblems(output.platforms, output.settings, json, addresses)).toEqual([]);
    expect(output.platforms.flatMap((p) => p.resources)).not.toHaveLength(0);
  }, SLOW);

  it('gives the same bytes for the example in each config format, and leaves other files in the folder alone', async () => {
    // GIVEN a folder that already holds a hand-written backend
    const dir = await mkdtemp(join(tmpdir(), 'keyform-export-'));
    await writeFile(join(dir, 'backend.tf'), 'terraform {\n  backend "local" {}\n}\n');
    const texts: string[] = [];
    // WHEN each format of the example is exported into it in turn
    for (const format of ['hcl', 'yaml', 'json', 'ts']) {
      expect((await run(['export', 'terraform', '--config', `examples/${format}`, '--out', dir])).code).toBe(0);
      texts.push(await readFile(join(dir, TERRAFORM_FILE), 'utf8'));
    }
    // THEN every export is the same, and the backend is still there
    expect(new Set(texts).size).toBe(1);
    expect(await readFile(join(dir, 'backend.tf'), 'utf8')).toContain('backend "local"');
  }, SLOW);

  it('fails without writing anything when the config has problems', async () => {
    // GIVEN a config with an unknown key
    const config = await mkdtemp(join(tmpdir(), 'keyform-bad-'));
    await writeFile(join(config, 'p.hcl'), 'platform "os-prod" {\n  cloud = "prod"\n  colour = "x"\n}\n');
    const dir = join(await mkdtemp(join(tmpdir(), 'keyform-export-')), 'out');
    // WHEN the command runs
    const { code, err } = await run(['export', 'terraform', '--config', config, '--out', dir]);
    // THEN it exits 1 with the problem located, and no folder was made
    expect(code).toBe(1);
    expect(err).toMatch(/p\.hcl:3:3: .*colour/);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('requires --out', async () => {
    // GIVEN no --out WHEN the command runs THEN commander refuses it
    const { code, err } = await run(['export', 'terraform', '--config', 'examples/hcl']);
    expect(code).toBe(1);
    expect(err).toMatch(/--out <dir>/);
  });
});
