import type { MeterReport, Statement, TenantStatement } from '../rating/meter-report.ts';
import { priceKeys } from '../rating/price-list.ts';
import { METRICS } from '../usage/usage-line.ts';
import { costChart } from './cost-chart.ts';
import { escapeHtml as e, formatAmount, formatQuantity } from './html-text.ts';

const STYLE = `
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:2em auto;max-width:960px;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
h3{margin:1.2em 0 .4em}.muted{color:#666}.total{font-size:1.3em;font-weight:bold}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}th,td{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:left}
th{background:#f2f6fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.subtotal td{font-weight:bold;border-top:2px solid #999}
.notice{background:#fff6d6;border:1px solid #e6c200;padding:.6em 1em;margin:1em 0}
@media print{.notice{break-inside:avoid}section{break-inside:avoid-page}}`;

function tenantTable(t: TenantStatement, currency: string | null): string {
  const rows = t.items.map(
    (i) =>
      `<tr><td>${e(i.label)}${i.qualifier ? ` <span class="muted">(${e(i.qualifier)})</span>` : ''}</td><td class="num">${formatQuantity(i.quantity)}</td>` +
      `<td>${e(i.unit)}</td><td class="num">${i.unitPrice === null ? '<em>not priced</em>' : e(formatAmount(i.unitPrice, null))}</td><td class="num">${e(formatAmount(i.amount, currency))}</td></tr>`,
  );
  return (
    `<table class="tenant" data-tenant="${e(t.tenant)}"><caption style="text-align:left;font-weight:bold;padding:.3em 0">Tenant ${e(t.tenant)}</caption>` +
    `<thead><tr><th>Item</th><th class="num">Quantity</th><th>Unit</th><th class="num">Unit price</th><th class="num">Amount</th></tr></thead>` +
    `<tbody>${rows.join('')}<tr class="subtotal"><td colspan="4">Total for ${e(t.tenant)}</td><td class="num">${e(formatAmount(t.total, currency))}</td></tr></tbody></table>`
  );
}

function workspaceSection(s: Statement, currency: string | null): string {
  return `<section class="workspace" id="ws-${e(s.workspace)}"><h2>Workspace ${e(s.workspace)} <span class="muted">— ${e(formatAmount(s.total, currency))}</span></h2>${s.tenants.map((t) => tenantTable(t, currency)).join('')}</section>`;
}

function notices(r: MeterReport): string {
  const out: string[] = [];
  if (r.coverage.gaps.length > 0) {
    const items = r.coverage.gaps.map(
      (g) => `<li>${e(g.from)} to ${e(g.to)}: ${g.status === 'missed' ? 'no samples' : `samples cover ${Math.round(g.coveredSeconds / 60)} minutes`}</li>`,
    );
    out.push(
      `<div class="notice" id="gaps"><strong>Incomplete data.</strong> ${r.coverage.missed} of ${r.coverage.hours} hours have no samples and ${r.coverage.partial} are only partly sampled. ` +
        `Usage in those hours is not counted (nothing is estimated):<ul>${items.join('')}</ul></div>`,
    );
  }
  if (r.unpriced.length > 0) {
    const items = r.unpriced.map(
      (u) =>
        `<li>${e(METRICS[u.metric].label)}${u.qualifier ? ` (${e(u.qualifier)})` : ''}: ${formatQuantity(u.quantity)} ${e(METRICS[u.metric].unit)} <span class="muted">(price key ${e(priceKeys(u.metric, u.qualifier)[0]!)})</span></li>`,
    );
    out.push(`<div class="notice" id="unpriced"><strong>Usage without a price</strong> is charged 0; the price list has no price for:<ul>${items.join('')}</ul></div>`);
  }
  return out.join('');
}

function summaryTable(r: MeterReport): string {
  const rows = r.statements.map((s) => `<tr><td><a href="#ws-${e(s.workspace)}">${e(s.workspace)}</a></td><td class="num">${s.tenants.length}</td><td class="num">${e(formatAmount(s.total, r.currency))}</td></tr>`);
  return (
    `<table id="summary"><thead><tr><th>Workspace</th><th class="num">Tenants</th><th class="num">Amount</th></tr></thead>` +
    `<tbody>${rows.join('')}<tr class="subtotal"><td colspan="2">Total (all workspaces)</td><td class="num">${e(formatAmount(r.statements.reduce((a, s) => a + s.total, 0), r.currency))}</td></tr></tbody></table>`
  );
}

/** Whole days read as a finance person writes them (last day included); else hours. */
function periodText(from: string, to: string): string {
  const midnight = (iso: string) => iso.endsWith('T00:00:00Z');
  if (midnight(from) && midnight(to)) {
    const last = new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
    return `${from.slice(0, 10)} to ${last} (UTC, both days included)`;
  }
  return `${from.replace(':00Z', 'Z')} to ${to.replace(':00Z', 'Z')} (UTC, end excluded)`;
}

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no script, no external
 * resource), written for a reader in finance: totals first, a chart of cost per workspace
 * per day, a table per tenant, and plain-language notices for missing data and unpriced usage.
 */
export function renderHtml(r: MeterReport): string {
  const period = periodText(r.from, r.to);
  const unassigned =
    r.unassigned.length > 0
      ? `<section id="unassigned"><h2>Projects not managed by keyform</h2><p class="muted">Usage in projects without keyform's workspace tags; not part of any workspace statement.</p>${r.unassigned.map((t) => tenantTable(t, r.currency)).join('')}</section>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cloud usage statement ${e(r.platform)} ${e(r.from.slice(0, 10))}</title><style>${STYLE}</style></head>
<body>
<h1>Cloud usage statement</h1>
<p class="muted">Platform <strong>${e(r.platform)}</strong> · ${e(period)}</p>
<p class="total">Total for all workspaces: ${e(formatAmount(r.statements.reduce((a, s) => a + s.total, 0), r.currency))}</p>
${notices(r)}
<h2>Cost per workspace per day</h2>
${costChart(r.statements, r.currency)}
<h2>Workspaces</h2>
${summaryTable(r)}
${r.statements.map((s) => workspaceSection(s, r.currency)).join('\n')}
${unassigned}
<p class="muted">Usage is measured from samples taken every few minutes; each sample counts until the next one. Prices are per unit-hour.</p>
</body></html>
`;
}
