import { describe, expect, it } from 'vitest';
import { buildReport, parsePeriod } from '../../../../engine/metering/report/build-report.ts';
import { hourlyUsage } from '../../../../engine/metering/usage/hourly-usage.ts';
import { DAY0, EUR, H, PRICES, fixtureStore } from './report-fixture.ts';

describe('hourly usage and the report', () => {
  it('gives per-hour usage per resource from the samples, and nothing for hours without runs', async () => {
    // GIVEN the fixture timeline
    const store = await fixtureStore();
    // WHEN hourly usage of day 0, 00:00–04:00 is computed
    const { lines, summary } = (await hourlyUsage(store, { platform: 'os-test', region: 'RegionOne' }, { from: DAY0, to: DAY0 + 4 * H }))._unsafeUnwrap();
    // THEN each resource has one line per metric for 00:xx and 01:xx, none after; 02:xx and 03:xx are missed
    const servers = lines.filter((l) => l.metric === 'server.hours');
    expect(servers.map((l) => [l.hourStart - DAY0, l.quantity])).toEqual([
      [0, 1],
      [H, 1],
    ]);
    expect(lines.filter((l) => l.metric === 'volume.gib_hours').map((l) => l.quantity)).toEqual([10, 10]);
    expect(summary.hours.map((h) => h.status)).toEqual(['complete', 'complete', 'missed', 'missed']);
    expect(summary.intervals).toEqual([300]);
    await store.close();
  });

  it('rates usage into statements per workspace with daily totals, and states the three totals', async () => {
    // GIVEN the fixture timeline and prices for m1.small and ssd volumes only
    const store = await fixtureStore();
    const period = parsePeriod('2026-03-01', '2026-03-02')._unsafeUnwrap();
    // WHEN the report for both days is built in EUR
    const r = (await buildReport(store, { platforms: [{ platform: 'os-test', region: 'RegionOne', prices: PRICES }], period, currency: EUR }))._unsafeUnwrap();
    // THEN acme pays 2 server-hours of m1.small (vCPU and RAM unpriced) and globex 25 GiB-hours of ssd
    const acme = r.statements.find((s) => s.group === 'acme')!;
    const globex = r.statements.find((s) => s.group === 'globex')!;
    expect(acme.total).toBe('0.04');
    expect(acme.tenants[0]!.items.map((i) => [i.metric, i.quantity, i.unitPrice, i.amount])).toEqual([
      ['ram.gib_hours', 4, null, '0.00'],
      ['server.hours', 2, '0.02', '0.04'],
      ['vcpu.hours', 2, null, '0.00'],
    ]);
    expect(acme.tenants[0]!.tags).toEqual({ cost_center: 'cc-42' });
    // AND globex's 0.025 is rounded once to 0.03, and its days add up to it
    expect(globex.total).toBe('0.03');
    expect(globex.daily).toEqual([
      { day: '2026-03-01', amount: '0.02' },
      { day: '2026-03-02', amount: '0.01' },
    ]);
    // AND the FIP of another platform's project is unmanaged, by id and name
    expect(r.unmanaged.map((t) => [t.tenant, t.projectIds, t.items.map((i) => i.quantity)])).toEqual([['legacy', ['p-other'], [2]]]);
    // AND day 0 from 02:00 and day 1 from 01:00 are gaps; only the FIP has no price at all
    expect(r.coverage.gaps).toEqual([
      { from: '2026-03-01T02:00:00Z', to: '2026-03-02T00:00:00Z', status: 'missed', coveredSeconds: 0 },
      { from: '2026-03-02T01:00:00Z', to: '2026-03-03T00:00:00Z', status: 'missed', coveredSeconds: 0 },
    ]);
    expect(r.unpriced.map((u) => [u.metric, u.priceKey])).toEqual([['floatingip.hours', 'floatingip.hour']]);
    expect(r.totals).toEqual({ statements: '0.07', unmanaged: '0.00', grand: '0.07' });
    expect([r.currency, r.samplingIntervals]).toEqual(['EUR', [300]]);
    await store.close();
  });

  it('groups statements by a tenant tag with --group-by, keeping the workspaces named', async () => {
    // GIVEN the fixture, whose tenants carry cost_center tags
    const store = await fixtureStore();
    const period = parsePeriod('2026-03-01', '2026-03-02')._unsafeUnwrap();
    // WHEN grouped by cost_center
    const r = (await buildReport(store, { platforms: [{ platform: 'os-test', region: 'RegionOne', prices: PRICES }], period, currency: EUR, groupBy: { kind: 'tag', tag: 'cost_center' } }))._unsafeUnwrap();
    // THEN each cost centre is a statement naming its workspace
    expect(r.statements.map((s) => [s.group, s.workspaces, s.total])).toEqual([
      ['cc-42', ['acme'], '0.04'],
      ['cc-7', ['globex'], '0.03'],
    ]);
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
