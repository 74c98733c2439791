import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * A small stand-in for a CI runner: it runs the shell commands of a GitHub Actions job or a
 * GitLab CI job, in order, in a folder standing for the checkout, the way the runner would
 * (one `bash -eo pipefail` per GitHub step, sharing $GITHUB_ENV; one shell for a GitLab
 * job's lines). Steps that talk to GitHub or GitLab themselves (install, comments, finding
 * the reviewed run) are skipped and listed; artifacts are copied by the same rules the
 * platforms apply. Everything keyform does runs for real, against the test's Keystone.
 */

const KEYFORM_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../engine/cli/keyform.mjs');

/** What one run of a job did. */
export interface JobRun {
  /** The executed commands' names (GitHub: step names; GitLab: first line), in order. */
  readonly ran: readonly string[];
  /** The skipped platform glue, in order. */
  readonly skipped: readonly string[];
  /** Exit code of the first failing command, or 0. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Artifacts of one pipeline run, by file name. */
export type Artifacts = Map<string, Buffer>;

/** A checkout: a fresh folder holding `files`, with keyform installed as `npm ci` would (node_modules/.bin). */
export function checkout(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-ci-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(KEYFORM_BIN, join(dir, 'node_modules/.bin/keyform'));
  return dir;
}

/** Whether a command is keyform's own work (run), or CI-platform glue (skipped). */
function isKeyformWork(script: string): boolean {
  return /npx --no keyform /.test(script) || /OS_CLIENT_CONFIG_FILE=/.test(script);
}

function sh(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * The environment every job starts from: the test's own PATH (node, bash), nothing of OS_*,
 * and the test's choice of running keyform from its sources (see vitest.config.ts).
 */
function baseEnv(dir: string): NodeJS.ProcessEnv {
  const fromSource = process.env['KEYFORM_FROM_SOURCE'];
  return {
    PATH: `${join(dir, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? dir,
    CI: 'true',
    ...(fromSource === undefined ? {} : { KEYFORM_FROM_SOURCE: fromSource }),
  };
}

type GithubStep = { name?: string; uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> };

/** Replaces `${{ expr }}` from `values`; an expression it does not know is a test bug when the text is used. */
function expand(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (whole, expr: string) => values[expr] ?? whole);
}

function expandAll(r: Record<string, string> | undefined, values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, expand(String(v), values)]));
}

function githubEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * Runs job `job` of the GitHub workflow `workflowFile` in `dir`. `values` gives the
 * `${{ }}` expressions (secrets, contexts); `artifacts` is where upload-artifact puts files
 * and download-artifact takes them from (the pull request's run, for the apply job).
 */
export async function runGithubJob(workflowFile: string, job: string, dir: string, values: Readonly<Record<string, string>>, artifacts: Artifacts): Promise<JobRun> {
  const doc = parse(readFileSync(workflowFile, 'utf8')) as { env?: Record<string, string>; jobs: Record<string, { env?: Record<string, string>; steps: GithubStep[] }> };
  const runner = mkdtempSync(join(tmpdir(), 'kf-runner-'));
  const files = { GITHUB_ENV: join(runner, 'env'), GITHUB_OUTPUT: join(runner, 'output') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = { ...expandAll(doc.env, values), ...expandAll(doc.jobs[job]!.env, values), ...files, RUNNER_TEMP: runner, GITHUB_WORKSPACE: dir };
  const ctx = { ...values, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [`env.${k}`, v])) };
  const out = { ran: [] as string[], skipped: [] as string[], code: 0, stdout: '', stderr: '' };
  for (const step of doc.jobs[job]!.steps) {
    const name = step.name ?? step.uses ?? '';
    if (step.uses !== undefined) {
      githubAction(step.uses, expandAll(step.with, ctx), dir, artifacts);
      continue;
    }
    if (!isKeyformWork(step.run ?? '')) {
      out.skipped.push(name);
      continue;
    }
    const script = expand(step.run!, ctx);
    const stepEnv = expandAll(step.env, ctx);
    for (const v of [script, ...Object.values(stepEnv)]) if (v.includes('${{')) throw new Error(`step ${name}: unknown expression in ${v}`);
    const r = await sh(script, dir, { ...baseEnv(dir), ...env, ...githubEnvFile(files.GITHUB_ENV), ...stepEnv });
    out.ran.push(name);
    out.stdout += r.stdout;
    out.stderr += r.stderr;
    if (r.code !== 0) return { ...out, code: r.code };
  }
  return out;
}

/** The actions the workflows use, as the runner would carry them out for the files in question. */
function githubAction(uses: string, inputs: Readonly<Record<string, string>>, dir: string, artifacts: Artifacts): void {
  const action = uses.split('@')[0];
  if (action === 'actions/upload-artifact') artifacts.set(inputs['path']!, readFileSync(join(dir, inputs['path']!)));
  else if (action === 'actions/download-artifact') {
    for (const [file, content] of artifacts) writeFileSync(join(dir, file), content);
  } else if (action !== 'actions/checkout' && action !== 'actions/setup-node') throw new Error(`the test runner does not know ${uses}`);
}

type GitlabJob = { script: (string | string[])[]; variables?: Record<string, string>; artifacts?: { paths?: string[] } };

/**
 * Runs job `job` of the GitLab CI file `ciFile` in `dir`: `default.before_script` and the
 * job's `script` in one shell, as the runner does. `variables` stands for the CI/CD and
 * predefined variables; the job's `artifacts.paths` are copied into `artifacts` on success,
 * and every artifact there is put into the folder first (the reviewed plan, for apply).
 */
export async function runGitlabJob(ciFile: string, job: string, dir: string, variables: Readonly<Record<string, string>>, artifacts: Artifacts): Promise<JobRun> {
  const doc = parse(readFileSync(ciFile, 'utf8')) as { variables?: Record<string, string>; default?: { before_script?: string[] } } & Record<string, GitlabJob>;
  const j = doc[job]!;
  for (const [file, content] of artifacts) writeFileSync(join(dir, file), content);
  const lines = [...(doc.default?.before_script ?? []), ...j.script.flat()];
  const ran = lines.filter(isKeyformWork);
  const skipped = lines.filter((l) => !isKeyformWork(l)).map((l) => l.split('\n')[0]!);
  const env = { ...baseEnv(dir), ...doc.variables, ...j.variables, ...variables, CI_PROJECT_DIR: dir };
  const r = await sh(ran.join('\n'), dir, env);
  if (r.code === 0) for (const p of j.artifacts?.paths ?? []) artifacts.set(p, readFileSync(join(dir, p)));
  return { ran: ran.map((l) => l.split('\n')[0]!), skipped, ...r };
}

/** Copies `file` (e.g. the test's clouds.yaml) to a fresh folder, as a File variable's content. */
export function fileVariable(file: string): string {
  const to = join(mkdtempSync(join(tmpdir(), 'kf-var-')), 'clouds.yaml');
  copyFileSync(file, to);
  return to;
}
