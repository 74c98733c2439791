import type { MeterReport } from '../rating/meter-report.ts';
import { METRICS } from '../usage/usage-line.ts';

/**
 * A CSV field: quoted when it holds a separator, quote or newline; text that a spreadsheet
 * would run as a formula (=, +, -, @) is prefixed with `'`.
 */
function field(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const row = (fields: readonly (string | number | null)[]): string => `${fields.map(field).join(',')}\n`;

const COLUMNS = ['workspace', 'tenant', 'project_id', 'resource_type', 'resource_id', 'metric', 'qualifier', 'quantity', 'unit', 'unit_price', 'amount'];

/**
 * The report as CSV (RFC 4180, header line first): one row per resource and metric over the
 * period, or with `hourly`, one row per hour, resource and metric (an `hour` column first).
 * Projects keyform doesn't manage have an empty workspace and their name as tenant.
 */
export function renderCsv(report: MeterReport): string {
  const out: string[] = [];
  if (report.hourly) {
    out.push(row(['hour', ...COLUMNS]));
    for (const c of report.hourly) {
      const hour = new Date(c.hourStart * 1000).toISOString().replace('.000Z', 'Z');
      out.push(row([hour, c.workspace, c.tenant, c.projectId, c.resourceType, c.resourceId, c.metric, c.qualifier, c.quantity, METRICS[c.metric].unit, c.unitPrice, c.amount]));
    }
    return out.join('');
  }
  out.push(row(COLUMNS));
  for (const r of report.resources) {
    out.push(row([r.workspace, r.tenant, r.projectId, r.resourceType, r.resourceId, r.metric, r.qualifier, r.quantity, r.unit, r.unitPrice, r.amount]));
  }
  return out.join('');
}
