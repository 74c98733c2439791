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
  return { ...out, from: times[0]!, to: times[times.length - 1]! };
}

/** Weights cut into chunks of at most `buckets` distinct hours (or days), whole hours each. */
export function hourAlignedChunks(sorted: readonly RunWeight[], buckets: number): RunWeight[][] {
  const out: RunWeight[][] = [];
  let current: RunWeight[] = [];
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
