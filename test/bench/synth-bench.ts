/**
 * Config benchmark: load + synth of 1,000 and 10,000 tenants from YAML and from HCL (and
 * JSON), time and peak memory, beside `JSON.parse` of the same data as the floor: no loader
 * can be faster than reading the data once. Each case runs in its own process so that its
 * peak RSS is its own; the baseline row is that process doing nothing but loading keyform.
 *
 * Shape: 10 projects per workspace, one tenant each (half on a landing zone with quota
 * overrides), 2 bound users per project, tags on workspaces and tenants, one platform with
 * a domain per workspace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const SIZES = [1_000, 10_000] as const;
const CASES = ['baseline', 'json-parse', 'json', 'yaml', 'hcl'] as const;
type Case = (typeof CASES)[number];

interface Measure {
  readonly ms: number;
  /** User + system CPU time: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly resources: number;
}

/** The config document (canonical YAML/JSON shape) for `n` tenants. */
export function benchDocument(n: number): Record<string, unknown> {
  const workspace: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const ws = `ws${Math.floor(i / 10)}`;
    const entry = (workspace[ws] ??= { name: `Workspace ${ws}`, tags: { cost_center: `cc-${i % 97}` }, project: {} }) as { project: Record<string, unknown> };
    const tenant = i % 2 === 0 ? { landing_zone: 'standard', quota: { 'compute.cores': 8 + (i % 32) }, tags: { tier: 'gold' } } : { tags: { tier: 'silver' } };
    entry.project[`p${i % 10}`] = {
      tenant: { 'os-prod': tenant },
      user: { [`u${i}@bench.example`]: { roles: ['admin'] }, [`v${i % 50}@bench.example`]: { roles: ['user', 'reader'] } },
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

/** Runs one case in this process and returns its measure. */
async function runCase(which: Case, file: string): Promise<Measure> {
  const { synthConfig } = await import('../../constructs/index.ts');
  const start = performance.now();
  const cpu = process.cpuUsage();
  let resources = 0;
  if (which === 'json-parse') JSON.parse(readFileSync(file, 'utf8'));
  else if (which !== 'baseline') {
    const r = await synthConfig(file);
    if (r.isErr()) throw new Error(`${file}: ${r.error.problems[0]?.message}`);
    resources = r.value.output.platforms.reduce((s, p) => s + p.resources.length, 0);
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, resources };
}

/** Writes the inputs, runs every case in a child process, and prints a table. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-synth-bench-'));
  print('config load + synth: time and peak RSS per case (each in its own process)');
  print('| tenants | case | wall (ms) | CPU (ms) | peak RSS (MB) | resources | × JSON.parse (CPU) |');
  print('|---:|---|---:|---:|---:|---:|---:|');
  try {
    runSizes(dir, print);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runSizes(dir: string, print: (line: string) => void): void {
  const self = fileURLToPath(import.meta.url);
  const runner = resolve(self, '../../../engine/cli/run-ts.mjs');
  for (const n of SIZES) {
    const doc = benchDocument(n);
    const files: Record<Case, string> = { baseline: '', 'json-parse': join(dir, `t${n}.json`), json: join(dir, `t${n}.json`), yaml: join(dir, `t${n}.yaml`), hcl: join(dir, `t${n}.hcl`) };
    writeFileSync(files.json, JSON.stringify(doc));
    writeFileSync(files.yaml, stringify(doc));
    writeFileSync(files.hcl, benchHcl(doc));
    let floor = 0;
    for (const which of CASES) {
      const child = spawnSync(process.execPath, [runner, self, '--case', which, files[which]], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) throw new Error(`${which} ${n}: ${child.stderr}`);
      const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measure;
      if (which === 'json-parse') floor = m.cpuMs;
      const ratio = which === 'baseline' || which === 'json-parse' ? '' : `${(m.cpuMs / floor).toFixed(0)}×`;
      print(`| ${n} | ${which} | ${m.ms.toFixed(0)} | ${m.cpuMs.toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${m.resources} | ${ratio} |`);
    }
  }
}

const entry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (entry && process.argv[2] === '--case') {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[3] as Case, process.argv[4] ?? ''))}\n`);
} else if (entry) await run();
