// Preloaded (`node --import`) into each process the synth benchmark runs: at exit it writes
// the whole process's CPU time (user + system) and peak RSS, from getrusage, to the file
// KEYFORM_BENCH_RUSAGE names. The figures cover start-up, loading and output alike.
import { writeFileSync } from 'node:fs';

const file = process.env.KEYFORM_BENCH_RUSAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, peakRssMb: u.maxRSS / 1024 }));
  });
}
