import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RunRecord } from '../../../../engine/metering/sample.ts';
import { runCoverage } from '../../../../engine/metering/usage/coverage.ts';

const H = 3600;
const run = (sampledAt: number, intervalSeconds = 300): RunRecord => ({ platform: 'p', region: 'r', sampledAt, intervalSeconds, startedAt: sampledAt, finishedAt: sampledAt, sampleCount: 0 });

describe('runCoverage', () => {
  it('covers an hour completely with twelve 5-minute runs', () => {
    // GIVEN runs every 5 minutes through one hour
    const runs = Array.from({ length: 12 }, (_, i) => run(10 * H + i * 300));
    // WHEN the hour's coverage is computed
    const c = runCoverage(runs, 10 * H, 11 * H);
    // THEN it is complete and each run weighs 300 s
    expect(c.hours).toEqual([{ hourStart: 10 * H, coveredSeconds: 3600, status: 'complete' }]);
    expect(c.weights.every((w) => w.seconds === 300 && w.hourStart === 10 * H)).toBe(true);
  });

  it('reports an hour without runs as missed and one with some runs as partial, without filling them in', () => {
    // GIVEN runs at 10:00–10:55, none in 11:xx, and two at 12:00 and 12:05
    const runs = [...Array.from({ length: 12 }, (_, i) => run(10 * H + i * 300)), run(12 * H), run(12 * H + 300)];
    // WHEN coverage of 10:00–13:00 is computed
    const c = runCoverage(runs, 10 * H, 13 * H);
    // THEN 11:xx is missed (the 10:55 run covers only until 11:00) and 12:xx partial (10 minutes)
    expect(c.hours.map((h) => [h.status, h.coveredSeconds])).toEqual([
      ['complete', 3600],
      ['missed', 0],
      ['partial', 600],
    ]);
  });

  it('clips a run to the next run when runs come sooner than their interval', () => {
    // GIVEN a 5-minute run followed one minute later by another (a second collector, a manual run)
    const c = runCoverage([run(10 * H), run(10 * H + 60)], 10 * H, 11 * H);
    // THEN the first stands for 60 s only: the same time is never counted twice
    expect(c.weights).toEqual([
      { sampledAt: 10 * H, hourStart: 10 * H, seconds: 60 },
      { sampledAt: 10 * H + 60, hourStart: 10 * H, seconds: 300 },
    ]);
  });

  it('splits a window that crosses an hour boundary between both hours', () => {
    // GIVEN a 7-minute run starting at 10:55
    const c = runCoverage([run(10 * H + 55 * 60, 420)], 10 * H, 12 * H);
    // THEN 5 minutes fall into 10:xx and 2 into 11:xx
    expect(c.weights.map((w) => [w.hourStart, w.seconds])).toEqual([
      [10 * H, 300],
      [11 * H, 120],
    ]);
  });

  it('counts a run before the period only for the part inside it', () => {
    // GIVEN a 1-hour run at 09:30 and a period starting at 10:00
    const c = runCoverage([run(9 * H + 1800, 3600)], 10 * H, 11 * H);
    // THEN it covers 10:00–10:30
    expect(c.weights).toEqual([{ sampledAt: 9 * H + 1800, hourStart: 10 * H, seconds: 1800 }]);
  });

  it('never covers more than the hour, whatever the runs', () => {
    // GIVEN any set of runs with any intervals
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.integer({ min: 0, max: 6 * H }), iv: fc.integer({ min: 1, max: 2 * H }) }), { maxLength: 40 }), (rs) => {
        const unique = [...new Map(rs.map((r) => [r.at, r])).values()];
        // WHEN coverage is computed
        const c = runCoverage(unique.map((r) => run(r.at, r.iv)), 0, 6 * H);
        // THEN every hour's coverage is within [0, 3600] and equals the sum of its weights
        for (const h of c.hours) {
          const sum = c.weights.filter((w) => w.hourStart === h.hourStart).reduce((s, w) => s + w.seconds, 0);
          expect(h.coveredSeconds).toBe(sum);
          expect(h.coveredSeconds).toBeLessThanOrEqual(3600);
        }
      }),
    );
  });
});
