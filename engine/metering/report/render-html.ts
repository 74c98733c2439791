import type { MeterReport, Statement, StatementItem, TenantStatement } from '../rating/meter-report.ts';
import { METRICS } from '../usage/usage-line.ts';
import { costChart } from './cost-chart.ts';
import { escapeHtml as e, formatMoney, formatQuantity, intervalText, tagsText } from './html-text.ts';

const STYLE = `
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;margin:2em auto;max-width:960px;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:2px solid #0072B2;padding-bottom:.2em}
.muted{color:#666}.total{font-size:1.3em;font-weight:bold}.tags{font-size:.9em;color:#444}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em}th,td{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:left}
th{background:#f2f6fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:bold;padding:.3em 0}
tr.subtotal td{font-weight:bold;border-top:2px solid #999}tr.grand td{font-size:1.1em}
.notice{background:#fff6d6;border:1px solid #e6c200;padding:.6em 1em;margin:1em 0}
@page{size:A4;margin:15mm 12mm}
@media print{
body{margin:0;max-width:none;padding:0;font-size:10pt;color:#000}
a{color:inherit;text-decoration:none}
th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}
#cost-chart{max-height:70mm}
thead{display:table-header-group}tr{break-inside:avoid}
table.tenant,.notice,#totals{break-inside:avoid}
section.workspace{break-before:page}
h2{break-after:avoid}
}`;

function itemName(i: StatementItem): string {
  const details = [i.qualifier, i.state].filter((x): x is string => x !== null);
  return `${e(i.label)}${details.length ? ` <span class="muted">(${e(details.join(', '))})</span>` : ''}`;
}

function tenantTable(t: TenantStatement, currency: string): string {
  const rows = t.items.map(
    (i) =>
      `<tr><td>${itemName(i)}</td><td class="num">${formatQuantity(i.quantity)}</td><td>${e(i.unit)}</td>` +
      `<td class="num">${i.unitPrice === null ? '<em>not priced</em>' : e(formatMoney(i.unitPrice, null))}</td><td class="num">${e(formatMoney(i.amount, currency))}</td></tr>`,
  );
  const project = t.workspace === null ? `project ${t.projectIds.join(', ')}` : `project ${t.projectNames.join(', ')} (${t.projectIds.join(', ')})`;
  const where = t.region === '' ? t.platform : `${t.platform}, region ${t.region}`;
  const tags = tagsText(t.tags);
  return (
    `<table class="tenant" data-tenant="${e(t.tenant)}"><caption>${t.workspace === null ? 'Project' : 'Tenant'} ${e(t.tenant)} <span class="muted">· ${e(project)} · ${e(where)}</span>` +
    `${tags ? `<br><span class="tags">Tags: ${e(tags)}</span>` : ''}</caption>` +
    `<thead><tr><th>Item</th><th class="num">Quantity</th><th>Unit</th><th class="num">Unit price (${e(currency)})</th><th class="num">Amount</th></tr></thead>` +
    `<tbody>${rows.join('')}<tr class="subtotal"><td colspan="4">Total for ${e(t.tenant)}</td><td class="num">${e(formatMoney(t.total, currency))}</td></tr></tbody></table>`
  );
}

function groupTitle(r: MeterReport, s: Statement): string {
  return r.groupBy.kind === 'workspace' ? `Workspace ${s.group}` : `${r.groupBy.tag} ${s.group}`;
}

