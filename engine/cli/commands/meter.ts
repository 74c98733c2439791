import { writeFile } from 'node:fs/promises';
import { printable } from '../../../constructs/index.ts';
import { isAbsolute, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ResultAsync, err, errAsync, ok, okAsync, type Result } from 'neverthrow';
import type { Currency } from '../../../constructs/model/currency.ts';
import { synthConfig } from '../../../constructs/loaders/load-config.ts';
import { durationSeconds } from '../../../constructs/model/duration.ts';
import type { ConfigError } from '../../../constructs/problems/config-error.ts';
import { loadCloud, openSession, type OpenStackError, type OpenStackSession } from '../../openstack/index.ts';
import { collectLoop, collectOnce, type CollectOutcome } from '../../metering/collect/index.ts';
import { settingsError, type MeteringError } from '../../metering/errors.ts';
import { meterTarget, meterTargets, meteringCloud, meteringCurrency, type MeterTarget } from '../../metering/meter-target.ts';
import type { GroupBy, MeterReport } from '../../metering/rating/meter-report.ts';
import { buildReport, parsePeriod, renderCsv, renderFocus, renderHourlyCsv, renderHtml, renderJson } from '../../metering/report/index.ts';
import { openStore, redactStoreUrl, type MeteringStore } from '../../metering/store/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import type { CliState, RegisterCommand } from '../main.ts';
import { trapSignals } from '../process-control.ts';
import { failCommand } from '../render-error.ts';

type Failure = MeteringError | ConfigError | OpenStackError;

function targets(io: CliIO, opts: { config: string; platform?: string; store?: string; allPlatforms?: boolean }): ResultAsync<readonly MeterTarget[], Failure> {
  const path = isAbsolute(opts.config) ? opts.config : resolve(io.cwd, opts.config);
  return synthConfig(path).andThen(({ output }) => {
    const ts = opts.allPlatforms ? meterTargets(output) : meterTarget(output, opts.platform).map((t) => [t]);
    if (ts.isErr()) return errAsync(ts.error);
    return okAsync(ts.value.map((t) => (opts.store ? { ...t, store: opts.store } : t)));
  });
}

function target(io: CliIO, opts: { config: string; platform?: string; store?: string }): ResultAsync<MeterTarget, Failure> {
  return targets(io, opts).map((ts) => ts[0]!);
}

function session(io: CliIO, t: MeterTarget, verbose: boolean): ResultAsync<OpenStackSession, Failure> {
  const cloud = meteringCloud(t).andThen((name) => loadCloud({ cloud: name, env: io.env, cwd: io.cwd, region: t.region }));
  if (cloud.isErr()) return errAsync(cloud.error);
  return openSession(cloud.value, verbose ? { log: (line) => io.stderr(`${line}\n`) } : {});
}

function summary(o: CollectOutcome): string {
  const at = new Date(o.sampledAt * 1000).toISOString();
  const verified = `metering: the metering account sees every project (checked ${o.verified.join(', ')})\n`;
  if (o.kind === 'already-recorded') return `${verified}metering: the run at ${at} is already recorded; nothing recorded this time\n`;
  const types = Object.entries(o.byType).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${verified}metering: recorded the run at ${at}: ${o.samples} samples (${types}) across ${o.projects} projects\n`;
}

function failure(e: MeteringError, sampledAt: number, retrying: boolean): string {
  const at = new Date(sampledAt * 1000).toISOString();
  const next = retrying ? 'trying again within its interval' : 'its interval is a gap';
  return `metering: the run at ${at} failed (${next}): ${printable(e.message, { keepNewlines: true })}\n`;
}

/** Opens the store, runs `fn`, closes the store whatever happened. */
function withStore<T>(io: CliIO, url: string, fn: (store: MeteringStore) => ResultAsync<T, Failure>): ResultAsync<T, Failure> {
  return openStore(url, io.cwd).andThen((store) => {
    const closed = async (): Promise<Result<T, Failure>> => {
      const r = await fn(store);
      await store.close();
      return r;
    };
    return new ResultAsync(closed());
  });
}

async function collect(io: CliIO, state: CliState, opts: { config: string; platform?: string; region?: string; store?: string; once?: boolean; every?: string; pageSize?: string; verbose?: boolean }) {
  const every = opts.every === undefined ? undefined : durationSeconds(opts.every);
  if (opts.every !== undefined && every === undefined) return failCommand(io, state, 'meter collect', settingsError(`--every ${JSON.stringify(opts.every)} is not a duration: write e.g. 5m, 1h or 90s.`));
  const pageSize = opts.pageSize === undefined ? undefined : Number(opts.pageSize);
  const run = target(io, opts).andThen((home) => {
    const t = opts.region === undefined ? home : { ...home, region: opts.region };
    return session(io, t, opts.verbose === true).andThen((s) =>
      withStore(io, t.store, (store): ResultAsync<number, Failure> => {
        // Runs stored before regions were recorded are the configured region's.
        const adopted = t.region === home.region ? store.adoptUnregioned({ platform: t.platform, region: t.region }) : okAsync(0);
        return adopted.andThen((n): ResultAsync<number, Failure> => {
        if (n > 0) io.stderr(`metering: ${n} runs stored before regions were recorded are now region ${t.region}'s\n`);
        const base = { platform: t.platform, region: t.region, intervalSeconds: every ?? t.intervalSeconds, tagPrefix: t.tagPrefix, ...(pageSize ? { pageSize } : {}), log: (l: string) => io.stderr(`${l}\n`) };
        if (every === undefined) return collectOnce(s, store, base).map((o) => (io.stderr(summary(o)), 1));
        const stop = new AbortController();
        const untrap = trapSignals(io, stop, () => 'metering: stopping after the current run', { secondExits: true });
        const loop = collectLoop(s, store, { ...base, signal: stop.signal, onRun: (r, at, retrying) => io.stderr(r.isOk() ? summary(r.value) : failure(r.error, at, retrying)) }).finally(untrap);
        return new ResultAsync(loop);
        });
      }),
    );
  });
  const r = await run;
  if (r.isErr()) return failCommand(io, state, 'meter collect', r.error);
  state.exitCode = EXIT.ok;
}

