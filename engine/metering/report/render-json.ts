import type { MeterReport } from '../rating/meter-report.ts';

/** The report as JSON: the `MeterReport` shape (see rating/meter-report.ts), two-space indented. */
export function renderJson(report: MeterReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
