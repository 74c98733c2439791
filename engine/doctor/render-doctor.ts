import { indentedCanonicalJson } from '../../constructs/index.ts';
import { countStatuses, passed, type CheckStatus, type DoctorReport, type PlatformReport } from './check-row.ts';

/** The version of the JSON report's shape; scripts should check it. */
export const DOCTOR_FORMAT_VERSION = 1;

const LABEL: Readonly<Record<CheckStatus, string>> = { ok: 'ok', warn: 'warn', fail: 'FAIL' };

/**
 * The report for a terminal: per platform a header, one line per check (status, id, what
 * was found) with a `fix:` line under every warning and failure, and the counts.
 * @example renderDoctorText(report) // 'Platform os-prod (cloud prod, …)\n  ok    keystone.reachable  …'
 */
export function renderDoctorText(report: DoctorReport): string {
  const width = Math.max(0, ...report.platforms.flatMap((p) => p.rows.map((r) => r.check.length)));
  const blocks = report.platforms.map((p) => platformText(p, width));
  const failing = report.platforms.filter((p) => p.rows.some((r) => r.status === 'fail')).map((p) => p.platform);
  const verdict = passed(report)
    ? `keyform doctor: no check failed on ${report.platforms.length} platform${report.platforms.length === 1 ? '' : 's'}.`
    : `keyform doctor: checks failed on ${failing.join(', ')}. Fix them before planning.`;
  return `${blocks.join('\n')}\n${verdict}\n`;
}

function platformText(p: PlatformReport, width: number): string {
  const metering = p.meteringCloud === null ? 'no metering account' : `metering ${p.meteringCloud}`;
  const limits = p.limitsCloud === null ? '' : `, limits ${p.limitsCloud}`;
  const lines = [`Platform ${p.platform} (cloud ${p.cloud ?? 'none found'}, ${metering}${limits}, region ${p.region})`];
  const indent = ' '.repeat(2 + 6 + width + 2);
  for (const r of p.rows) {
    lines.push(`  ${LABEL[r.status].padEnd(6)}${r.check.padEnd(width)}  ${r.found}`);
    if (r.status !== 'ok') lines.push(`${indent}fix: ${r.fix}`);
  }
  const c = countStatuses(p.rows);
  lines.push(`  ${c.ok} ok, ${c.warn} warn, ${c.fail} fail`);
  return `${lines.join('\n')}\n`;
}

/**
 * The report as canonical JSON (keys sorted; checks in the order they ran):
 * `{ format_version, passed, platforms: [{ platform, cloud, metering_cloud, limits_cloud, region, summary, checks: [{ check, status, found, fix }] }] }`.
 */
export function renderDoctorJson(report: DoctorReport): string {
  return `${indentedCanonicalJson({
    format_version: DOCTOR_FORMAT_VERSION,
    passed: passed(report),
    platforms: report.platforms.map((p) => ({
      platform: p.platform,
      cloud: p.cloud,
      metering_cloud: p.meteringCloud,
      limits_cloud: p.limitsCloud,
      region: p.region,
      summary: countStatuses(p.rows),
      checks: p.rows,
    })),
  })}\n`;
}
