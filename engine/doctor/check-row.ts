/**
 * What `keyform doctor` reports: per platform, one row per check. A row says what was found
 * and, unless it is `ok`, how to fix it, each in one line. Plain readonly JSON data.
 *
 * | status | meaning                                                              |
 * |--------|----------------------------------------------------------------------|
 * | ok     | works as keyform needs it                                            |
 * | warn   | works, but a feature is off or a setting is weaker than it should be |
 * | fail   | plan, apply or metering will fail (or be wrong) until it is fixed    |
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckRow {
  /** Stable id for scripts, `area.subject`, e.g. `keystone.version`, `metering.volumev3`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found, one line. */
  readonly found: string;
  /** How to fix it, one line; empty when the status is `ok`. */
  readonly fix: string;
}

/** Everything checked for one platform, in the order the checks ran. */
export interface PlatformReport {
  readonly platform: string;
  /**
   * The replicator's cloud as resolved: the platform's `cloud`, else OS_CLOUD's, else
   * `envvars` for the OS_* variables; null when none could be found.
   */
  readonly cloud: string | null;
  /** clouds.yaml entry of the metering account; null when the platform names none. */
  readonly meteringCloud: string | null;
  /** clouds.yaml entry for unified limits; null when the platform names none. */
  readonly limitsCloud: string | null;
  readonly region: string;
  readonly rows: readonly CheckRow[];
}

/** The doctor's answer for every platform checked, sorted by platform id. */
export interface DoctorReport {
  readonly platforms: readonly PlatformReport[];
}

/** A check that passed. */
export function ok(check: string, found: string): CheckRow {
  return { check, status: 'ok', found, fix: '' };
}

/** A check that passed with a feature off or a weak setting. */
export function warn(check: string, found: string, fix: string): CheckRow {
  return { check, status: 'warn', found, fix };
}

/** A check that failed. */
export function fail(check: string, found: string, fix: string): CheckRow {
  return { check, status: 'fail', found, fix };
}

/** Rows per status, every status present. */
export function countStatuses(rows: readonly CheckRow[]): Readonly<Record<CheckStatus, number>> {
  const out: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const r of rows) out[r.status]++;
  return out;
}

/** True when no row of any platform failed: `keyform doctor` exits 0 exactly then. */
export function passed(report: DoctorReport): boolean {
  return report.platforms.every((p) => p.rows.every((r) => r.status !== 'fail'));
}
