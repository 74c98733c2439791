import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeterReport } from '../../../../engine/metering/rating/meter-report.ts';
import { ReportBuilder } from '../../../../engine/metering/rating/report-builder.ts';
import { renderFocus } from '../../../../engine/metering/report/render-focus.ts';
import { renderHourlyCsv } from '../../../../engine/metering/report/render-csv.ts';
import type { ProjectRecord } from '../../../../engine/metering/sample.ts';
import { METRICS, type Metric, type UsageLine } from '../../../../engine/metering/usage/usage-line.ts';

const DAY0 = Date.UTC(2026, 4, 1) / 1000;
const PLATFORM = 'os-prop';
const METRIC_NAMES = Object.keys(METRICS) as Metric[];
const PRICE_KEY: Record<Metric, string> = {
  'server.hours': 'server.flavor.f1',
  'vcpu.hours': 'server.vcpu_hour',
  'ram.gib_hours': 'server.ram_gib_hour',
  'volume.gib_hours': 'volume.gigabyte_hour',
  'snapshot.gib_hours': 'snapshot.gigabyte_hour',
  'floatingip.hours': 'floatingip.hour',
  'router.hours': 'router.hour',
  'loadbalancer.hours': 'loadbalancer.hour',
  'image.gib_hours': 'image.gigabyte_hour',
};

/** Project versions: refs 1–6; 5 and 6 are another platform's (unmanaged here). */
const VERSIONS = new Map<number, ProjectRecord>(
  [1, 2, 3, 4, 5, 6].map((ref) => [
    ref,
    {
      projectId: `p-${ref % 4}`,
      name: `proj-${ref}`,
      owner: { platform: ref >= 5 ? 'elsewhere' : PLATFORM, workspace: `ws-${ref % 2}`, project: `t${ref}` },
      tags: { cost_center: `cc-${ref % 3}` },
    },
  ]),
);

const usage = fc.record({
  metric: fc.constantFrom(...METRIC_NAMES),
  hour: fc.integer({ min: 0, max: 71 }),
  resource: fc.integer({ min: 0, max: 5 }),
  ownerRef: fc.integer({ min: 1, max: 6 }),
  seconds: fc.integer({ min: 1, max: 3600 }),
  size: fc.integer({ min: 1, max: 4096 }),
  stopped: fc.boolean(),
});
/** Prices as a config writes them: up to 7 decimals, some metrics unpriced. */
const priceList = fc.dictionary(fc.constantFrom(...Object.values(PRICE_KEY)), fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 7 })).map(([u, k]) => u / 10 ** k));

function lineOf(u: { metric: Metric; hour: number; resource: number; ownerRef: number; seconds: number; size: number; stopped: boolean }): UsageLine {
  const type = METRICS[u.metric].resourceType;
  const units = BigInt(u.seconds) * BigInt(u.metric.endsWith('.hours') && !u.metric.startsWith('vcpu') ? 1 : u.size);
  const server = type === 'server';
  return {
    platform: PLATFORM,
    region: 'RegionOne',
    hourStart: DAY0 + u.hour * 3600,
    projectId: VERSIONS.get(u.ownerRef)!.projectId,
    resourceId: `${type}-${u.resource}`,
    resourceType: type,
    resourceName: null,
    metric: u.metric,
    qualifier: u.metric === 'server.hours' ? 'f1' : null,
    variant: server ? 'f1' : null,
    state: server ? (u.stopped ? 'stopped' : 'running') : null,
    units,
    quantity: Number(units) / Number(METRICS[u.metric].perUnit),
    ownerRef: u.ownerRef,
  };
}

const cents = (money: string): bigint => BigInt(money.replace('.', ''));
const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

function report(lines: readonly UsageLine[], prices: Record<string, number>): MeterReport {
  const b = new ReportBuilder({ platforms: [{ platform: PLATFORM, region: 'RegionOne', prices }], period: { from: DAY0, to: DAY0 + 3 * 86400 }, currency: { code: 'EUR', digits: 2 }, hourly: true }, VERSIONS);
  for (const l of lines) b.add(l);
  return b.build([], [300]);
}

