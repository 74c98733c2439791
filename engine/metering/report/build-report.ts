import { err, ok, okAsync, ResultAsync, type Result } from 'neverthrow';
import { settingsError, type MeteringSettingsError, type StoreError } from '../errors.ts';
import type { MeterReport } from '../rating/meter-report.ts';
import { ReportBuilder, type RatedPlatform, type ReportSettings } from '../rating/report-builder.ts';
import type { MeterSource } from '../sample.ts';
import type { MeteringStore } from '../store/metering-store.ts';
import { HOUR } from '../usage/coverage.ts';
import { forEachUsageLine, ratedUsage, type Period, type UsageSummary } from '../usage/hourly-usage.ts';
import { compareCodeUnits } from '../../../constructs/model/code-unit-order.ts';

/**
 * Usage → rating → statements for a period, in one pass over the store's samples of every
 * platform in `opts.platforms` and every region of each. Without hourly rows the store sums
 * samples per resource and day: a month is then ~30 groups per resource, not ~720.
 * @example buildReport(store, { platforms: [{ platform: 'os-prod', region: 'RegionOne', prices: { 'floatingip.hour': 0.005 } }], period, currency: { code: 'EUR', digits: 2 } })
 */
export function buildReport(store: MeteringStore, opts: ReportSettings): ResultAsync<MeterReport, StoreError> {
  const names = new Set(opts.platforms.map((p) => p.platform));
  const versions = ResultAsync.combine(opts.platforms.map((p) => store.ownerVersions(p.platform))).map((maps) => new Map(maps.flatMap((m) => [...m])));
  return ResultAsync.combine([versions, store.sources()] as const).andThen(([owners, stored]) => {
    const builder = new ReportBuilder(opts, owners);
    const sources = reportSources(opts.platforms, stored.filter((s) => names.has(s.platform)));
    const bucket = opts.hourly ? 'hour' : 'day';
    // A store that rates in SQL does so for statements (per day), every source in one pass; hourly rows are rated here.
    const rating = opts.hourly ? undefined : store.rateUsage?.bind(store);
    const summaries: ResultAsync<{ source: MeterSource; summary: UsageSummary }[], StoreError> = rating
      ? ratedUsage(store, rating, sources.map((source) => ({ source, rater: builder.rater(source) })), opts.period).map(({ rated, summaries }) => {
          builder.addRated(rated);
          return sources.map((source, k) => ({ source, summary: summaries[k]! }));
        })
      : // One source after the other: a pool of a few connections serves each query in turn.
        sources.reduce<ResultAsync<{ source: MeterSource; summary: UsageSummary }[], StoreError>>(
          (acc, source) => acc.andThen((done) => forEachUsageLine(store, source, opts.period, (l) => builder.add(l), bucket).map((summary) => [...done, { source, summary }])),
          okAsync([]),
        );
    return summaries.map((all) => {
      const used = all.filter(({ source, summary }) => summary.hours.some((h) => h.coveredSeconds > 0) || opts.platforms.some((p) => p.platform === source.platform && p.region === source.region));
      const intervals = [...new Set(all.flatMap(({ summary }) => summary.intervals))].sort((a, b) => a - b);
      return builder.build(used.map(({ source, summary }) => ({ ...source, hours: summary.hours })), intervals);
    });
  });
}

/** The configured region of each platform and every region the store has runs of, sorted. */
function reportSources(platforms: readonly RatedPlatform[], stored: readonly MeterSource[]): MeterSource[] {
  const all = new Map<string, MeterSource>();
  for (const s of [...platforms.map((p) => ({ platform: p.platform, region: p.region })), ...stored]) all.set(`${s.platform}\u0000${s.region}`, s);
  return [...all.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, s]) => s);
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_RE = /^\d{4}-\d{2}-\d{2}T\d{2}(:00(:00)?)?Z$/;

function parseBound(text: string, name: string, isEnd: boolean): Result<number, MeteringSettingsError> {
  const bad = () =>
    err(settingsError(`--${name} ${JSON.stringify(text)} is not a UTC date (2026-01-31) or a whole UTC hour (2026-01-31T13:00Z).`));
  if (!DAY_RE.test(text) && !HOUR_RE.test(text)) return bad();
  const iso = DAY_RE.test(text) ? `${text}T00:00:00Z` : text.replace(/T(\d{2})(:00(:00)?)?Z$/, 'T$1:00:00Z');
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 13) !== iso.slice(0, 13)) return bad();
  // A day given as the end means "through that day", as a finance person reads it.
  return ok(ms / 1000 + (isEnd && DAY_RE.test(text) ? 24 * HOUR : 0));
}

/**
 * The period of `--from`/`--to`: UTC days or whole UTC hours. A day as `--to` includes that
 * day; an hour as `--to` is the exclusive end.
 * @example parsePeriod('2026-01-01', '2026-01-31') → [2026-01-01T00:00Z, 2026-02-01T00:00Z)
 */
export function parsePeriod(from: string, to: string): Result<Period, MeteringSettingsError> {
  return parseBound(from, 'from', false).andThen((f) =>
    parseBound(to, 'to', true).andThen((t) =>
      t > f ? ok({ from: f, to: t }) : err(settingsError(`The period is empty: --to ${to} is not after --from ${from}.`)),
    ),
  );
}
