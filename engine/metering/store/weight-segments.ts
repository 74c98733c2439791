import type { RunWeight } from './metering-store.ts';

/**
 * A chunk's weights as runs of consecutive sample times that share one (hour or day, seconds):
 * a sample's weight is then found by a binary search of its sample time over `starts`
 * (PostgreSQL's `width_bucket`), so the store groups samples in one scan, with no join per
 * sample. A run whose window is split over two hours (or days) has several weights: its
 * samples are summed apart (`split`), and its own segment is not `kept`.
 *
 * Samples of a source exist only at its runs' times, so a segment [starts[i], starts[i+1])
 * holds exactly the samples of its runs.
 */
export interface WeightSegments {
  /** Segment start times (the first run's sample time), ascending. */
  readonly starts: readonly number[];
  /** Per segment: the hour (or day) its samples count for, and the seconds each stands for. */
  readonly hourStarts: readonly number[];
  readonly seconds: readonly number[];
  /** Per segment: false for a split run's segment (summed through `split`). */
  readonly kept: readonly boolean[];
  /** The first and last sample time weighted. */
  readonly from: number;
  readonly to: number;
  /** The weights of split runs. */
  readonly split: readonly RunWeight[];
  /** Every sample time weighted, ascending. */
  readonly times: readonly number[];
}

/**
 * The segments of a non-empty list of weights.
 * @example weightSegments([{ sampledAt: 0, hourStart: 0, seconds: 300 }, { sampledAt: 300, hourStart: 0, seconds: 300 }]).starts → [0]
 */
export function weightSegments(weights: readonly RunWeight[]): WeightSegments {
  const perRun = new Map<number, RunWeight[]>();
  for (const w of weights) {
    const list = perRun.get(w.sampledAt);
    if (list) list.push(w);
    else perRun.set(w.sampledAt, [w]);
  }
  const times = [...perRun.keys()].sort((a, b) => a - b);
  const out = { starts: [] as number[], hourStarts: [] as number[], seconds: [] as number[], kept: [] as boolean[], split: [] as RunWeight[] };
  let previous: string | undefined;
  for (const t of times) {
    const ws = perRun.get(t)!;
    const one = ws.length === 1 ? ws[0]! : undefined;
    const key = one ? `${one.hourStart}/${one.seconds}` : `split ${t}`;
    if (key !== previous) {
      out.starts.push(t);
      out.hourStarts.push(one?.hourStart ?? 0);
      out.seconds.push(one?.seconds ?? 0);
      out.kept.push(one !== undefined);
      previous = key;
    }
    if (!one) out.split.push(...ws);
  }
  return { ...out, times, from: times[0]!, to: times[times.length - 1]! };
}

/**
 * Segments shared by several sources (see `sourceSegments`), and the weights of each source's
 * samples in each: rows of (segment key, hour or day, seconds); a key has several rows for a
 * split run's segment, none where the source weighs nothing.
 */
export interface SourceSegments extends Pick<WeightSegments, 'starts' | 'hourStarts' | 'seconds' | 'from' | 'to'> {
  /** Source k's segment i (1-based, as `width_bucket` numbers it) has key `k × (starts.length + 1) + i`. */
  readonly keys: readonly number[];
}

/**
 * The segments of several sources at once (undefined: a source with no weights here; at least
 * one is defined), for one scan of the samples of all of them. A source's samples exist only at
 * its runs' times, so a boundary anywhere after the run before a segment's start, up to that
 * start, separates the segment as well as the start itself: the fewest boundaries that do so
 * for every source (a point cover, chosen greedily) keep a source's samples of one day in one
 * segment however the sources' runs interleave. A source's first sample time and one past its
 * last are boundaries themselves (its stored runs beyond are not weighted). A source weights a
 * shared segment as its own segment its runs there lie in — a split run's segment with each of
 * the run's weights — and not at all where it has no run.
 * @example sourceSegments([weightSegments([{ sampledAt: 0, hourStart: 0, seconds: 300 }])]) → { starts: [0, 1], keys: [1], hourStarts: [0], seconds: [300], from: 0, to: 0 }
 */
export function sourceSegments(perSource: readonly (WeightSegments | undefined)[]): SourceSegments {
  const present = perSource.filter((s): s is WeightSegments => s !== undefined);
  // A boundary b with lo < b ≤ hi for each segment start of each source, and one just past its last run.
  const needs: [lo: number, hi: number][] = [];
  for (const seg of present) {
    let r = 0;
    for (const start of seg.starts) {
      while (seg.times[r]! < start) r++;
      needs.push([r === 0 ? start - 1 : seg.times[r - 1]!, start]);
    }
    needs.push([seg.to, seg.to + 1]);
  }
  needs.sort((a, b) => a[1] - b[1]);
  const starts: number[] = [];
  for (const [lo, hi] of needs) if (!(starts[starts.length - 1]! > lo)) starts.push(hi);
  const out = { keys: [] as number[], hourStarts: [] as number[], seconds: [] as number[] };
  const push = (key: number, w: { readonly hourStart: number; readonly seconds: number }) => {
    out.keys.push(key);
    out.hourStarts.push(w.hourStart);
    out.seconds.push(w.seconds);
  };
  for (const [k, seg] of perSource.entries()) {
    if (seg === undefined) continue;
    let r = 0;
    let j = 0;
    for (const [u, from] of starts.entries()) {
      while (r < seg.times.length && seg.times[r]! < from) r++;
      const t = seg.times[r];
      if (t === undefined || (u + 1 < starts.length && t >= starts[u + 1]!)) continue;
      while (j + 1 < seg.starts.length && seg.starts[j + 1]! <= t) j++;
      const key = k * (starts.length + 1) + u + 1;
      if (seg.kept[j]) push(key, { hourStart: seg.hourStarts[j]!, seconds: seg.seconds[j]! });
      // A split run's segment holds that run alone, starting at its sample time.
      else for (const w of seg.split) if (w.sampledAt === seg.starts[j]) push(key, w);
    }
  }
  return { starts, ...out, from: Math.min(...present.map((s) => s.from)), to: Math.max(...present.map((s) => s.to)) };
}

/** Weights cut into chunks of at most `buckets` distinct hours (or days), whole hours each. */
export function hourAlignedChunks<W extends RunWeight>(sorted: readonly W[], buckets: number): W[][] {
  const out: W[][] = [];
  let current: W[] = [];
  let seen = 0;
  for (const w of sorted) {
    const fresh = current.length === 0 || current[current.length - 1]!.hourStart !== w.hourStart;
    if (fresh && seen >= buckets) {
      out.push(current);
      current = [];
      seen = 0;
    }
    if (fresh) seen++;
    current.push(w);
  }
  if (current.length > 0) out.push(current);
  return out;
}
