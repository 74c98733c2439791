import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import { errorDocument, renderErrorText } from '../../../engine/cli/render-error.ts';
import { configError, unknownPlatform } from '../../../constructs/index.ts';

/**
 * One error renderer for every command: a failure is `keyform COMMAND: message` on stderr, or,
 * with `--format json`, one JSON document on stdout (`{ error: { kind, message, … } }`, plus
 * `problems` for a configuration's problems), exit 1 either way. Rows run the real CLI
 * in-process on files of their own.
 */
const CONFIG = {
  'keyform/a.hcl': 'platform "os-prod" {\n  cloud  = "prod"\n  region = "RegionOne"\n}\nworkspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n  }\n}\n',
};
const BROKEN = { 'keyform/a.hcl': 'platform "os-prod" {\n  cloud  = "prod"\n  region = "RegionOne"\n  colour = "blue"\n}\n' };

async function run(argv: readonly string[], files: Readonly<Record<string, string>>, dir = mkdtempSync(join(tmpdir(), 'keyform-render-error-'))): Promise<{ code: number; stdout: string; stderr: string }> {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env: {}, cwd: dir });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const UNKNOWN = { kind: 'unknown-platform', platform: 'nope', known: ['os-prod'] };

describe('the JSON error document of every command with --format json', () => {
  it.each([
    ['plan', ['plan', '--config', 'keyform', '--platform', 'nope', '--format', 'json'], CONFIG, { error: { ...UNKNOWN, message: 'There is no platform "nope". Pass --platform with one of: os-prod.' } }],
    ['doctor', ['doctor', '--config', 'keyform', '--platform', 'nope', '--format', 'json'], CONFIG, { error: { ...UNKNOWN, message: 'The config has no platform "nope" (it has os-prod). Pass one of them to --platform.' } }],
    ['show', ['show', 'plan.kfplan', '--format', 'json'], { 'plan.kfplan': '{ not json' }, { error: { kind: 'plan-file-not-json' } }],
    ['apply', ['apply', 'missing.kfplan', '--config', 'keyform', '--format', 'json'], CONFIG, { error: { kind: 'plan-file-unreadable', file: 'missing.kfplan' } }],
    ['meter report', ['meter', 'report', '--config', 'keyform', '--from', '2026-02-01', '--to', '2026-01-01', '--format', 'json'], CONFIG, { error: { kind: 'metering-settings' } }],
  ] as const)('%s writes the error as one JSON document on stdout and nothing on stderr', async (_name, argv, files, expected) => {
    // GIVEN a command that fails WHEN it runs with --format json
    const r = await run(argv, files);
    // THEN it exits 1 with exactly one JSON document on stdout, holding the error's kind and data
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { error: { kind: string; message: string } };
    expect(doc).toMatchObject(expected);
    expect(Object.keys(doc)).toEqual(['error']);
    expect(doc.error.message.length).toBeGreaterThan(20);
  });

  it('validate keeps `valid` and `problems` and adds the same `error`', async () => {
    // GIVEN a config with an unknown key WHEN validate runs with --format json
    const r = await run(['validate', '--config', 'keyform', '--format', 'json'], BROKEN);
    // THEN stdout is validate's document: valid false, the problem with its line, and the error's kind
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { valid: boolean; error: unknown; problems: { file: string; line: number; message: string }[] };
    expect(Object.keys(doc).sort()).toEqual(['error', 'problems', 'valid']);
    expect(doc.valid).toBe(false);
    expect(doc.error).toEqual({ kind: 'config-error', message: 'the configuration has 1 problem' });
    expect(doc.problems).toMatchObject([{ line: 4, message: 'unknown key "colour" in platform "os-prod"' }]);
    expect(doc.problems[0]!.file.endsWith(join('keyform', 'a.hcl'))).toBe(true);
  });

  it('a config error in plan --format json is the same document as validate gives, without `valid`', async () => {
    // GIVEN the same broken config WHEN plan runs with --format json
    const dir = mkdtempSync(join(tmpdir(), 'keyform-render-error-'));
    const plan = await run(['plan', '--config', 'keyform', '--format', 'json'], BROKEN, dir);
    const validate = await run(['validate', '--config', 'keyform', '--format', 'json'], BROKEN, dir);
    // THEN both carry the same error and problems
    const { valid: _valid, ...rest } = JSON.parse(validate.stdout) as Record<string, unknown>;
    expect(plan.code).toBe(1);
    expect(JSON.parse(plan.stdout)).toEqual(rest);
  });
});

describe('the text rendering of a failure', () => {
  it.each([
    ['plan', ['plan', '--config', 'keyform', '--platform', 'nope'], CONFIG, 'keyform plan: There is no platform "nope". Pass --platform with one of: os-prod.\n'],
    ['snapshot', ['snapshot', '--config', 'keyform', '--platform', 'nope'], CONFIG, 'keyform snapshot: There is no platform "nope". Pass --platform with one of: os-prod.\n'],
    ['doctor', ['doctor', '--config', 'keyform', '--platform', 'nope'], CONFIG, 'keyform doctor: The config has no platform "nope" (it has os-prod). Pass one of them to --platform.\n'],
    ['force-unlock', ['force-unlock', 'nope', '--config', 'keyform'], CONFIG, 'keyform force-unlock: the configuration declares no platform "nope"; it declares: os-prod.\n'],
    ['export terraform into a path under a file', ['export', 'terraform', '--config', 'keyform', '--out', 'taken/tf'], { ...CONFIG, taken: 'a file' }, 'keyform export terraform: Cannot write '],
    ['synth --format json (its only format)', ['synth', '--config', 'keyform', '--format', 'json'], BROKEN, `${join('keyform', 'a.hcl')}:4:3: unknown key "colour"`],
  ] as const)('%s says what is wrong on stderr and writes nothing on stdout', async (_name, argv, files, says) => {
    // GIVEN a command that fails WHEN it runs without --format json
    const r = await run(argv, files);
    // THEN stderr has the rendering (a config's problems start with their file), stdout is empty, exit 1
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(says.startsWith('keyform ') ? r.stderr.startsWith(says) : r.stderr.includes(says), r.stderr).toBe(true);
  });

  it('escapes terminal controls in a message and keeps its line breaks', () => {
    // GIVEN an error whose message quotes a hostile name over two lines
    const e = unknownPlatform('x\u001b[2Jy', [], 'no platform "x\u001b[2Jy".\nDeclare one.');
    // THEN the text has the escape written out and the line break kept
    expect(renderErrorText('plan', e)).toBe('keyform plan: no platform "x\\x1b[2Jy".\nDeclare one.\n');
  });

  it('renders a config error as its problems, one line each, and as JSON with the problems beside the error', () => {
    // GIVEN a config error with one problem
    const e = configError([{ file: 'a.hcl', line: 2, column: 3, path: 'platform.p', message: 'bad thing', hint: 'fix it' }]);
    // THEN the text is the problem's line and the document holds it under `problems`
    expect(renderErrorText('validate', e)).toContain('a.hcl:2:3: bad thing');
    expect(errorDocument(e)).toEqual({ error: { kind: 'config-error', message: 'the configuration has 1 problem' }, problems: e.problems });
  });
});
