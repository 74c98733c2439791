/**
 * Startup benchmark: wall time of `keyform --help` run as a user runs it (`node
 * engine/cli/keyform.mjs`), from the build `npm ci` makes (dist/keyform.js, rebuilt here
 * from the current sources first) and from the sources through tsx (KEYFORM_FROM_SOURCE=1),
 * beside `node -e 0`, the floor no Node.js CLI starts under. The target is under 0.3 s
 * for the build (issue 17); Terraform starts in tens of milliseconds.
 *
 * With hyperfine on PATH (Debian: `apt-get install hyperfine`) it does the timing (3 warm-up
 * runs, then 20); otherwise a loop of spawns, timed here. CPU (user + system) is printed
 * too: on a busy machine it is steadier than wall time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './bench-kit.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const RUNS = 20;
const WARMUP = 3;
const TARGET_MS = 300;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

interface Figures {
  readonly meanMs: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** Mean user + system CPU per run. */
  readonly cpuMs: number;
}

const BIN = join(ROOT, 'engine/cli/keyform.mjs');
const CASES: readonly Case[] = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'], env: {} },
  { name: 'keyform --help (build)', args: [BIN, '--help'], env: {} },
  { name: 'keyform --help (sources, tsx)', args: [BIN, '--help'], env: { KEYFORM_FROM_SOURCE: '1' } },
];

export async function run(print: (line: string) => void = console.log): Promise<void> {
  const built = spawnSync(process.execPath, [join(ROOT, 'engine/cli/build.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed: ${built.stderr}`);
  const hyperfine = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).status === 0;
  print(`keyform --help, ${RUNS} runs after ${WARMUP} warm-up, timed by ${hyperfine ? 'hyperfine' : 'a loop of spawns'}; target: build under ${TARGET_MS} ms wall`);
  print('| case | mean ms | median ms | min ms | CPU ms |');
  print('|---|---|---|---|---|');
  for (const c of CASES) {
    const f = hyperfine ? byHyperfine(c) : byLoop(c);
    print(`| ${c.name} | ${f.meanMs.toFixed(0)} | ${f.medianMs.toFixed(0)} | ${f.minMs.toFixed(0)} | ${f.cpuMs.toFixed(0)} |`);
  }
}

/** hyperfine without a shell (`-N`), so its figures are the process alone. */
function byHyperfine(c: Case): Figures {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-startup-'));
  try {
    const out = join(dir, 'result.json');
    const command = [process.execPath, ...c.args].map(shellWord).join(' ');
    const r = spawnSync('hyperfine', ['-N', '--warmup', String(WARMUP), '--runs', String(RUNS), '--style', 'none', '--export-json', out, command], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...c.env },
    });
    if (r.status !== 0) throw new Error(`hyperfine failed on ${c.name}: ${r.stderr}`);
    const [result] = (JSON.parse(readFileSync(out, 'utf8')) as { results: { mean: number; median: number; min: number; user: number; system: number }[] }).results;
    return { meanMs: result!.mean * 1000, medianMs: result!.median * 1000, minMs: result!.min * 1000, cpuMs: (result!.user + result!.system) * 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** hyperfine's command is split on spaces with `-N`; none of these arguments has one. */
function shellWord(w: string): string {
  if (/\s/.test(w)) throw new Error(`cannot pass ${JSON.stringify(w)} to hyperfine -N`);
  return w;
}

function byLoop(c: Case): Figures {
  const spawnOnce = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, c.args, { cwd: ROOT, env: { ...process.env, ...c.env }, stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < WARMUP; i++) spawnOnce();
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim());
  const before = childrenCpuTicks();
  const wall = Array.from({ length: RUNS }, spawnOnce);
  const cpuMs = ((childrenCpuTicks() - before) / ticks) * 1000 / RUNS;
  return { meanMs: wall.reduce((a, b) => a + b, 0) / RUNS, medianMs: median(wall), minMs: Math.min(...wall), cpuMs };
}

/** User + system CPU of this process's waited-for children so far, in clock ticks (Linux: /proc/self/stat cutime + cstime). */
function childrenCpuTicks(): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

const entry = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (entry) await run();
