import { describe, it, expect } from 'vitest';
import { mkdtemp, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthConfig, indentedCanonicalJson, loadConfig } from '../../../constructs/index.ts';

const synthJson = async (path: string) => indentedCanonicalJson((await synthConfig(path))._unsafeUnwrap().output);

// Generous timeouts: the first HCL file of a process compiles hcl2json's WebAssembly parser.
describe('loadConfig', { timeout: 60_000 }, () => {
  it('synthesizes the HCL, YAML, JSON and TypeScript examples to identical JSON', async () => {
    // GIVEN the same example config in four formats
    // WHEN each is loaded and synthesized
    const [hcl = '', yaml, json, ts] = await Promise.all(['hcl', 'yaml', 'json', 'ts'].map((f) => synthJson(`examples/${f}`)));
    // THEN the bytes are the same, and the example has what it promises
    expect(yaml).toBe(hcl);
    expect(json).toBe(hcl);
    expect(ts).toBe(hcl);
    const out = JSON.parse(hcl) as { platforms: { resources: { kind: string }[] }[] };
    const kinds = out.platforms[0]!.resources.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'domain')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'project')).toHaveLength(4);
  });

  it('merges HCL and YAML files of one folder into one tree', async () => {
    // GIVEN the platform in HCL and the workspaces in YAML
    const dir = await mkdtemp(join(tmpdir(), 'keyform-mixed-'));
    await copyFile('examples/hcl/platform.hcl', join(dir, 'platform.hcl'));
    await copyFile('examples/yaml/workspaces.yaml', join(dir, 'workspaces.yaml'));
    // WHEN the folder is synthesized
    // THEN it equals the single-format example
    expect(await synthJson(dir)).toBe(await synthJson('examples/hcl'));
  });

  it('runs a keyform.config.ts function on the tree built from the files beside it', async () => {
    // GIVEN a folder with the example's HCL and a program adding one more workspace
    const dir = await mkdtemp(join(tmpdir(), 'keyform-ts-'));
    await copyFile('examples/hcl/platform.hcl', join(dir, 'platform.hcl'));
    const constructs = join(process.cwd(), 'constructs/index.ts');
    await writeFile(
      join(dir, 'keyform.config.ts'),
      `import { Workspace, Project, Tenant, type KeyformApp } from ${JSON.stringify(constructs)};
export default (app: KeyformApp) => { new Tenant(new Project(new Workspace(app, 'initech'), 'tps'), 'os-prod', { landingZone: 'standard' }); };\n`,
    );
    // WHEN the folder is synthesized
    const out = (await synthConfig(dir))._unsafeUnwrap();
    // THEN the program's tenant uses the HCL platform and landing zone
    const project = out.output.platforms[0]!.resources.find((r) => r.kind === 'project');
    expect(project?.attrs).toMatchObject({ name: 'initech.tps', domain: 'kf-initech' });
    expect(out.files.map((f) => f.slice(dir.length + 1))).toEqual(['keyform.config.ts', 'platform.hcl']);
  });

  it('fails for a path that does not exist, naming it', async () => {
    // GIVEN no such folder
    // WHEN loaded
    const result = await loadConfig('no/such/keyform');
    // THEN the problem names the path and how to fix it
    expect(result._unsafeUnwrapErr().problems).toEqual([
      { file: 'no/such/keyform', path: '', message: 'no such file or folder', hint: 'pass --config PATH (a config file or folder), or create ./keyform' },
    ]);
  });

  it('gives the same bytes whatever order the blocks are declared in', async () => {
    // GIVEN the example's YAML with its two files in one, workspaces first
    const dir = await mkdtemp(join(tmpdir(), 'keyform-order-'));
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile('examples/yaml/workspaces.yaml', 'utf8')) + (await readFile('examples/yaml/platform.yaml', 'utf8'));
    await writeFile(join(dir, 'all.yaml'), text);
    // WHEN synthesized
    // THEN the output equals the example's
    expect(await synthJson(dir)).toBe(await synthJson('examples/yaml'));
  });
});
