import { okAsync, type ResultAsync } from 'neverthrow';
import type { StoreError } from '../errors.ts';
import type { MeterSource, RunRecord } from '../sample.ts';
import type { MeteringStore, RatedUsage, RunWeight, UsageRater } from '../store/metering-store.ts';
import { MAX_INTERVAL_SECONDS, runCoverage, type Coverage, type HourCoverage } from './coverage.ts';
import { usageLines, type UsageLine } from './usage-line.ts';

/** A period of whole UTC hours, [from, to) in seconds since the epoch. */
export interface Period {
  readonly from: number;
  readonly to: number;
}

/** What a usage pass saw besides the lines. */
export interface UsageSummary {
  readonly hours: readonly HourCoverage[];
  readonly runs: number;
  readonly lines: number;
  /** The distinct intervals (seconds) of the runs whose samples cover the period, ascending. */
  readonly intervals: readonly number[];
}

/** What usage lines are summed over: a UTC hour, or a UTC day when no hourly rows are needed. */
export type UsageBucket = 'hour' | 'day';

const DAY = 86400;

/**
 * Weights summed per day: the store then returns one group per resource and day, not per hour.
 * A run's pieces in two hours of one day become one weight: split only over days, the run's
 * samples are weighted in the store's one scan, not summed apart.
 */
function perDay(weights: readonly RunWeight[]): RunWeight[] {
  const out = new Map<string, RunWeight>();
  for (const w of weights) {
    const day = w.hourStart - (w.hourStart % DAY);
    const k = `${w.sampledAt}/${day}`;
    const seen = out.get(k);
    out.set(k, { sampledAt: w.sampledAt, hourStart: day, seconds: (seen?.seconds ?? 0) + w.seconds });
  }
  return [...out.values()];
}

/**
 * Streams the usage lines of `source` in `period` to `visit`, ordered by hour (or day, with
 * `bucket` 'day': then `hourStart` is the day's start), and resolves to how well the period
 * was covered. The heavy part (summing samples per resource and hour or day) runs in the
 * store; memory stays flat however long the period.
 */
export function forEachUsageLine(
  store: MeteringStore,
  source: MeterSource,
  period: Period,
  visit: (line: UsageLine) => void,
  bucket: UsageBucket = 'hour',
): ResultAsync<UsageSummary, StoreError> {
  return periodRuns(store, source, period).andThen(({ runs, coverage }) => {
    let lines = 0;
    return store
      .forEachSampleGroup(source, bucket === 'day' ? perDay(coverage.weights) : coverage.weights, (g) => {
        for (const line of usageLines(g, source)) {
          lines++;
          visit(line);
        }
      })
      .map(() => summaryOf(runs, coverage, period, lines));
  });
}

/**
 * The usage of `sources` in `period` summed per stated line and priced in the store (`rate`,
 * the store's `rateUsage`), in one pass over their samples, asking each source's rater what
 * lines and prices its samples' facets stand for (see `MeteringStore.rateUsage`). A summary per
 * source, in the order given; `lines` counts the source's resource parts of lines.
 */
export function ratedUsage(
  store: MeteringStore,
  rate: NonNullable<MeteringStore['rateUsage']>,
  sources: readonly { readonly source: MeterSource; readonly rater: UsageRater }[],
  period: Period,
): ResultAsync<{ readonly rated: RatedUsage; readonly summaries: readonly UsageSummary[] }, StoreError> {
  const runs = sources.reduce<ResultAsync<{ runs: readonly RunRecord[]; coverage: Coverage }[], StoreError>>(
    (acc, { source }) => acc.andThen((done) => periodRuns(store, source, period).map((r) => [...done, r])),
    okAsync([]),
  );
  return runs.andThen((all) =>
    rate(sources.map(({ source, rater }, k) => ({ source, rater, weights: perDay(all[k]!.coverage.weights) }))).map((rated) => ({
      rated,
      summaries: all.map(({ runs, coverage }, k) => summaryOf(runs, coverage, period, rated.parts.filter((p) => p.source === k).length)),
    })),
  );
}

/** The source's runs that may reach into the period, and the weights and coverage they give. */
function periodRuns(store: MeteringStore, source: MeterSource, period: Period): ResultAsync<{ runs: readonly RunRecord[]; coverage: Coverage }, StoreError> {
  return store.runs(source, period.from - MAX_INTERVAL_SECONDS, period.to).map((runs) => ({ runs, coverage: runCoverage(runs, period.from, period.to) }));
}

function summaryOf(runs: readonly RunRecord[], coverage: Coverage, period: Period, lines: number): UsageSummary {
  const used = new Set(coverage.weights.map((w) => w.sampledAt));
  const intervals = [...new Set(runs.filter((r) => used.has(r.sampledAt)).map((r) => r.intervalSeconds))].sort((a, b) => a - b);
  return { hours: coverage.hours, runs: runs.filter((r) => r.sampledAt >= period.from).length, lines, intervals };
}

/** All hourly usage lines of a period at once: for tests and small periods. */
export function hourlyUsage(store: MeteringStore, source: MeterSource, period: Period): ResultAsync<{ readonly lines: readonly UsageLine[]; readonly summary: UsageSummary }, StoreError> {
  const lines: UsageLine[] = [];
  return forEachUsageLine(store, source, period, (l) => lines.push(l)).map((summary) => ({ lines, summary }));
}
