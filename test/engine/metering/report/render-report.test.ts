import { describe, expect, it } from 'vitest';
import { buildReport, parsePeriod } from '../../../../engine/metering/report/build-report.ts';
import { renderCsv, renderHourlyCsv } from '../../../../engine/metering/report/render-csv.ts';
import { FOCUS_COLUMNS, renderFocus } from '../../../../engine/metering/report/render-focus.ts';
import { renderHtml } from '../../../../engine/metering/report/render-html.ts';
import { renderJson } from '../../../../engine/metering/report/render-json.ts';
import { EUR, PRICES, fixtureStore } from './report-fixture.ts';

async function fixtureReport(hourly = false) {
  const store = await fixtureStore();
  const period = parsePeriod('2026-03-01', '2026-03-02')._unsafeUnwrap();
  const r = (await buildReport(store, { platforms: [{ platform: 'os-test', region: 'RegionOne', prices: PRICES }], period, currency: EUR, hourly }))._unsafeUnwrap();
  await store.close();
  return r;
}

/** Parses simple CSV (no quoted separators in the fixture). */
const table = (csv: string) => {
  const [head, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
};

describe('report renderers', () => {
  it('writes the statement as CSV: stated lines, tenant and group totals, and the three totals, with currency and cost centre', async () => {
    // GIVEN the fixture report WHEN rendered as CSV THEN the rows are exactly these
    expect(renderCsv(await fixtureReport())).toBe(
      [
        'record,currency,group,platform,region,workspace,tenant,project_ids,project_names,tag:cost_center,metric,qualifier,state,quantity,unit,price_key,unit_price,amount',
        'line,EUR,acme,os-test,RegionOne,acme,acme.shop,p-shop,acme.shop,cc-42,ram.gib_hours,,running,4,GiB-hour,,,0.00',
        'line,EUR,acme,os-test,RegionOne,acme,acme.shop,p-shop,acme.shop,cc-42,server.hours,m1.small,running,2,server-hour,server.flavor.m1.small,0.02,0.04',
        'line,EUR,acme,os-test,RegionOne,acme,acme.shop,p-shop,acme.shop,cc-42,vcpu.hours,,running,2,vCPU-hour,,,0.00',
        'tenant_total,EUR,acme,os-test,RegionOne,acme,acme.shop,p-shop,acme.shop,cc-42,,,,,,,,0.04',
        'group_total,EUR,acme,,,,,,,,,,,,,,,0.04',
        'line,EUR,globex,os-test,RegionOne,globex,globex.data,p-data,globex.data,cc-7,volume.gib_hours,ssd,,25,GiB-hour,volume.type.ssd.gigabyte_hour,0.001,0.03',
        'tenant_total,EUR,globex,os-test,RegionOne,globex,globex.data,p-data,globex.data,cc-7,,,,,,,,0.03',
        'group_total,EUR,globex,,,,,,,,,,,,,,,0.03',
        'statements_total,EUR,,,,,,,,,,,,,,,,0.07',
        'line,EUR,,os-test,RegionOne,,legacy,p-other,legacy,,floatingip.hours,,,2,IP-hour,,,0.00',
        'tenant_total,EUR,,os-test,RegionOne,,legacy,p-other,legacy,,,,,,,,,0.00',
        'unmanaged_total,EUR,,,,,,,,,,,,,,,,0.00',
        'grand_total,EUR,,,,,,,,,,,,,,,,0.07',
        '',
      ].join('\n'),
    );
  });

  it('writes one CSV row per hour with --hourly, whose shares add up to the grand total', async () => {
    // GIVEN the hourly fixture report
    const r = await fixtureReport(true);
    // WHEN rendered as hourly CSV
    const rows = table(renderHourlyCsv(r));
    // THEN every hourly line is a row: 2 h × 3 server metrics + 3 volume hours + 2 FIP hours, then the total
    expect(rows).toHaveLength(6 + 3 + 2 + 1);
    const volume = rows.filter((x) => x['metric'] === 'volume.gib_hours').map((x) => [x['hour'], x['quantity'], x['amount'], x['tag:cost_center']]);
    expect(volume).toEqual([
      ['2026-03-01T00:00:00Z', '10', '0.012000', 'cc-7'],
      ['2026-03-01T01:00:00Z', '10', '0.012000', 'cc-7'],
      ['2026-03-02T00:00:00Z', '5', '0.006000', 'cc-7'],
    ]);
    const shares = rows.slice(0, -1).reduce((s, x) => s + BigInt(x['amount']!.replace('.', '')), 0n);
    expect([shares, rows.at(-1)!['amount']]).toEqual([70000n, '0.07']);
  });

  it('guards CSV text against spreadsheet formulas', async () => {
    // GIVEN a report whose unmanaged project is named like a formula
    const r = await fixtureReport();
    const evil = { ...r, unmanaged: [{ ...r.unmanaged[0]!, tenant: '=HYPERLINK("x")' }] };
    // WHEN rendered THEN the name is quoted harmlessly
    expect(renderCsv(evil)).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('writes FOCUS rows whose BilledCost adds up to the grand total, with the tags as JSON', async () => {
    // GIVEN the hourly fixture report WHEN rendered as FOCUS
    const r = await fixtureReport(true);
    const csv = renderFocus(r);
    const [head] = csv.split('\n');
    // THEN the header is the FOCUS columns, and the billed costs sum to 0.07 EUR
    expect(head).toBe(FOCUS_COLUMNS.join(','));
    const rows = csv.trim().split('\n').slice(1);
    const billed = rows.map((l) => l.split(',')[0]!);
    expect(billed.reduce((s, b) => s + BigInt(b.replace('.', '')), 0n)).toBe(70000n);
    const volume = rows.find((l) => l.includes('vol-1'))!;
    expect(volume).toContain('EUR,os-test,os-test,2026-03-01T00:00:00Z,2026-03-03T00:00:00Z,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,Usage,,Usage-Based');
    expect(volume).toContain('"{""cost_center"":""cc-7"",""keyform.tenant"":""globex.data"",""keyform.workspace"":""globex""}"');
    expect(volume).toContain(',0.001,0.001,volume.gib_hours,volume.type.ssd.gigabyte_hour,Block Storage (cinder),Storage,vol-1,');
  });

  it('writes JSON that reads back to the same report, money as exact decimal text', async () => {
    // GIVEN the fixture report WHEN rendered as JSON and parsed THEN it is the report, totals stated
    const r = await fixtureReport();
    const back = JSON.parse(renderJson(r));
    expect(back).toEqual(JSON.parse(JSON.stringify(r)));
    expect([back.currency, back.totals]).toEqual(['EUR', { statements: '0.07', unmanaged: '0.00', grand: '0.07' }]);
  });

  it('writes a self-contained HTML page with the currency, the three totals, tags, the chart and a print stylesheet', async () => {
    // GIVEN the fixture report WHEN rendered as HTML
    const html = renderHtml(await fixtureReport());
    // THEN it has the chart with bars, one table per tenant (two workspaces + unmanaged), the gaps, and loads nothing
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" id="cost-chart"');
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(html.match(/<table class="tenant"/g)).toHaveLength(3);
    expect(html).toContain('data-tenant="acme.shop"');
    expect(html).toContain('id="gaps"');
    expect(html).not.toMatch(/<script|<link|src=|url\(/);
    // AND it states the currency, the totals, the cost centre, the unit price as configured and the real interval
    expect(html).toContain('amounts in <strong id="currency">EUR</strong>');
    expect(html).toContain('<td class="num" id="total-statements">0.07 EUR</td>');
    expect(html).toContain('<td class="num" id="total-unmanaged">0.00 EUR</td>');
    expect(html).toContain('<td class="num" id="total-grand">0.07 EUR</td>');
    expect(html).toContain('Tags: cost_center=cc-42');
    expect(html).toContain('<td class="num">0.001</td>');
    expect(html).toContain('samples taken every 5 minutes');
    expect(html).toContain('@media print');
  });
});
