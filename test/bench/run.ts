/**
 * `npm run bench [NAME...]`: runs the benchmarks and prints their figures. Each module
 * exports `run(print)`; names select modules (`npm run bench -- plan synth`), none runs all.
 * Benchmarks that need a real Keystone start or reuse one through the test launcher.
 */
import { performance } from 'node:perf_hooks';

const BENCHES: Readonly<Record<string, () => Promise<{ run: (print: (line: string) => void) => Promise<void> }>>> = {
  synth: () => import('./synth-bench.ts'),
  plan: () => import('./plan-bench.ts'),
  planfile: () => import('./planfile-bench.ts'),
  snapshot: () => import('./snapshot-bench.ts'),
  'noop-plan': () => import('./noop-plan-bench.ts'),
  seed: () => import('./seed-bench.ts'),
  apply: () => import('./apply-bench.ts'),
  quota: () => import('./quota-bench.ts'),
  metering: () => import('./metering-bench.ts'),
  startup: () => import('./startup-bench.ts'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(1);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  const t0 = performance.now();
  console.log(`\n== ${name} ==`);
  const mod = await BENCHES[name]!();
  await mod.run((line) => console.log(line));
  console.log(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exit(0);
