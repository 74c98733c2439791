import { describe, expect, it } from 'vitest';
import { buildReport, parsePeriod } from '../../../../engine/metering/report/build-report.ts';
import { renderCsv } from '../../../../engine/metering/report/render-csv.ts';
import { renderHtml } from '../../../../engine/metering/report/render-html.ts';
import { renderJson } from '../../../../engine/metering/report/render-json.ts';
import { PRICES, fixtureStore } from './report-fixture.ts';

async function fixtureReport(hourly = false) {
  const store = await fixtureStore();
  const period = parsePeriod('2026-03-01', '2026-03-02')._unsafeUnwrap();
  const r = (await buildReport(store, { platform: 'os-test', period, prices: PRICES, hourly }))._unsafeUnwrap();
  await store.close();
  return r;
}

describe('report renderers', () => {
  it('writes one CSV row per resource and metric over the period', async () => {
    // GIVEN the fixture report WHEN rendered as CSV THEN the rows are exactly these
    expect(renderCsv(await fixtureReport())).toBe(
      [
        'workspace,tenant,project_id,resource_type,resource_id,metric,qualifier,quantity,unit,unit_price,amount',
        'acme,acme.shop,p-shop,server,srv-1,ram.gib_hours,,4,GiB-hour,,0',
        'acme,acme.shop,p-shop,server,srv-1,server.hours,m1.small,2,server-hour,0.02,0.04',
        'acme,acme.shop,p-shop,server,srv-1,vcpu.hours,,2,vCPU-hour,,0',
        'globex,globex.data,p-data,volume,vol-1,volume.gib_hours,ssd,25,GiB-hour,0.001,0.025',
        ',legacy,p-other,floatingip,fip-1,floatingip.hours,,2,IP-hour,,0',
        '',
      ].join('\n'),
    );
  });

  it('writes one CSV row per hour with --hourly, and guards text against spreadsheet formulas', async () => {
    // GIVEN the hourly fixture report
    const r = await fixtureReport(true);
    // WHEN rendered as CSV
    const rows = renderCsv(r).trim().split('\n');
    // THEN every hourly line is a row: 2 h × 3 server metrics + 2.5 h of volume (3 lines) + 2 FIP lines
    expect(rows[0]).toBe('hour,workspace,tenant,project_id,resource_type,resource_id,metric,qualifier,quantity,unit,unit_price,amount');
    expect(rows).toHaveLength(1 + 6 + 3 + 2);
    expect(rows).toContain('2026-03-02T00:00:00Z,globex,globex.data,p-data,volume,vol-1,volume.gib_hours,ssd,5,GiB-hour,0.001,0.005');
    // AND a project named like a formula is quoted harmlessly
    const evil = { ...r, hourly: undefined, resources: [{ ...r.resources[0]!, tenant: '=HYPERLINK("x")' }] };
    expect(renderCsv(evil).split('\n')[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('writes JSON that reads back to the same report', async () => {
    // GIVEN the fixture report WHEN rendered as JSON and parsed THEN it is the report
    const r = await fixtureReport();
    expect(JSON.parse(renderJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('writes a self-contained HTML page with the chart, a table per tenant and the gap notice', async () => {
    // GIVEN the fixture report WHEN rendered as HTML
    const html = renderHtml(await fixtureReport());
    // THEN it has the chart with bars, one table per tenant (two workspaces + unassigned), the gaps, and loads nothing
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" id="cost-chart"');
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(html.match(/<table class="tenant"/g)).toHaveLength(3);
    expect(html).toContain('data-tenant="acme.shop"');
    expect(html).toContain('id="gaps"');
    expect(html).not.toMatch(/<script|<link|src=|url\(/);
  });
});
