import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunWeight } from '../../../../engine/metering/store/metering-store.ts';
import { sourceSegments, weightSegments } from '../../../../engine/metering/store/weight-segments.ts';

/** PostgreSQL's `width_bucket(t, starts)`: how many starts are ≤ t (0 below the first). */
const bucketOf = (starts: readonly number[], t: number): number => starts.filter((s) => s <= t).length;

describe('segments shared by several sources', () => {
  it('weights each source as its own segments say, and leaves out what lies outside its weights', () => {
    // GIVEN source A with 5-minute runs in hour 0, one of them split over two hours,
    // and source B with 10-minute runs that start between A's
    const a: RunWeight[] = [
      { sampledAt: 0, hourStart: 0, seconds: 300 },
      { sampledAt: 300, hourStart: 0, seconds: 300 },
      { sampledAt: 600, hourStart: 0, seconds: 200 },
      { sampledAt: 600, hourStart: 3600, seconds: 100 },
    ];
    const b: RunWeight[] = [
      { sampledAt: 450, hourStart: 0, seconds: 600 },
      { sampledAt: 1050, hourStart: 0, seconds: 600 },
    ];
    // WHEN their segments are put on shared boundaries, with a third source that has no weights here
    const s = sourceSegments([weightSegments(a), weightSegments(b), undefined]);
    // THEN the boundaries are the fewest that part each source's runs of different weights (450 parts A's
    // 300 from its split run at 600 as well as B's first run), with each source's first run and one past its last
    expect(s.starts).toEqual([0, 450, 601, 1051]);
    // AND A weights its whole runs as they are, its split run with each of its weights, nothing after it;
    // B nothing before its first run nor after its last; the third nothing (keys: source × 5 + segment)
    const rows = s.keys.map((key, i) => [key, s.hourStarts[i], s.seconds[i]]);
    expect(rows).toEqual([
      [1, 0, 300],
      [2, 0, 200],
      [2, 3600, 100],
      [7, 0, 600],
      [8, 0, 600],
    ]);
    expect([s.from, s.to]).toEqual([0, 1050]);
  });

  it('gives every run of every source its own weights, found by the bucket of its sample time', () => {
    const run = fc.record({ gap: fc.integer({ min: 1, max: 4000 }), seconds: fc.constantFrom(300, 600, 900), split: fc.boolean() });
    const source = fc.record({ first: fc.integer({ min: 0, max: 20_000 }), runs: fc.array(run, { minLength: 1, maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(fc.option(source, { nil: undefined }), { minLength: 1, maxLength: 4 }), (given) => {
        fc.pre(given.some((x) => x !== undefined));
        // GIVEN sources whose runs are whole or split over two hours, some with no weights at all
        const weights = given.map((src) => {
          if (src === undefined) return undefined;
          let t = src.first;
          return src.runs.flatMap((r): RunWeight[] => {
            t += r.gap;
            const hour = Math.floor(t / 3600) * 3600;
            return r.split ? [{ sampledAt: t, hourStart: hour, seconds: 100 }, { sampledAt: t, hourStart: hour + 3600, seconds: r.seconds - 100 }] : [{ sampledAt: t, hourStart: hour, seconds: r.seconds }];
          });
        });
        // WHEN they share segments
        const s = sourceSegments(weights.map((w) => (w ? weightSegments(w) : undefined)));
        const n = s.starts.length;
        // THEN every run of a source is weighted as it is, a split run with each of its weights,
        // and no source weights a sample time outside its runs' span
        const times = [...new Set(weights.flatMap((w) => w?.map((x) => x.sampledAt) ?? []))];
        weights.forEach((w, k) => {
          for (const t of times) {
            const key = k * (n + 1) + bucketOf(s.starts, t);
            const found = s.keys.flatMap((x, i) => (x === key ? [{ hourStart: s.hourStarts[i], seconds: s.seconds[i] }] : []));
            const mine = w?.filter((x) => x.sampledAt === t).map((x) => ({ hourStart: x.hourStart, seconds: x.seconds })) ?? [];
            if (mine.length > 0) expect(found).toEqual(mine);
            else if (w === undefined || t < w[0]!.sampledAt || t > w[w.length - 1]!.sampledAt) expect(found).toEqual([]);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
