/**
 * Config benchmark: `keyform synth` of 1,000 and 10,000 tenants from JSON, YAML and HCL,
 * run as a user runs it (the build, dist/keyform.js, remade here first; output to
 * /dev/null), each run a whole process whose CPU time and peak RSS are its own (getrusage,
 * via rusage-at-exit.mjs). Beside them the floors: a bare `node` process that only
 * JSON.parses the same JSON file (no loader can do less than read the data once), one that
 * only parses the HCL file with hcl2json (the parser keyform falls back to), and one that only
 * reads it with keyform's literal reader (what reads HCL files written with literals only).
 *
 * Shape (issue 18): 100 projects per workspace, one tenant each (half on a landing zone with
 * a quota override), 3 bound users per project, tags on workspaces and tenants, one platform
 * with a domain per workspace. Each case runs RUNS times; the run of median CPU is shown.
 * The goals are printed beside their floors, from this one run, with the load average (the
 * machine is shared: CPU time is steadier than wall time, but not immune).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { stringify } from 'yaml';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const PROJECTS_PER_WORKSPACE = 100;
export const SIZES = [1_000, 10_000] as const;
const RUNS = 3;
/** The goals of issue 18, at 10,000 tenants. */
const GOAL = { timesJsonParse: 10, peakRssMb: 300, hclOverJson: 2 } as const;

const CASES = ['json-parse', 'hcl-parse', 'hcl-read', 'json', 'yaml', 'hcl'] as const;
type Case = (typeof CASES)[number];

interface Measure {
  readonly wallMs: number;
  /** User + system CPU of the whole process. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  /** Resources synthesized; 0 for the floors. */
  readonly resources: number;
}

/** The config document (canonical YAML/JSON shape) for `n` tenants, 100 per workspace. */
export function benchDocument(n: number): Record<string, unknown> {
  const workspace: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const ws = `ws${Math.floor(i / PROJECTS_PER_WORKSPACE)}`;
    const entry = (workspace[ws] ??= { name: `Workspace ${ws}`, tags: { cost_center: `cc-${i % 97}` }, project: {} }) as { project: Record<string, unknown> };
    const tenant = i % 2 === 0 ? { landing_zone: 'standard', quota: { 'compute.cores': 8 + (i % 32) }, tags: { tier: 'gold' } } : { tags: { tier: 'silver' } };
    entry.project[`p${i % PROJECTS_PER_WORKSPACE}`] = {
      tenant: { 'os-prod': tenant },
      user: {
        [`u${i}@bench.example`]: { roles: ['admin'] },
        [`v${i % 50}@bench.example`]: { roles: ['user', 'reader'] },
        [`w${i % 7}@bench.example`]: { roles: ['reader'] },
      },
    };
  }
  return {
    platform: { 'os-prod': { cloud: 'prod', region: 'RegionOne', domain_per_workspace: true, tag_prefix: 'kf_' } },
    landing_zone: { standard: { platform: 'os-prod', quota: { 'compute.cores': 20, 'compute.ram': 51200, 'volume.gigabytes': 500 }, tags: { environment: 'dev' } } },
    workspace,
  };
}

