import type { RunRecord } from '../sample.ts';
import type { RunWeight } from '../store/metering-store.ts';

/** Seconds in an hour; usage is reported per UTC hour. */
export const HOUR = 3600;

/** How much of one hour the runs cover. */
export interface HourCoverage {
  /** Start of the hour, seconds since the epoch (UTC). */
  readonly hourStart: number;
  /** Seconds of the hour that some run's samples stand for (0…3600). */
  readonly coveredSeconds: number;
  /**
   * `complete`: every second is covered; `partial`: some are not (a run was missed or the
   * collector stopped); `missed`: no run covers any of it (a gap: its usage is unknown, not 0).
   */
  readonly status: 'complete' | 'partial' | 'missed';
}

/** The weights to sum samples with, and how well each hour of the period is covered. */
export interface Coverage {
  readonly weights: readonly RunWeight[];
  readonly hours: readonly HourCoverage[];
}

/**
 * What each run's samples stand for. The rule (documented in the README):
 *
 *     a run at t with interval i covers [t, min(t + i, t'))   where t' is the next run
 *
 * clipped to the period [from, to). A resource in a run's samples is counted for all of that
 * run's window; time that no run covers is not invented: the hour is reported `partial` or
 * `missed` and its usage is what the covered part shows.
 *
 * Windows are split at hour boundaries into weights (sample time, hour, seconds), which the
 * store sums per resource and hour. `from` and `to` must be whole hours.
 * @example runCoverage([{ sampledAt: 0, intervalSeconds: 300, … }], 0, 3600).hours[0].coveredSeconds === 300
 */
export function runCoverage(runs: readonly RunRecord[], from: number, to: number): Coverage {
  if (from % HOUR !== 0 || to % HOUR !== 0 || to <= from) throw new Error(`period must be whole hours with from < to, got [${from}, ${to})`);
  const sorted = [...runs].sort((a, b) => a.sampledAt - b.sampledAt);
  const weights: RunWeight[] = [];
  const covered = new Map<number, number>();
  sorted.forEach((run, i) => {
    const next = sorted[i + 1]?.sampledAt ?? Number.POSITIVE_INFINITY;
    const start = Math.max(run.sampledAt, from);
    const end = Math.min(run.sampledAt + run.intervalSeconds, next, to);
    for (let h = start - (start % HOUR); h < end; h += HOUR) {
      const seconds = Math.min(end, h + HOUR) - Math.max(start, h);
      if (seconds <= 0) continue;
      weights.push({ sampledAt: run.sampledAt, hourStart: h, seconds });
      covered.set(h, (covered.get(h) ?? 0) + seconds);
    }
  });
  const hours: HourCoverage[] = [];
  for (let h = from; h < to; h += HOUR) {
    const c = covered.get(h) ?? 0;
    hours.push({ hourStart: h, coveredSeconds: c, status: c >= HOUR ? 'complete' : c === 0 ? 'missed' : 'partial' });
  }
  return { weights, hours };
}

/** The longest interval a run may have: runs this long before a period can still reach into it. */
export const MAX_INTERVAL_SECONDS = 24 * HOUR;