function renderer(format: string, hourly: boolean): (r: MeterReport) => string {
  if (format === 'json') return renderJson;
  if (format === 'html') return renderHtml;
  if (format === 'focus') return renderFocus;
  return hourly ? renderHourlyCsv : renderCsv;
}

/** The currency of every target: a report across platforms sums amounts, so they must share one. */
function oneCurrency(ts: readonly MeterTarget[]): Result<Currency, Failure> {
  const codes = [...new Set(ts.map((t) => t.currency))];
  if (codes.length > 1) {
    return err(settingsError(`The platforms price in different currencies (${ts.map((t) => `${t.platform}: ${t.currency ?? 'none'}`).join(', ')}): a report across platforms sums their amounts, so give their metering blocks one currency, or report each platform with --platform.`));
  }
  return meteringCurrency(ts[0]!);
}

/** The one store the targets share: a report across platforms reads them from one store. */
function oneStore(ts: readonly MeterTarget[]): Result<string, Failure> {
  const stores = [...new Set(ts.map((t) => t.store))];
  if (stores.length > 1) {
    return err(settingsError(`The platforms keep their samples in different stores (${ts.map((t) => `${t.platform}: ${redactStoreUrl(t.store)}`).join(', ')}): a report across platforms reads one store; give their metering blocks one store, or pass --store.`));
  }
  return ok(stores[0]!);
}

async function report(io: CliIO, state: CliState, opts: { config: string; platform?: string; allPlatforms?: boolean; store?: string; from: string; to: string; format: string; groupBy?: string; hourly?: boolean; out?: string }) {
  const asJson = opts.format === 'json' ? 'json' : 'text';
  if (opts.allPlatforms && opts.platform !== undefined) return failCommand(io, state, 'meter report', settingsError('--platform and --all-platforms exclude each other: name one platform, or report them all.'), asJson);
  const period = parsePeriod(opts.from, opts.to);
  if (period.isErr()) return failCommand(io, state, 'meter report', period.error, asJson);
  if (opts.groupBy !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(opts.groupBy)) {
    return failCommand(io, state, 'meter report', settingsError(`--group-by ${JSON.stringify(opts.groupBy)} is not a tag key: name a workspace or tenant tag without its prefix, e.g. --group-by cost_center.`), asJson);
  }
  const groupBy: GroupBy = opts.groupBy === undefined || opts.groupBy === 'workspace' ? { kind: 'workspace' } : { kind: 'tag', tag: opts.groupBy };
  // FOCUS rows are hourly; the hourly CSV and JSON ask for them.
  const hourly = opts.format === 'focus' || opts.hourly === true;
  const r = await targets(io, opts).andThen((ts) =>
    oneCurrency(ts).andThen((currency) => oneStore(ts).map((url) => ({ currency, url }))).asyncAndThen(({ currency, url }) => {
      const platforms = ts.map((t) => ({ platform: t.platform, region: t.region, prices: t.prices }));
      return withStore(io, url, (store) => buildReport(store, { platforms, period: period.value, currency, groupBy, ...(hourly ? { hourly: true } : {}) })).map((report) => renderer(opts.format, hourly)(report));
    }),
  );
  if (r.isErr()) return failCommand(io, state, 'meter report', r.error, asJson);
  const text = r.value;
  if (opts.out) await writeFile(resolve(io.cwd, opts.out), text);
  else io.stdout(text);
  state.exitCode = EXIT.ok;
}


/** `keyform meter collect|report`: the metering collector and its reports. */
export const registerMeter: RegisterCommand = (program: Command, io, state) => {
  const meter = program.command('meter').description('Samples usage across all projects and reports usage, charges and statements.');
  const common = (c: Command) =>
    c.option('--config <path>', 'config file or folder', 'keyform').option('--platform <id>', 'platform to meter (default: the only metered one)').option('--store <url>', 'sqlite://FILE or postgres://… (default: the metering block\'s store)');
  common(meter.command('collect').description('Samples every project\'s resources once, or every DURATION until SIGTERM.'))
    .addOption(new Option('--once', 'one run, then exit (default)').conflicts('every'))
    .option('--every <duration>', 'run every DURATION (e.g. 5m) until SIGTERM or SIGINT')
    .option('--region <name>', 'region to sample (default: the platform\'s region); one collector per platform and region')
    .option('--page-size <n>', 'items per page of each list call', '1000')
    .option('--verbose', 'log every API request (method, URL without secrets, status, time)')
    .action((opts) => collect(io, state, opts));
  common(meter.command('report').description('Usage, charges and statements per workspace for a period.'))
    .requiredOption('--from <date>', 'first UTC day (2026-01-01) or hour (2026-01-01T06:00Z)')
    .requiredOption('--to <date>', 'last UTC day, included; or an hour, excluded')
    .addOption(new Option('--format <format>', 'output format (focus: a FOCUS 1.0 cost and usage CSV)').choices(['csv', 'json', 'html', 'focus']).default('csv'))
    .option('--all-platforms', 'one report across every metered platform of the config, each at its own prices (one currency, one store)')
    .option('--group-by <tag>', 'statements per value of this workspace or tenant tag (e.g. cost_center) instead of per workspace')
    .option('--hourly', 'one row per hour, resource and metric (csv, json)')
    .option('--out <file>', 'write to FILE instead of stdout')
    .action((opts) => report(io, state, opts));
};
