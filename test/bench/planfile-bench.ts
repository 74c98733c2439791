/**
 * Plan file benchmark: `keyform plan --out FILE` writing, and `keyform show FILE` /
 * `keyform apply FILE` reading, the plan of 10,000 and 100,000 tenants (the in-process states
 * of plan-bench, 1% drift), with wall and CPU time, peak RSS and the file's size. Each case is
 * its own process with Node's default heap, as the CLI runs:
 * - `encode`: builds the states, makes the plan and writes the file as `plan --out` does
 *   (chunks, atomically); its steps are timed apart from building the states;
 * - `decode`: reads and checks the file as `show` and `apply FILE` do (bytes parsed in pieces);
 * - `show-json`: reads it and renders Terraform's JSON plan in chunks, as `show -json` does;
 * - `one-string`: the encoding as it was before, one string for the whole file (`encodePlan`):
 *   above ~70,000 tenants V8 cannot make that string.
 * Goal (issue 18): the plan of 100,000 tenants round-trips (written, read back, shown as JSON).
 */
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPlanFile } from '../../engine/cli/read-plan-file.ts';
import { writeChunksAtomic } from '../../engine/util/write-file-atomic.ts';
import { encodePlan, jsonPlanChunks, planFileText, type Plan } from '../../plans/index.ts';
import { benchPlan, SIZES, syntheticStates } from './plan-bench.ts';

const CASES = ['one-string', 'encode', 'decode', 'show-json'] as const;
type Case = (typeof CASES)[number];

interface Measure {
  readonly steps: Readonly<Record<string, number>>;
  /** User + system CPU of the timed steps (not of building the states). */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly fileMb: number;
  readonly note: string;
}

const fileOf = (n: number): string => join(tmpdir(), `keyform-planfile-bench-${n}.kfplan`);

function planOf(n: number): Plan {
  const { desired, live } = syntheticStates(n);
  return benchPlan(desired, live);
}

async function timed<T>(steps: Record<string, number>, name: string, f: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await f();
  steps[name] = performance.now() - t0;
  return out;
}

/** Runs one case in this process. */
async function runCase(which: Case, n: number): Promise<Measure> {
  const steps: Record<string, number> = {};
  const file = fileOf(n);
  const plan = which === 'one-string' || which === 'encode' ? await timed(steps, 'states+plan', () => planOf(n)) : undefined;
  const cpu = process.cpuUsage();
  let note = '';
  if (which === 'one-string') {
    const text = await timed(steps, 'encodePlan', () => encodePlan(plan!));
    note = `${(text.length / 1e6).toFixed(0)} MB string`;
  } else if (which === 'encode') {
    rmSync(file, { force: true });
    const text = planFileText(plan!);
    const r = await timed(steps, 'write', () => writeChunksAtomic(file, text.body, { header: { length: text.headerLength, text: text.header } }));
    if (r.isErr()) throw new Error(r.error.message);
    note = `${plan!.platforms[0]!.changes.length} changes`;
  } else {
    const r = await timed(steps, 'read+check', () => readPlanFile(file, '/'));
    if (r.isErr()) throw new Error(`${r.error.kind}: ${r.error.message}`);
    note = `${r.value.platforms[0]!.changes.length} changes, ${r.value.platforms[0]!.prior.length} live objects`;
    if (which === 'show-json') {
      // To /dev/null through a file descriptor: the chunks are made and written, none kept.
      const fd = openSync('/dev/null', 'w');
      let bytes = 0;
      await timed(steps, 'json', () => {
        for (const chunk of jsonPlanChunks(r.value)) bytes += writeSync(fd, chunk);
      });
      closeSync(fd);
      note += `, JSON plan ${(bytes / 1e6).toFixed(0)} MB`;
    }
  }
  const used = process.cpuUsage(cpu);
  const fileMb = which === 'one-string' ? 0 : statSync(file).size / 1e6;
  return { steps, cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, fileMb, note };
}

const loadavgText = (): string => `load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`;

/** Runs every case in a child process and prints a table. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const runner = resolve(self, '../../../engine/cli/run-ts.mjs');
  print(`planfile: plan file written and read, JSON plan rendered, each case in its own process with Node's default heap (${loadavgText()})`);
  print('| tenants | case | steps (wall ms) | CPU (ms) | peak RSS (MiB) | file (MB) | notes |');
  print('|---:|---|---|---:|---:|---:|---|');
  const roundTrip = new Map<number, boolean>();
  for (const n of SIZES) {
    let ok = true;
    for (const which of CASES) {
      const child = spawnSync(process.execPath, [runner, self, '--case', which, String(n)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (child.status !== 0) {
        const error = child.stderr.split('\n').find((l) => /^\w*Error\b|Invalid string length|heap/.test(l)) ?? child.stderr.trim().split('\n').pop() ?? '';
        print(`| ${n} | ${which} | failed: ${error.slice(0, 120)} | | | | |`);
        if (which !== 'one-string') ok = false;
        continue;
      }
      const m = JSON.parse(child.stdout.trim().split('\n').pop()!) as Measure;
      const steps = Object.entries(m.steps).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
      print(`| ${n} | ${which} | ${steps} | ${m.cpuMs.toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${which === 'one-string' ? '' : m.fileMb.toFixed(0)} | ${m.note} |`);
    }
    roundTrip.set(n, ok);
    rmSync(fileOf(n), { force: true });
  }
  const top = SIZES[SIZES.length - 1]!;
  print(`goal: the plan of ${top.toLocaleString('en')} tenants round-trips (plan --out, show/apply FILE, show -json) in chunks: ${roundTrip.get(top) ? 'met' : 'NOT met'} (${loadavgText()})`);
}

const entry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (entry && process.argv[2] === '--case') {
  process.stdout.write(`${JSON.stringify(await runCase(process.argv[3] as Case, Number(process.argv[4])))}\n`);
} else if (entry) await run();