/** Each stated line's exact amount, by an independent route: fractions summed line by line. */
function exactCents(l: UsageLine, prices: Record<string, number>): [bigint, bigint] {
  const price = prices[PRICE_KEY[l.metric]];
  if (price === undefined) return [0n, 1n];
  // The price as digits × 10^-places, from its text (which may be `1e-7`).
  const [mantissa, exponent = '0'] = price.toString().split('e');
  const [whole, frac = ''] = mantissa!.split('.');
  const places = frac.length - Number(exponent);
  const digits = BigInt(`${whole}${frac}`) * 10n ** BigInt(Math.max(0, -places));
  // cents = units / perUnit × price × 100
  return [l.units * digits * 100n, METRICS[l.metric].perUnit * 10n ** BigInt(Math.max(0, places))];
}

describe('statement arithmetic (property)', () => {
  it('states lines rounded once, totals that are the sums of the lines, days and hours and FOCUS rows that add up to them', () => {
    fc.assert(
      fc.property(fc.array(usage, { maxLength: 80 }), priceList, (us, prices) => {
        const lines = us.map(lineOf);
        const r = report(lines, prices);
        // Every line is its exact amount rounded half up to the cent, the exact amount summed independently.
        const exact = new Map<string, [bigint, bigint]>();
        for (const l of lines) {
          const v = VERSIONS.get(l.ownerRef)!;
          const mine = v.owner!.platform === PLATFORM;
          const key = `${mine ? v.owner!.workspace : ''}|${mine ? `${v.owner!.workspace}.${v.owner!.project}` : v.name}|${l.metric}|${l.state ?? ''}`;
          const [n, d] = exactCents(l, prices);
          const [an, ad] = exact.get(key) ?? [0n, 1n];
          exact.set(key, [an * d + n * ad, ad * d]);
        }
        const stated = new Map<string, bigint>();
        for (const t of [...r.statements.flatMap((s) => s.tenants), ...r.unmanaged])
          for (const i of t.items) stated.set(`${t.workspace ?? ''}|${t.tenant}|${i.metric}|${i.state ?? ''}`, (stated.get(`${t.workspace ?? ''}|${t.tenant}|${i.metric}|${i.state ?? ''}`) ?? 0n) + cents(i.amount));
        for (const [key, [n, d]] of exact) expect(stated.get(key), key).toBe((2n * n + d) / (2n * d));
        // Totals are the sums of the lines shown, at every level; the days add up to each statement.
        for (const s of r.statements) {
          for (const t of s.tenants) expect(cents(t.total)).toBe(sum(t.items.map((i) => cents(i.amount))));
          expect(cents(s.total)).toBe(sum(s.tenants.map((t) => cents(t.total))));
          expect(sum(s.daily.map((d) => cents(d.amount)))).toBe(cents(s.total));
        }
        expect(cents(r.totals.statements)).toBe(sum(r.statements.map((s) => cents(s.total))));
        expect(cents(r.totals.unmanaged)).toBe(sum(r.unmanaged.map((t) => cents(t.total))));
        expect(cents(r.totals.grand)).toBe(cents(r.totals.statements) + cents(r.totals.unmanaged));
        // The hourly rows (hourly CSV, FOCUS BilledCost) and the per-resource rows add up to the grand total.
        const micro = (m: string) => BigInt(m.replace('.', ''));
        const grandMicro = cents(r.totals.grand) * 10_000n;
        expect(sum((r.hourly ?? []).map((h) => micro(h.amount)))).toBe(grandMicro);
        expect(sum(r.resources.map((h) => micro(h.amount)))).toBe(grandMicro);
        const focus = renderFocus(r).trim().split('\n').slice(1);
        expect(sum(focus.map((row) => micro(row.split(',')[0]!)))).toBe(grandMicro);
        const csv = renderHourlyCsv(r).trim().split('\n');
        expect(csv.at(-1)).toContain(`,${r.totals.grand}`);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same statement whatever order the usage arrives in', () => {
    fc.assert(
      fc.property(fc.array(usage, { maxLength: 40 }), priceList, fc.integer(), (us, prices, seed) => {
        const lines = us.map(lineOf);
        const shuffled = [...lines].sort((a, b) => ((a.hourStart * 31 + a.units.toString().length + seed) % 7) - ((b.hourStart * 31 + b.units.toString().length + seed) % 7));
        const a = report(lines, prices);
        const b = report(shuffled, prices);
        expect([b.totals, b.statements]).toEqual([a.totals, a.statements]);
      }),
      { numRuns: 100 },
    );
  });
});
