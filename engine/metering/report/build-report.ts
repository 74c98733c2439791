import { err, ok, ResultAsync, type Result } from 'neverthrow';
import { settingsError, type MeteringSettingsError, type StoreError } from '../errors.ts';
import type { MeterReport } from '../rating/meter-report.ts';
import { ReportBuilder, type ReportSettings } from '../rating/report-builder.ts';
import type { MeteringStore } from '../store/metering-store.ts';
import { HOUR } from '../usage/coverage.ts';
import { forEachUsageLine, type Period } from '../usage/hourly-usage.ts';

/**
 * Usage → rating → statements for a period, in one pass over the store's samples.
 * @example buildReport(store, { platform: 'os-prod', period, prices: { 'floatingip.hour': 0.005 }, currency: { code: 'EUR', digits: 2 } })
 */
export function buildReport(store: MeteringStore, opts: ReportSettings): ResultAsync<MeterReport, StoreError> {
  return ResultAsync.combine([store.ownerVersions(opts.platform), store.projects(opts.platform)] as const).andThen(([versions, latest]) => {
    const builder = new ReportBuilder(opts, versions, latest);
    return forEachUsageLine(store, opts.platform, opts.period, (l) => builder.add(l)).map((summary) => builder.build(summary.hours, summary.intervals));
  });
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
