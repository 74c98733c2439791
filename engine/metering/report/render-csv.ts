import { isoHour, type MeterReport, type ResourceCharge } from '../rating/meter-report.ts';
import { csvRow } from './csv-text.ts';

/** Every tag key on the report's lines, sorted: one `tag:KEY` column each. */
function tagKeys(r: MeterReport): string[] {
  const keys = new Set<string>();
  for (const t of [...r.statements.flatMap((s) => s.tenants), ...r.unmanaged]) for (const k of Object.keys(t.tags)) keys.add(k);
  return [...keys].sort();
}

const LINE_COLUMNS = ['record', 'currency', 'group', 'platform', 'region', 'workspace', 'tenant', 'project_ids', 'project_names'];
const ITEM_COLUMNS = ['metric', 'qualifier', 'state', 'quantity', 'unit', 'price_key', 'unit_price', 'amount'];

/**
 * The statement as CSV (RFC 4180, header line first): one `line` row per stated line (a
 * tenant's metric over the period, amount rounded once), then a `tenant_total` row per
 * tenant, a `group_total` row per statement, and `statements_total`, `unmanaged_total` and
 * `grand_total` rows; every total is the sum of the rows it covers. Every row names the
 * currency and carries the tenant's tags, one `tag:KEY` column per key (cost centres).
 * `group` is the workspace, or the tag value with `--group-by`; empty for unmanaged projects.
 * `platform` and `region` say where the line's usage ran (a tenant used in two regions has
 * a set of lines per region).
 */
export function renderCsv(r: MeterReport): string {
  const keys = tagKeys(r);
  const out = [csvRow([...LINE_COLUMNS, ...keys.map((k) => `tag:${k}`), ...ITEM_COLUMNS])];
  const blank = (n: number) => new Array<null>(n).fill(null);
  const total = (record: string, group: string | null, amount: string) => csvRow([record, r.currency, group, ...blank(LINE_COLUMNS.length - 3 + keys.length + ITEM_COLUMNS.length - 1), amount]);
  const tenants = (group: string | null, ts: MeterReport['unmanaged']) => {
    for (const t of ts) {
      const head = [r.currency, group, t.platform, t.region, t.workspace, t.tenant, t.projectIds.join(' '), t.projectNames.join(' '), ...keys.map((k) => t.tags[k] ?? null)];
      for (const i of t.items) out.push(csvRow(['line', ...head, i.metric, i.qualifier, i.state, i.quantity, i.unit, i.priceKey, i.unitPrice, i.amount]));
      out.push(csvRow(['tenant_total', ...head, ...blank(ITEM_COLUMNS.length - 1), t.total]));
    }
  };
  for (const s of r.statements) {
    tenants(s.group, s.tenants);
    out.push(total('group_total', s.group, s.total));
  }
  out.push(total('statements_total', null, r.totals.statements));
  tenants(null, r.unmanaged);
  out.push(total('unmanaged_total', null, r.totals.unmanaged));
  out.push(total('grand_total', null, r.totals.grand));
  return out.join('');
}

const HOURLY_COLUMNS = ['hour', 'currency', 'group', 'platform', 'region', 'workspace', 'tenant', 'project_id', 'project_name', 'resource_type', 'resource_id', 'metric', 'qualifier', 'state', 'quantity', 'unit', 'unit_price', 'amount'];

/**
 * The report's hourly breakdown as CSV: one row per hour, resource and metric, with its
 * share of its stated line (more digits than the statement; the shares of a line add up to
 * the line), the tenant's tags as `tag:KEY` columns, and a final `grand_total` row.
 */
export function renderHourlyCsv(r: MeterReport): string {
  const keys = tagKeys(r);
  const out = [csvRow([...HOURLY_COLUMNS, ...keys.map((k) => `tag:${k}`)])];
  const row = (hour: string, c: ResourceCharge) =>
    csvRow([hour, r.currency, c.group, c.platform, c.region, c.workspace, c.tenant, c.projectId, c.projectName, c.resourceType, c.resourceId, c.metric, c.qualifier, c.state, c.quantity, c.unit, c.unitPrice, c.amount, ...keys.map((k) => c.tags[k] ?? null)]);
  for (const c of r.hourly ?? []) out.push(row(isoHour(c.hourStart), c));
  const last: (string | null)[] = new Array<null>(HOURLY_COLUMNS.length + keys.length).fill(null);
  last[0] = 'grand_total';
  last[1] = r.currency;
  last[HOURLY_COLUMNS.indexOf('amount')] = r.totals.grand;
  out.push(csvRow(last));
  return out.join('');
}
