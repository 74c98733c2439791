import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../../engine/metering/sample.ts';
import { buildReport, parsePeriod } from '../../../../engine/metering/report/build-report.ts';
import { PALETTE } from '../../../../engine/metering/report/cost-chart.ts';
import { renderHtml } from '../../../../engine/metering/report/render-html.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { countColour, decodePng } from './png-pixels.ts';

/** Debian's chromium; test/openstack/install.sh installs it with the other test packages. */
const CHROMIUM = '/usr/bin/chromium';

/** A week of hourly runs: three workspaces whose usage differs by day. */
async function weekReport() {
  const dir = mkdtempSync(join(tmpdir(), 'kf-shot-'));
  const store = (await openSqliteStore(join(dir, 'm.db')))._unsafeUnwrap();
  const day0 = Date.UTC(2026, 2, 2) / 1000;
  const ws = ['acme', 'globex', 'initech'];
  const projects = ws.map((w) => ({ projectId: `p-${w}`, name: `${w}.app`, owner: { platform: 'os-prod', workspace: w, project: 'app' } }));
  for (let t = day0; t < day0 + 7 * 86400; t += 3600) {
    const day = Math.floor((t - day0) / 86400);
    const samples: Sample[] = ws.flatMap((w, i) =>
      Array.from({ length: 1 + ((day + i) % 3) }, (_, k) => ({
        resourceId: `${w}-srv-${k}`,
        resourceType: 'server' as const,
        projectId: `p-${w}`,
        traits: { flavor: i === 0 ? 'm1.large' : 'm1.small', vcpus: 2, ram_mib: 4096, disk_gib: 20, status: 'ACTIVE' },
      })),
    );
    (await store.recordRun({ platform: 'os-prod', region: 'RegionOne', sampledAt: t, intervalSeconds: 3600, startedAt: t, finishedAt: t, sampleCount: samples.length }, samples, projects))._unsafeUnwrap();
  }
  const prices = { 'server.flavor.m1.small': 0.05, 'server.flavor.m1.large': 0.2, 'server.vcpu_hour': 0.01 };
  const report = (await buildReport(store, { platforms: [{ platform: 'os-prod', region: 'RegionOne', prices }], period: parsePeriod('2026-03-02', '2026-03-08')._unsafeUnwrap(), currency: { code: 'EUR', digits: 2 } }))._unsafeUnwrap();
  await store.close();
  return { report, dir };
}

describe('HTML report in a browser', () => {
  it('shows the cost chart and the tenant tables when Chromium renders it', async () => {
    // GIVEN a week's report written as a single HTML file
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (test/openstack/install.sh does)`).toBe(true);
    const { report, dir } = await weekReport();
    const page = join(dir, 'report.html');
    writeFileSync(page, renderHtml(report));
    // WHEN headless Chromium takes a screenshot of it (no network, fresh profile)
    const shot = join(dir, 'report.png');
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
    execFileSync(CHROMIUM, [...flags, `--user-data-dir=${join(dir, 'profile')}`, `--screenshot=${shot}`, '--window-size=1000,1800', '--hide-scrollbars', `file://${page}`], { stdio: 'ignore', timeout: 90_000 });
    const pixels = decodePng(readFileSync(shot));
    // THEN the chart's bars are painted in the first three workspace colours
    for (const colour of PALETTE.slice(0, 3)) expect(countColour(pixels, colour), `bars in ${colour}`).toBeGreaterThan(2000);
    // AND the tables' header rows are painted: the summary and one per tenant, each ~950 × 25 px
    expect(countColour(pixels, '#f2f6fa')).toBeGreaterThan(4 * 900 * 20);
  }, 120_000);
});
