import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../engine/cli/main.ts';

/**
 * The CLI as `npm ci` builds it (engine/cli/build.mjs, one bundle) against the sources the
 * other tests run: the same output for every config format, and what the bundle loads only
 * at run time (hcl2json's WebAssembly, tsx for keyform.config.ts, cdktf, better-sqlite3,
 * yaml for clouds.yaml) still found from the bundle's own location.
 */

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// The bundle resolves its packages from node_modules, so it is written inside the checkout.
mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const buildDir = mkdtempSync(join(resolve('node_modules/.cache'), 'keyform-build-test-'));
const bundle = join(buildDir, 'keyform.js');

/** The built CLI, run the way engine/cli/keyform.mjs runs dist/keyform.js. */
function built(args: readonly string[], env: NodeJS.ProcessEnv = {}): Ran {
  const runner = 'const { main } = await import(process.argv[1]); process.exitCode = await main(process.argv.slice(2));';
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', runner, bundle, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The sources' CLI, in this process. */
async function sources(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env, cwd: process.cwd() });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const scratch = () => mkdtempSync(join(tmpdir(), 'keyform-build-'));

/** Every file under `dir`, by relative path. */
const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

// Generous timeouts: the build, then the first HCL file of each process compiles hcl2json's WebAssembly parser.
describe('the built CLI', { timeout: 120_000 }, () => {
  beforeAll(() => {
    const r = spawnSync(process.execPath, ['engine/cli/build.mjs', bundle], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

  it.each([['hcl'], ['yaml'], ['json'], ['ts']])('synthesizes examples/%s exactly as the sources do', async (format) => {
    // GIVEN one of the example configs (ts: a keyform.config.ts program, run through tsx)
    const args = ['synth', '--config', `examples/${format}`, '--format', 'json'];
    // WHEN the built CLI and the sources synthesize it
    const [b, s] = [built(args), await sources(args)];
    // THEN both succeed with the same desired state
    expect(b).toEqual(s);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.stdout)).toHaveProperty('platforms');
  });

  it('exports the same Terraform files as the sources (cdktf, loaded on first use)', async () => {
    // GIVEN two output folders
    const [b, s] = [scratch(), scratch()];
    // WHEN each CLI exports examples/hcl
    const ranBuilt = built(['export', 'terraform', '--config', 'examples/hcl', '--out', b]);
    const ranSources = await sources(['export', 'terraform', '--config', 'examples/hcl', '--out', s]);
    // THEN both succeed and write the same files
    expect([ranBuilt.code, ranSources.code]).toEqual([0, 0]);
    expect(filesOf(b)).toEqual(filesOf(s));
    expect(Object.keys(filesOf(b))).toContain('main.tf.json');
  });

  it('opens a SQLite metering store (better-sqlite3, loaded on first use)', () => {
    // GIVEN a store that does not exist yet
    const db = join(scratch(), 'metering.db');
    // WHEN the built CLI reports from it
    const r = built(['meter', 'report', '--config', 'examples/hcl', '--from', '2026-01-01', '--to', '2026-01-02', '--store', `sqlite://${db}`]);
    // THEN the store is created and the (empty) statement has its CSV header
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^record,currency,group,platform,region,workspace,tenant,/);
    expect(readdirSync(join(db, '..'))).toContain('metering.db');
  });

  it('reads clouds.yaml (yaml, loaded on first use) and reports a broken one as the sources do', async () => {
    // GIVEN a clouds.yaml that is not YAML
    const clouds = join(scratch(), 'clouds.yaml');
    writeFileSync(clouds, 'clouds: [\n');
    const env = { OS_CLIENT_CONFIG_FILE: clouds };
    // WHEN both CLIs take a snapshot through it
    const args = ['snapshot', '--config', 'examples/hcl'];
    const [b, s] = [built(args, env), await sources(args, env)];
    // THEN both fail the same way, naming the file
    expect(b).toEqual(s);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(`${clouds} cannot be read: line`);
  });

  it.each([
    ['a KeyformApp', (c: string) => `import { KeyformApp, Workspace } from ${c};\nconst app = new KeyformApp();\nnew Workspace(app, 'Bad_Id');\nexport default app;\n`, '3:1'],
    ['a function of the app', (c: string) => `import { Workspace, type KeyformApp } from ${c};\nexport default (app: KeyformApp) => {\n  new Workspace(app, 'Bad_Id');\n};\n`, '3:3'],
  ])("names a keyform.config.ts line for a bad construct when the program exports %s", (_name, program, at) => {
    // GIVEN a program (in an ESM package) that declares a workspace with a bad identifier on line 3
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'keyform.config.ts'), program(JSON.stringify(resolve('constructs/index.ts'))));
    // WHEN the built CLI validates it
    const r = built(['validate', '--config', dir]);
    // THEN it fails at the program's line and column
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(dir, 'keyform.config.ts')}:${at}: workspace "Bad_Id": identifier must be a lower-case DNS label`);
  });

  it('lists the sources it was built from, for the bin to tell a build older than them', () => {
    // WHEN the list beside the bundle is read
    const inputs = JSON.parse(readFileSync(join(buildDir, 'keyform.inputs.json'), 'utf8')) as string[];
    // THEN it names the CLI's sources in all three folders, relative to the checkout, and no package
    expect(inputs).toContain('engine/cli/main.ts');
    expect(inputs).toContain('plans/index.ts');
    expect(inputs).toContain('constructs/index.ts');
    expect(inputs.filter((f) => f.includes('node_modules') || f.startsWith('/'))).toEqual([]);
  });

  it('prints the same help as the sources', async () => {
    // WHEN both CLIs are asked for help
    const [b, s] = [built(['--help']), await sources(['--help'])];
    // THEN the text is the same and lists the commands
    expect(b).toEqual(s);
    expect(b.stderr).toContain('export');
  });
});