/** The same document as HCL. */
export function benchHcl(doc: Record<string, unknown>): string {
  const lit = (v: unknown): string =>
    Array.isArray(v) ? `[${v.map(lit).join(', ')}]` : typeof v === 'object' && v !== null ? `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)} = ${lit(x)}`).join(', ')} }` : JSON.stringify(v);
  const NESTED: Record<string, readonly string[]> = { '': ['platform', 'landing_zone', 'workspace'], workspace: ['project'], project: ['tenant', 'user'] };
  const body = (o: Record<string, unknown>, type: string, indent: string): string =>
    Object.entries(o)
      .map(([k, v]) =>
        NESTED[type]?.includes(k)
          ? Object.entries(v as Record<string, Record<string, unknown>>).map(([label, b]) => `${indent}${k} ${JSON.stringify(label)} {\n${body(b, k, `${indent}  `)}${indent}}\n`).join('')
          : `${indent}${k} = ${lit(v)}\n`,
      )
      .join('');
  return body(doc, '', '');
}

/** The command line of a case (after `node --import rusage-at-exit.mjs`). */
function commandOf(which: Case, file: string): string[] {
  switch (which) {
    case 'json-parse':
      return ['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];
    case 'hcl-parse':
      return ['--input-type=module', '-e', `import { parse } from '@cdktf/hcl2json'; import { readFileSync } from 'node:fs'; await parse('bench.hcl', readFileSync(${JSON.stringify(file)}, 'utf8'));`];
    case 'hcl-read':
      // The reader bundled on its own (see bundleReader); exit 1 if it declined the file.
      return ['--input-type=module', '-e', `import { readHclLiterals } from ${JSON.stringify(pathToFileURL(join(dirname(file), 'hcl-reader.mjs')).href)}; import { readFileSync } from 'node:fs'; if (readHclLiterals(readFileSync(${JSON.stringify(file)}, 'utf8')).isErr()) process.exit(1);`];
    default:
      return [join(ROOT, 'engine/cli/keyform.mjs'), 'synth', '--config', file, '--format', 'json'];
  }
}

/** Runs one case once, as a whole process, and reads back its rusage. */
function runOnce(which: Case, file: string, dir: string): Measure {
  const report = join(dir, 'rusage.json');
  rmSync(report, { force: true });
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--import', join(ROOT, 'test/bench/rusage-at-exit.mjs'), ...commandOf(which, file)], {
    cwd: ROOT,
    env: { ...process.env, KEYFORM_BENCH_RUSAGE: report, KEYFORM_FROM_SOURCE: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const wallMs = performance.now() - t0;
  if (child.status !== 0) throw new Error(`${which} ${file}: exit ${child.status}: ${child.stderr}`);
  const usage = JSON.parse(readFileSync(report, 'utf8')) as { cpuMs: number; peakRssMb: number };
  const resources = Number(/Synthesized (\d+) resources/.exec(child.stderr)?.[1] ?? 0);
  return { wallMs, ...usage, resources };
}

function median(which: Case, file: string, dir: string): Measure {
  const runs = Array.from({ length: RUNS }, () => runOnce(which, file, dir)).sort((a, b) => a.cpuMs - b.cpuMs);
  return runs[Math.floor(RUNS / 2)]!;
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

/** Writes the inputs, builds the CLI, runs every case, prints a table and the goals beside their floors. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'engine/cli/build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'keyform-synth-bench-'));
  try {
    await bundleReader(dir);
    print(`keyform synth (the build) per case, each a whole process, median of ${RUNS} by CPU; load average (1/5/15 min) at start: ${load()}`);
    print('| tenants | case | wall (ms) | CPU (ms) | peak RSS (MB) | resources | CPU × JSON.parse |');
    print('|---:|---|---:|---:|---:|---:|---:|');
    let last: Record<Case, Measure> | undefined;
    for (const n of SIZES) last = runSize(n, dir, print);
    printGoals(last!, print);
    print(`load average at end: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bundles the HCL literal reader alone into `dir`/hcl-reader.mjs, as the CLI's build would carry it. */
async function bundleReader(dir: string): Promise<void> {
  await build({ entryPoints: [join(ROOT, 'constructs/loaders/hcl-literal-reader.ts')], outfile: join(dir, 'hcl-reader.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
}

function runSize(n: number, dir: string, print: (line: string) => void): Record<Case, Measure> {
  const doc = benchDocument(n);
  const json = join(dir, `t${n}.json`);
  const yaml = join(dir, `t${n}.yaml`);
  const hcl = join(dir, `t${n}.hcl`);
  writeFileSync(json, JSON.stringify(doc));
  writeFileSync(yaml, stringify(doc));
  writeFileSync(hcl, benchHcl(doc));
  const files: Record<Case, string> = { 'json-parse': json, 'hcl-parse': hcl, 'hcl-read': hcl, json, yaml, hcl };
  const out = {} as Record<Case, Measure>;
  for (const which of CASES) {
    const m = (out[which] = median(which, files[which], dir));
    const ratio = which === 'json-parse' ? '1×' : `${(m.cpuMs / out['json-parse'].cpuMs).toFixed(1)}×`;
    print(`| ${n} | ${which} | ${m.wallMs.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${m.resources || ''} | ${ratio} |`);
  }
  return out;
}

function printGoals(m: Record<Case, Measure>, print: (line: string) => void): void {
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met');
  print(`goals at ${SIZES[SIZES.length - 1]} tenants (issue 18), from the runs above:`);
  print('| goal | measured | floor | target | |');
  print('|---|---:|---:|---:|---|');
  const times = m.json.cpuMs / m['json-parse'].cpuMs;
  print(`| JSON synth CPU ÷ bare JSON.parse process | ${x(m.json.cpuMs, m['json-parse'].cpuMs)} (${m.json.cpuMs.toFixed(0)} / ${m['json-parse'].cpuMs.toFixed(0)} ms) | 1× | ≤ ${GOAL.timesJsonParse}× | ${mark(times <= GOAL.timesJsonParse)} |`);
  print(`| peak RSS of JSON synth | ${m.json.peakRssMb.toFixed(0)} MB | ${m['json-parse'].peakRssMb.toFixed(0)} MB (JSON.parse process) | ≤ ${GOAL.peakRssMb} MB | ${mark(m.json.peakRssMb <= GOAL.peakRssMb)} |`);
  const hcl = m.hcl.cpuMs / m.json.cpuMs;
  const floors = `${x(m['hcl-read'].cpuMs, m.json.cpuMs)} (keyform's reader alone ÷ JSON synth; hcl2json's parse alone, used when the reader declines: ${x(m['hcl-parse'].cpuMs, m.json.cpuMs)})`;
  print(`| HCL synth CPU ÷ JSON synth CPU | ${x(m.hcl.cpuMs, m.json.cpuMs)} | ${floors} | ≤ ${GOAL.hclOverJson}× | ${mark(hcl <= GOAL.hclOverJson)} |`);
}

const entry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (entry) await run();
