import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, expect } from 'vitest';
import { main } from '../../../engine/cli/main.ts';
import { fromTerraformFlags } from '../../../engine/cli/terraform-flags.ts';
import type { CliIO } from '../../../engine/cli/io.ts';
import { encodePlan } from '../../../plans/index.ts';
import { SAMPLE_PLANS } from '../../plans/render/sample-plans.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/hcl');

/** Runs the CLI in-process on a terminal (stdout and stderr both), capturing each stream. */
async function run(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: true, stdoutIsTTY: true, env, cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

function driftPlanFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kf-flags-')), 'plan.kfplan');
  writeFileSync(file, encodePlan(SAMPLE_PLANS.drift()));
  return file;
}

describe('Terraform\'s single-dash flags', () => {
  it.each([
    ['-out=F', ['plan', '-out=plan.kfplan'], ['plan', '--out=plan.kfplan']],
    ['-out F', ['plan', '-out', 'plan.kfplan'], ['plan', '--out', 'plan.kfplan']],
    ['-detailed-exitcode', ['plan', '-detailed-exitcode'], ['plan', '--detailed-exitcode']],
    ['-json', ['show', 'p.kfplan', '-json'], ['show', 'p.kfplan', '--format=json']],
    ['-target=A', ['plan', '-target=keyform_project.tenant["p/w/x"]'], ['plan', '--target=keyform_project.tenant["p/w/x"]']],
    ['-parallelism=N', ['apply', '-parallelism=4'], ['apply', '--parallelism=4']],
    ['-lock-timeout=D', ['apply', '-lock-timeout=90s'], ['apply', '--lock-timeout=90s']],
    ['-auto-approve', ['apply', '-auto-approve'], ['apply', '--auto-approve']],
    ['-no-color', ['plan', '-no-color'], ['plan', '--no-color']],
    ['-input=false', ['apply', '-input=false'], ['apply', '--input=false']],
    ['nothing after --', ['show', '--', '-json'], ['show', '--', '-json']],
    ['nothing Terraform lacks', ['plan', '-x', '-h'], ['plan', '-x', '-h']],
  ])('reads %s as keyform\'s own spelling', (_name, argv, expected) => {
    // GIVEN a Terraform habit WHEN normalized THEN it is keyform's option
    expect(fromTerraformFlags(argv)).toEqual(expected);
  });

  it('-json shows a saved plan as Terraform JSON on stdout, as --format json does', async () => {
    // GIVEN a saved plan WHEN shown with each spelling
    const file = driftPlanFile();
    const single = await run(['show', file, '-json']);
    const double = await run(['show', file, '--format', 'json']);
    // THEN both write the same one-line document to stdout and nothing to stderr
    expect(single).toEqual({ code: 0, stdout: double.stdout, stderr: '' });
    expect(JSON.parse(single.stdout)).toHaveProperty('terraform_version');
  });

  it('-no-color drops the colours a terminal would get, as --no-color does', async () => {
    // GIVEN a saved plan shown on a terminal
    const file = driftPlanFile();
    const coloured = await run(['show', file]);
    // WHEN shown with each spelling of no-color
    const single = await run(['show', file, '-no-color']);
    const double = await run(['show', file, '--no-color']);
    // THEN the text is the same, without ANSI escapes
    expect(coloured.stdout).toContain('\u001b[');
    expect(single.stdout).not.toContain('\u001b[');
    expect(single.stdout).toBe(double.stdout);
  });

  it.each([
    ['-parallelism=0', ['-parallelism=0'], /--parallelism takes a whole number/],
    ['-lock-timeout=soon', ['-lock-timeout=soon'], /--lock-timeout and --lock-ttl take durations/],
    ['-target=A with a plan file', ['plan.kfplan', '-target=os-prod/acme/webshop'], /--target goes with `keyform plan --target ADDR --out FILE`/],
    ['-target=malformed', ['-target=keyform_project.tenant[x]'], /neither an address/],
  ])('apply reads %s and refuses its value before reading anything', async (_name, args, message) => {
    // GIVEN apply with a bad value in Terraform's spelling WHEN run THEN the option is named, exit 1
    const r = await run(['apply', '--config', EXAMPLES, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it('plan reads -target=A and refuses a malformed address, naming the forms it takes', async () => {
    // GIVEN plan with a malformed target WHEN run THEN refused before any Keystone call
    const r = await run(['plan', '--config', EXAMPLES, '-target=keyform_project.tenant[x]']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--target "keyform_project\.tenant\[x\]" is neither an address .* Pass an address as the plan shows it/);
  });

  it('--help shows one spelling of each option', async () => {
    // GIVEN the help of plan and apply WHEN shown
    const plan = await run(['plan', '--help']);
    const apply = await run(['apply', '--help']);
    // THEN keyform's double-dash spelling only, with --target, --no-color and --only-additions
    const help = plan.stderr + apply.stderr;
    expect(help).toMatch(/--target <address>/);
    expect(help).toMatch(/--only-additions/);
    expect(help).toMatch(/--no-color/);
    expect(help).not.toMatch(/(^|\s)-(out|json|target|auto-approve|no-color|input)\b/m);
  });
});
