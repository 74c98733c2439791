import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../../engine/cli/main.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { DAY0, PROJECTS, SERVER } from './report-fixture.ts';

/** A config folder for platform os-test with `currency` (or none) and a store holding one hour of a server. */
async function folder(currency: string | undefined): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kf-report-cli-'));
  writeFileSync(
    join(dir, 'a.hcl'),
    `platform "os-test" {\n  cloud  = "admin"\n  region = "RegionOne"\n}\n` +
      `metering "os-test" {\n  interval = "5m"\n${currency ? `  currency = "${currency}"\n` : ''}  store    = "sqlite://m.db"\n  prices   = { "server.flavor.m1.small" = 0.045 }\n}\n`,
  );
  const store = (await openSqliteStore(join(dir, 'm.db')))._unsafeUnwrap();
  for (let t = DAY0; t < DAY0 + 3600; t += 300) (await store.recordRun({ platform: 'os-test', region: 'RegionOne', sampledAt: t, intervalSeconds: 300, startedAt: t, finishedAt: t, sampleCount: 1 }, [SERVER], PROJECTS))._unsafeUnwrap();
  await store.close();
  return dir;
}

async function keyform(dir: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['meter', 'report', '--config', dir, '--from', '2026-03-01', '--to', '2026-03-01', ...args], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env: {}, cwd: dir });
  return { code, out: out.join(''), err: err.join('') };
}

describe('keyform meter report', () => {
  it('refuses to state amounts without a currency, saying what to add', async () => {
    // GIVEN a metering block without currency WHEN a report is asked for
    const r = await keyform(await folder(undefined));
    // THEN it fails with advice and writes no statement
    expect(r.code).toBe(1);
    expect(r.err).toContain('names no currency: add currency = "EUR"');
    expect(r.out).toBe('');
  });

  it('writes a FOCUS CSV with --format focus and statements per cost centre with --group-by', async () => {
    // GIVEN one hour of an m1.small server at 0.045 EUR, tenant acme.shop of cost centre cc-42
    const dir = await folder('EUR');
    // WHEN reported as FOCUS and as CSV grouped by cost_center
    const focus = await keyform(dir, '--format', 'focus');
    const csv = await keyform(dir, '--group-by', 'cost_center');
    // THEN the FOCUS server-hour row bills 0.05 (0.045 rounded once) and the CSV's group is cc-42
    expect(focus.code, focus.err).toBe(0);
    expect(focus.out.split('\n')[0]).toMatch(/^BilledCost,EffectiveCost,ListCost,ContractedCost,BillingCurrency,/);
    expect(focus.out).toContain('0.050000,0.050000,0.050000,0.050000,EUR,os-test');
    expect(csv.out).toContain('group_total,EUR,cc-42,');
    expect(csv.out).toContain('grand_total,EUR,,,,,,,,,,,,,,,,0.05');
  });

  it('refuses a --group-by that is not a tag key', async () => {
    // GIVEN a report folder WHEN grouped by something that can't be a tag key THEN exit 1 with advice
    const r = await keyform(await folder('EUR'), '--group-by', 'cost center!');
    expect(r.code).toBe(1);
    expect(r.err).toContain('--group-by cost_center');
  });
});
