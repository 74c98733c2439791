import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { testStack } from '../../../openstack/stack.ts';
import { meterConfig } from '../meter-config.ts';
import { startCollector, waitForLine } from './collector-process.ts';

const EVERY = 3;

const start = (dir: string, cloudsYaml: string) => startCollector(dir, cloudsYaml, ['--every', `${EVERY}s`, '--page-size', '1', '--verbose', '--config', dir]);

describe('keyform meter collect --every across kills and restarts', () => {
  it('keeps every stored run whole, one sample per resource and interval, and stops cleanly on SIGTERM', async () => {
    // GIVEN a collector every 3 s with one item per page (runs take many requests)
    const stack = testStack();
    const dir = meterConfig('admin');
    let killedMidRun = 0;
    // WHEN it is killed with SIGKILL three times in the middle of a run (after the run's
    // first list page was answered, before it reported the run) and restarted each time
    for (let i = 0; i < 3; i++) {
      const c = start(dir, stack.cloudsYaml);
      const done = await waitForLine(c, /^metering: (recorded|the run at)/, 0);
      const nextRunPage = await waitForLine(c, /servers\/detail.* → 200/, done + 1);
      c.child.kill('SIGKILL');
      await c.exited;
      if (!c.lines.slice(nextRunPage).some((l) => l.startsWith('metering: '))) killedMidRun++;
    }
    // AND a last one is stopped with SIGTERM after a run
    const last = start(dir, stack.cloudsYaml);
    await waitForLine(last, /^metering: recorded/, 0);
    last.child.kill('SIGTERM');
    const code = await last.exited;

    // THEN the kills did hit runs in progress, and SIGTERM ended the loop with exit 0
    expect(killedMidRun).toBeGreaterThanOrEqual(2);
    expect(code).toBe(0);
    expect(last.lines).toContain('metering: stopping after the current run');
    // AND every stored run has exactly the samples it counted (none half-written)
    const db = new Database(join(dir, 'meter.db'), { readonly: true });
    const runs = db.prepare('SELECT r.sampled_at, r.sample_count, (SELECT COUNT(*) FROM samples s WHERE s.sampled_at = r.sampled_at) AS stored FROM runs r ORDER BY r.sampled_at').all() as { sampled_at: number; sample_count: number; stored: number }[];
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (const r of runs) expect(r.stored, `run at ${r.sampled_at}`).toBe(r.sample_count);
    // AND no resource has two samples in one interval, and every sample time is on the grid
    const doubled = db.prepare(`SELECT resource_ref, sampled_at / ${EVERY} AS slot, COUNT(*) AS n FROM samples GROUP BY 1, 2 HAVING n > 1`).all();
    expect(doubled).toEqual([]);
    expect(runs.every((r) => r.sampled_at % EVERY === 0)).toBe(true);
    db.close();
  });
});
