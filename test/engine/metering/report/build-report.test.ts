import { describe, expect, it } from 'vitest';
import { buildReport, parsePeriod } from '../../../../engine/metering/report/build-report.ts';
import { hourlyUsage } from '../../../../engine/metering/usage/hourly-usage.ts';
import { DAY0, H, PRICES, fixtureStore } from './report-fixture.ts';

describe('hourly usage and the report', () => {
  it('gives per-hour usage per resource from the samples, and nothing for hours without runs', async () => {
    // GIVEN the fixture timeline
    const store = await fixtureStore();
    // WHEN hourly usage of day 0, 00:00–04:00 is computed
    const { lines, summary } = (await hourlyUsage(store, 'os-test', { from: DAY0, to: DAY0 + 4 * H }))._unsafeUnwrap();
    // THEN each resource has one line per metric for 00:xx and 01:xx, none after; 02:xx and 03:xx are missed
    const servers = lines.filter((l) => l.metric === 'server.hours');
    expect(servers.map((l) => [l.hourStart - DAY0, l.quantity])).toEqual([
      [0, 1],
      [H, 1],
    ]);
    expect(lines.filter((l) => l.metric === 'volume.gib_hours').map((l) => l.quantity)).toEqual([10, 10]);
    expect(summary.hours.map((h) => h.status)).toEqual(['complete', 'complete', 'missed', 'missed']);
    await store.close();
  });

  it('rates usage into statements per workspace with daily totals, and lists gaps and unpriced usage', async () => {
    // GIVEN the fixture timeline and prices for m1.small and ssd volumes only
    const store = await fixtureStore();
    const period = parsePeriod('2026-03-01', '2026-03-02')._unsafeUnwrap();
    // WHEN the report for both days is built
    const r = (await buildReport(store, { platform: 'os-test', period, prices: PRICES }))._unsafeUnwrap();
    // THEN acme pays 2 server-hours of m1.small (vCPU and RAM unpriced) and globex 25 GiB-hours of ssd
    const acme = r.statements.find((s) => s.workspace === 'acme')!;
    const globex = r.statements.find((s) => s.workspace === 'globex')!;
    expect(acme.total).toBeCloseTo(0.04, 10);
    expect(acme.tenants[0]!.items.map((i) => [i.metric, i.quantity, i.amount])).toEqual([
      ['ram.gib_hours', 4, 0],
      ['server.hours', 2, 0.04],
      ['vcpu.hours', 2, 0],
    ]);
    expect(globex.daily).toEqual([
      { day: '2026-03-01', amount: 0.02 },
      { day: '2026-03-02', amount: 0.005 },
    ]);
    // AND the FIP of another platform's project is unassigned, not in a statement
    expect(r.unassigned.map((t) => [t.tenant, t.items.map((i) => i.quantity)])).toEqual([['legacy', [2]]]);
    // AND day 0 from 02:00 and day 1 from 01:00 are gaps; vCPU, RAM and FIP usage is unpriced
    expect(r.coverage.gaps).toEqual([
      { from: '2026-03-01T02:00:00Z', to: '2026-03-02T00:00:00Z', status: 'missed', coveredSeconds: 0 },
      { from: '2026-03-02T01:00:00Z', to: '2026-03-03T00:00:00Z', status: 'missed', coveredSeconds: 0 },
    ]);
    expect(r.unpriced.map((u) => u.metric)).toEqual(['floatingip.hours', 'ram.gib_hours', 'vcpu.hours']);
    expect(r.total).toBeCloseTo(0.065, 10);
    await store.close();
  });

  it('reads a day as --to through the end of that day, and an hour as an exclusive end', () => {
    // GIVEN day and hour bounds WHEN parsed THEN days include the end day and hours don't
    expect(parsePeriod('2026-03-01', '2026-03-01')._unsafeUnwrap()).toEqual({ from: DAY0, to: DAY0 + 24 * H });
    expect(parsePeriod('2026-03-01T06:00Z', '2026-03-01T08:00Z')._unsafeUnwrap()).toEqual({ from: DAY0 + 6 * H, to: DAY0 + 8 * H });
    expect(parsePeriod('2026-03-02', '2026-03-01')._unsafeUnwrapErr().message).toContain('empty');
    expect(parsePeriod('2026-02-30', '2026-03-01')._unsafeUnwrapErr().message).toContain('not a UTC date');
    expect(parsePeriod('2026-03-01T06:30Z', '2026-03-02')._unsafeUnwrapErr().message).toContain('whole UTC hour');
  });
});
