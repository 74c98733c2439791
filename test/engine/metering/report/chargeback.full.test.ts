import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../../engine/cli/main.ts';
import { testStack } from '../../../openstack/stack.ts';
import { CloudFixture } from '../cloud-fixture.ts';
import { renderedText } from './chromium-text.ts';

/** The columns the FOCUS export must have (FOCUS 1.0 names). */
const FOCUS_REQUIRED = [
  'BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost', 'BillingCurrency', 'BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd',
  'ChargeCategory', 'ChargeDescription', 'ConsumedQuantity', 'ConsumedUnit', 'PricingQuantity', 'PricingUnit', 'ListUnitPrice', 'ServiceName', 'ServiceCategory',
  'ResourceId', 'ResourceName', 'ResourceType', 'RegionId', 'SubAccountId', 'SubAccountName', 'Tags', 'ProviderName', 'PublisherName', 'InvoiceIssuerName',
];

/** Splits one CSV line (fields may be quoted, with "" inside). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(cur), (cur = '');
    else cur += c;
  }
  out.push(cur);
  return out;
}
const rows = (csv: string): Record<string, string>[] => {
  const [head, ...rest] = csv.trim().split('\n').map(fields);
  return rest.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
};
const cents = (money: string): bigint => {
  expect(money, 'an amount in cents').toMatch(/^\d+\.\d{2}$/);
  return BigInt(money.replace('.', ''));
};
const micro = (money: string): bigint => BigInt(money.replace('.', ''));

describe('chargeback statements from a real collection, in EUR', () => {
  const stack = testStack();
  const fixture = new CloudFixture(stack.authUrl);
  const platform = `os-cb-${fixture.tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'kf-chargeback-'));
  const ids = { shop: '', data: '', legacy: '', running: '', stopped: '', flavor: '' };
  const io = (out: string[], err: string[]) => ({ stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), isTTY: false, env: { ...process.env, OS_CLIENT_CONFIG_FILE: stack.cloudsYaml }, cwd: dir });
  const keyform = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, io(out, err));
    return { code, out: out.join(''), err: err.join('') };
  };
  const today = new Date().toISOString().slice(0, 10);
  const report = async (format: string, ...more: string[]) => {
    const r = await keyform('meter', 'report', '--config', dir, '--from', today, '--to', today, '--format', format, ...more);
    expect(r.code, r.err).toBe(0);
    return r.out;
  };

  beforeAll(async () => {
    // GIVEN tenant acme.shop (cost centre cc-42) with a running and a stopped server and a 10 GiB
    // volume, tenant globex.data (cc-7) with a 20 GiB volume, and a project keyform doesn't manage
    // with a 10 GiB volume, all on the real stack (cinder's unnamed default volume type)
    ids.shop = await fixture.project(platform, 'acme', 'shop', ['kf_cost_center=cc-42']);
    ids.data = await fixture.project(platform, 'globex', 'data', ['kf_cost_center=cc-7']);
    ids.legacy = await fixture.plainProject(`legacy-${fixture.tag}`);
    const flavorName = `cb.small`;
    ids.flavor = await fixture.flavor(flavorName, 1, 512, 1);
    const image = await fixture.image(ids.shop, 1024 * 1024);
    ids.running = await fixture.server(ids.shop, ids.flavor, image);
    ids.stopped = await fixture.server(ids.shop, ids.flavor, image);
    await fixture.stopServer(ids.shop, ids.stopped);
    await fixture.volume(ids.shop, 10);
    await fixture.volume(ids.data, 20);
    await fixture.volume(ids.legacy, 10);
    // AND a config with currency EUR and prices written with many digits
    writeFileSync(
      join(dir, 'platform.hcl'),
      `platform "${platform}" {\n  cloud          = "admin"\n  metering_cloud = "admin"\n  region         = "RegionOne"\n}\n\n` +
        `metering "${platform}" {\n  interval = "5m"\n  currency = "EUR"\n  store    = "sqlite://meter.db"\n` +
        `  prices   = { "server.flavor.${flavorName}-${fixture.tag}" = 2.45, "server.stopped.flavor.${flavorName}-${fixture.tag}" = 0.35,\n` +
        `               "volume.type.default.gigabyte_hour" = 0.0125, "image.gigabyte_hour" = 0.045 }\n}\n`,
    );
    // WHEN the metering account collects once, then again within the same interval
    const first = await keyform('meter', 'collect', '--once', '--config', dir);
    expect(first.code, first.err).toBe(0);
    // (a run that crossed into the next 5-minute interval records that one; the next is then within it)
    let again = await keyform('meter', 'collect', '--once', '--config', dir);
    for (let i = 0; i < 2 && !again.err.includes('already recorded'); i++) again = await keyform('meter', 'collect', '--once', '--config', dir);
    // THEN the run within a recorded interval checked the account first and says both things
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/sees every project \(checked compute, identity, image, .*network.*volumev3\)/);
    expect(again.err).toMatch(/already recorded/);
  }, 900_000);

  afterAll(async () => {
    await fixture.cleanup();
  }, 300_000);

  it('states JSON totals in cents: grand total = statements + unmanaged, with cost centres, server states and readable names', async () => {
    const r = JSON.parse(await report('json'));
    expect([r.currency, r.currencyDigits]).toEqual(['EUR', 2]);
    const acme = r.statements.find((s: { group: string }) => s.group === 'acme');
    const shop = acme.tenants[0];
    expect(shop.tags).toEqual({ cost_center: 'cc-42' });
    const servers = shop.items.filter((i: { metric: string }) => i.metric === 'server.hours');
    expect(servers.map((i: { state: string; unitPrice: string; priceKey: string }) => [i.state, i.unitPrice])).toEqual([
      ['running', '2.45'],
      ['stopped', '0.35'],
    ]);
    expect(shop.items.find((i: { metric: string }) => i.metric === 'volume.gib_hours')).toMatchObject({ qualifier: 'default', unitPrice: '0.0125', priceKey: 'volume.type.default.gigabyte_hour' });
    // Totals: every tenant total is the sum of its lines; the statements and unmanaged totals add up to the grand total
    for (const s of r.statements) {
      for (const t of s.tenants) expect(cents(t.total)).toBe(t.items.reduce((a: bigint, i: { amount: string }) => a + cents(i.amount), 0n));
      expect(cents(s.total)).toBe(s.tenants.reduce((a: bigint, t: { total: string }) => a + cents(t.total), 0n));
    }
    expect(cents(r.totals.statements)).toBe(r.statements.reduce((a: bigint, s: { total: string }) => a + cents(s.total), 0n));
    expect(cents(r.totals.grand)).toBe(cents(r.totals.statements) + cents(r.totals.unmanaged));
    expect(cents(r.totals.grand)).toBeGreaterThan(0n);
    // The unmanaged project is listed by its id and name
    const legacy = r.unmanaged.find((t: { projectIds: string[] }) => t.projectIds.includes(ids.legacy));
    expect(legacy.tenant).toBe(`legacy-${fixture.tag}`);
    expect(r.samplingIntervals).toEqual([300]);
  });

  it('writes a CSV statement whose grand total is the sum of the totals shown, with the cost centre on every line', async () => {
    const csv = rows(await report('csv'));
    const ours = csv.filter((x) => x['tenant']?.startsWith('acme.') || x['tenant']?.startsWith('globex.'));
    expect(ours.length).toBeGreaterThan(0);
    for (const x of ours) expect(x['tag:cost_center']).toBe(x['tenant'] === 'acme.shop' ? 'cc-42' : 'cc-7');
    for (const x of csv) expect(x['currency']).toBe('EUR');
    const total = (record: string) => csv.filter((x) => x['record'] === record).map((x) => cents(x['amount']!));
    const groups = total('group_total').reduce((a, b) => a + b, 0n);
    expect(total('statements_total')).toEqual([groups]);
    expect(total('grand_total')).toEqual([groups + total('unmanaged_total')[0]!]);
    // AND grouped by cost centre, cc-42 holds acme's lines
    const byCc = rows(await report('csv', '--group-by', 'cost_center'));
    expect(byCc.filter((x) => x['tenant'] === 'acme.shop').map((x) => x['group'])).toContain('cc-42');
  });

  it('writes FOCUS rows with the required columns whose BilledCost sums to the statement total', async () => {
    const json = JSON.parse(await report('json'));
    const text = await report('focus');
    const header = fields(text.split('\n')[0]!);
    for (const c of FOCUS_REQUIRED) expect(header, c).toContain(c);
    const focus = rows(text);
    expect(focus.reduce((a, x) => a + micro(x['BilledCost']!), 0n)).toBe(cents(json.totals.grand) * 10_000n);
    const shop = focus.filter((x) => x['SubAccountId'] === ids.shop);
    expect(shop.length).toBeGreaterThan(0);
    for (const x of shop) {
      expect(JSON.parse(x['Tags']!)).toMatchObject({ cost_center: 'cc-42', 'keyform.workspace': 'acme', 'keyform.tenant': 'acme.shop' });
      expect([x['BillingCurrency'], x['ChargeCategory'], x['RegionId']]).toEqual(['EUR', 'Usage', 'RegionOne']);
      expect(Date.parse(x['ChargePeriodEnd']!) - Date.parse(x['ChargePeriodStart']!)).toBe(3_600_000);
    }
    expect(shop.find((x) => x['ResourceId'] === ids.stopped && x['SkuId'] === 'server.hours')).toMatchObject({ ListUnitPrice: '0.35', x_ServerState: 'stopped' });
  });

  it('renders HTML in headless Chromium showing the currency, the totals and the cost centre, on screen and in print', async () => {
    const json = JSON.parse(await report('json'));
    const page = join(dir, 'statement.html');
    writeFileSync(page, await report('html'));
    expect(readFileSync(page, 'utf8')).toContain('<!DOCTYPE html>');
    for (const media of [undefined, 'print'] as const) {
      const text = await renderedText(page, media);
      expect(text, media ?? 'screen').toContain('amounts in EUR');
      expect(text).toContain(`Grand total: ${json.totals.grand} EUR`);
      expect(text).toContain('Tags: cost_center=cc-42');
      expect(text).toContain('Tags: cost_center=cc-7');
      expect(text).toContain('samples taken every 5 minutes');
    }
  }, 180_000);
});