function groupSection(r: MeterReport, s: Statement): string {
  const ws = r.groupBy.kind === 'tag' ? `<p class="muted">Workspaces: ${e(s.workspaces.join(', '))}</p>` : '';
  return `<section class="workspace" id="g-${e(s.group)}"><h2>${e(groupTitle(r, s))} <span class="muted">— ${e(formatMoney(s.total, r.currency))}</span></h2>${ws}${s.tenants.map((t) => tenantTable(t, r.currency)).join('')}</section>`;
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
    const items = r.unpriced.map((u) => {
      const details = [u.qualifier, u.state].filter((x): x is string => x !== null);
      return `<li>${e(METRICS[u.metric].label)}${details.length ? ` (${e(details.join(', '))})` : ''}: ${formatQuantity(u.quantity)} ${e(METRICS[u.metric].unit)} <span class="muted">(price key ${e(u.priceKey)})</span></li>`;
    });
    out.push(`<div class="notice" id="unpriced"><strong>Usage without a price</strong> is charged 0; nothing in the price list prices these resources:<ul>${items.join('')}</ul></div>`);
  }
  return out.join('');
}

/** The three totals, each stated: managed groups, unmanaged projects, and their sum. */
function totalsTable(r: MeterReport): string {
  const label = r.groupBy.kind === 'workspace' ? 'workspace' : r.groupBy.tag;
  const rows = r.statements.map((s) => `<tr><td><a href="#g-${e(s.group)}">${e(groupTitle(r, s))}</a></td><td class="num">${s.tenants.length}</td><td class="num">${e(formatMoney(s.total, r.currency))}</td></tr>`);
  return (
    `<table id="totals"><thead><tr><th>${e(label[0]!.toUpperCase() + label.slice(1))}</th><th class="num">Tenants</th><th class="num">Amount</th></tr></thead><tbody>${rows.join('')}` +
    `<tr class="subtotal"><td colspan="2">Total of all ${e(label)} statements</td><td class="num" id="total-statements">${e(formatMoney(r.totals.statements, r.currency))}</td></tr>` +
    `<tr><td colspan="2">Projects not managed by keyform</td><td class="num" id="total-unmanaged">${e(formatMoney(r.totals.unmanaged, r.currency))}</td></tr>` +
    `<tr class="subtotal grand"><td colspan="2">Grand total</td><td class="num" id="total-grand">${e(formatMoney(r.totals.grand, r.currency))}</td></tr></tbody></table>`
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

function samplingText(intervals: readonly number[]): string {
  if (intervals.length === 0) return 'No samples cover this period.';
  return `Usage is measured from samples taken every ${intervals.map(intervalText).join(' or ')}; each sample counts until the next one.`;
}

/**
 * The report as one self-contained HTML page (inline CSS and SVG, no script, no external
 * resource), written for a reader in finance: the currency and the three totals first, a
 * chart of cost per group per day, a table per tenant with its tags, and plain-language
 * notices for missing data and unpriced usage. It prints as a statement (A4, a page per group).
 */
export function renderHtml(r: MeterReport): string {
  const unmanaged =
    r.unmanaged.length > 0
      ? `<section id="unmanaged"><h2>Projects not managed by keyform</h2><p class="muted">Usage in projects without keyform's tags for this platform, by project id and name; not part of any statement.</p>${r.unmanaged.map((t) => tenantTable(t, r.currency)).join('')}</section>`
      : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cloud usage statement ${e(r.platform)} ${e(r.from.slice(0, 10))}</title><style>${STYLE}</style></head>
<body>
<h1>Cloud usage statement</h1>
<p class="muted">Platform <strong>${e(r.platform)}</strong> · ${e(periodText(r.from, r.to))} · amounts in <strong id="currency">${e(r.currency)}</strong></p>
<p class="total">Grand total: ${e(formatMoney(r.totals.grand, r.currency))}</p>
${totalsTable(r)}
${notices(r)}
<h2>Cost per ${e(r.groupBy.kind === 'workspace' ? 'workspace' : r.groupBy.tag)} per day</h2>
${costChart(r.statements, r.currency, r.currencyDigits)}
${r.statements.map((s) => groupSection(r, s)).join('\n')}
${unmanaged}
<p class="muted" id="footer">${e(samplingText(r.samplingIntervals))} Prices are per unit-hour, in ${e(r.currency)}. Rounding: ${e(r.rounding)}.</p>
</body></html>
`;
}
