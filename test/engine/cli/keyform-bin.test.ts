import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * engine/cli/keyform.mjs's choice between the build and the sources, in a stand-in checkout
 * whose "build" and "sources" each only say which they are. It sits under node_modules/.cache
 * so that tsx (which runs the sources) resolves from the real node_modules.
 */

mkdirSync(resolve('node_modules/.cache'), { recursive: true });
const checkout = mkdtempSync(join(resolve('node_modules/.cache'), 'keyform-bin-test-'));
const source = join(checkout, 'engine/cli/main.ts');
const bundle = join(checkout, 'dist/keyform.js');

mkdirSync(join(checkout, 'engine/cli'), { recursive: true });
mkdirSync(join(checkout, 'dist'));
writeFileSync(join(checkout, 'package.json'), '{ "type": "module" }\n');
copyFileSync('engine/cli/keyform.mjs', join(checkout, 'engine/cli/keyform.mjs'));
writeFileSync(source, "export async function main(argv: readonly string[]): Promise<number> {\n  process.stdout.write(`sources ${argv.join(' ')}\\n`);\n  return 0;\n}\nexport function installLastResort(): void {}\nexport function processIO(): object {\n  return {};\n}\n");

/** Writes the "build" of the sources, dated `at` (seconds since the epoch), with its list of inputs. */
function build(at: number): void {
  writeFileSync(bundle, "export async function main(argv) {\n  process.stdout.write(`built ${argv.join(' ')}\\n`);\n  return 3;\n}\nexport function installLastResort() {}\nexport function processIO() {\n  return {};\n}\n");
  writeFileSync(join(checkout, 'dist/keyform.inputs.json'), '["engine/cli/main.ts"]\n');
  utimesSync(bundle, at, at);
}

/** The bin, with KEYFORM_FROM_SOURCE as given (unset when undefined). */
function bin(fromSource?: string) {
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], ...(fromSource === undefined ? {} : { KEYFORM_FROM_SOURCE: fromSource }) };
  const r = spawnSync(process.execPath, [join(checkout, 'engine/cli/keyform.mjs'), 'plan', '-out=x'], { encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the keyform bin', { timeout: 60_000 }, () => {
  afterAll(() => rmSync(checkout, { recursive: true, force: true }));

  it('runs the build while no source it was built from is newer, with the arguments and exit code', () => {
    // GIVEN a build newer than its one source
    utimesSync(source, 1_000_000, 1_000_000);
    build(2_000_000);
    // WHEN the bin runs
    // THEN the build ran, got the arguments, and its exit code is the process's
    expect(bin()).toEqual({ code: 3, stdout: 'built plan -out=x\n', stderr: '' });
  });

  it('runs the sources, and says why, once a source is newer than the build', () => {
    // GIVEN a source changed after the build
    build(2_000_000);
    utimesSync(source, 3_000_000, 3_000_000);
    // WHEN the bin runs
    const r = bin();
    // THEN the sources ran, and stderr says the build is behind and how to update it
    expect(r.stdout).toBe('sources plan -out=x\n');
    expect(r.stderr).toContain('dist/keyform.js is older than the sources');
    expect(r.stderr).toContain('npm run build');
  });

  it('runs the sources when a source the build lists is gone', () => {
    // GIVEN a build that lists a source which no longer exists
    build(2_000_000);
    utimesSync(source, 1_000_000, 1_000_000);
    writeFileSync(join(checkout, 'dist/keyform.inputs.json'), '["engine/cli/main.ts", "engine/cli/removed.ts"]\n');
    // WHEN the bin runs
    // THEN the sources ran
    expect(bin().stdout).toBe('sources plan -out=x\n');
  });

  it('runs the sources, silently, with KEYFORM_FROM_SOURCE=1 even when the build is current', () => {
    // GIVEN a current build
    utimesSync(source, 1_000_000, 1_000_000);
    build(2_000_000);
    // WHEN the bin runs with KEYFORM_FROM_SOURCE=1
    // THEN the sources ran and nothing was said
    expect(bin('1')).toEqual({ code: 0, stdout: 'sources plan -out=x\n', stderr: '' });
  });

  it('runs the sources, silently, when there is no build', () => {
    // GIVEN no dist/keyform.js
    rmSync(bundle);
    // WHEN the bin runs
    // THEN the sources ran and nothing was said
    expect(bin()).toEqual({ code: 0, stdout: 'sources plan -out=x\n', stderr: '' });
  });
});
