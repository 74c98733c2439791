import type { Statement } from '../rating/meter-report.ts';
import { escapeHtml, formatMoney } from './html-text.ts';
import { compareCodeUnits } from '../../../constructs/model/code-unit-order.ts';

/** Colour-blind-safe palette (Okabe–Ito), one colour per charted workspace. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;
const OTHERS_COLOUR = '#999999';

interface Series {
  readonly name: string;
  readonly colour: string;
  readonly daily: readonly number[];
}

/** The top workspaces by total get their own colour; the rest are stacked as "others". */
function series(statements: readonly Statement[]): Series[] {
  const ranked = [...statements].sort((a, b) => Number(b.total) - Number(a.total) || compareCodeUnits(a.group, b.group));
  const own = ranked.slice(0, PALETTE.length - 1);
  const rest = ranked.slice(PALETTE.length - 1);
  // Numbers only place the bars; every amount shown is the statement's own text.
  const out: Series[] = own.map((s, i) => ({ name: s.group, colour: PALETTE[i]!, daily: s.daily.map((d) => Number(d.amount)) }));
  if (rest.length > 0) {
    const days = rest[0]!.daily.length;
    out.push({ name: `${rest.length} other workspaces`, colour: OTHERS_COLOUR, daily: Array.from({ length: days }, (_, i) => rest.reduce((s, w) => s + Number(w.daily[i]?.amount ?? 0), 0)) });
  }
  return out;
}

/** A round axis maximum at or above `max`: 1, 2, 2.5 or 5 times a power of ten. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= max)!;
}

/**
 * An inline SVG stacked bar chart of cost per workspace per day, with axes, a legend and a
 * `<title>` per bar segment (hover shows workspace, day and amount). Pure SVG: no script.
 */
export function costChart(statements: readonly Statement[], currency: string, digits: number): string {
  const days = statements[0]?.daily.map((d) => d.day) ?? [];
  const s = series(statements);
  const W = 900, H = 320, left = 70, right = 20, top = 20, bottom = 60;
  const plotW = W - left - right, plotH = H - top - bottom;
  const totals = days.map((_, i) => s.reduce((sum, x) => sum + (x.daily[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const band = plotW / Math.max(1, days.length);
  const barW = Math.max(1, band * 0.7);
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(`<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${escapeHtml(formatMoney(v.toFixed(digits), currency))}</text>`);
  }
  days.forEach((day, i) => {
    let base = 0;
    const x = left + i * band + (band - barW) / 2;
    for (const ser of s) {
      const v = ser.daily[i] ?? 0;
      if (v > 0) {
        parts.push(
          `<rect class="bar" x="${x.toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${ser.colour}"><title>${escapeHtml(`${ser.name}, ${day}: ${formatMoney(v.toFixed(digits), currency)}`)}</title></rect>`,
        );
      }
      base += v;
    }
    const every = Math.ceil(days.length / 15);
    if (i % every === 0) parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle" font-size="11">${day.slice(5)}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${W - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  const legend = s.map((ser, i) => `<g transform="translate(${left + i * 140},${H - 22})"><rect width="12" height="12" fill="${ser.colour}"/><text x="16" y="11" font-size="12">${escapeHtml(ser.name)}</text></g>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="cost-chart" role="img" viewBox="0 0 ${W} ${H}" width="100%" aria-label="Cost per day">` +
    `<title>Cost per day (${escapeHtml(currency)})</title>${parts.join('')}${legend.join('')}</svg>`
  );
}
