import type { ResourceType } from '../sample.ts';
import type { HourCoverage } from '../usage/coverage.ts';
import type { Metric, ServerState } from '../usage/usage-line.ts';

/**
 * Money in a report: decimal text in the report's currency, e.g. `"12.34"`. Statement lines
 * and totals have the currency's minor-unit digits; breakdown rows (per resource, per hour)
 * have `BREAKDOWN_EXTRA_DIGITS` more.
 */
export type Money = string;

/** Extra digits of breakdown rows (per resource, per hour): cents → millionths for EUR. */
export const BREAKDOWN_EXTRA_DIGITS = 4;

/** How statements are grouped: by workspace (the default) or by a tenant tag's value. */
export type GroupBy = { readonly kind: 'workspace' } | { readonly kind: 'tag'; readonly tag: string };

/** A tenant's identity on a statement, as of the time of use, and where its usage ran. */
export interface TenantRef {
  /** The platform whose collector sampled the usage. */
  readonly platform: string;
  /** The region the usage ran in ('' for samples stored before regions were recorded). */
  readonly region: string;
  /** Null for projects keyform doesn't manage on this platform. */
  readonly workspace: string | null;
  /** `WORKSPACE.PROJECT`, or the Keystone project name for projects keyform doesn't manage. */
  readonly tenant: string;
  /** The tenant's tags (workspace tags included) when the usage happened. */
  readonly tags: Readonly<Record<string, string>>;
}

/** One stated line: a metric (and qualifier, server state) of a tenant over the period, priced. */
export interface StatementItem {
  readonly metric: Metric;
  readonly label: string;
  readonly unit: string;
  /** Flavor or volume type, readable (`default` for cinder's `__DEFAULT__`). */
  readonly qualifier: string | null;
  readonly state: ServerState | null;
  /** The exact quantity, rounded to 6 decimals for display. */
  readonly quantity: number;
  readonly priceKey: string | null;
  /** The unit price exactly as configured; null when unpriced. */
  readonly unitPrice: string | null;
  /** quantity × unit price, rounded once (see money.ts). */
  readonly amount: Money;
}

/** A tenant's part of a statement (a Keystone project; several if it was replaced). */
export interface TenantStatement extends TenantRef {
  readonly projectIds: readonly string[];
  /** The Keystone project names, as of the time of use. */
  readonly projectNames: readonly string[];
  /** Sorted by metric, qualifier, state. */
  readonly items: readonly StatementItem[];
  /** The sum of `items[].amount`. */
  readonly total: Money;
}

/** What one group (a workspace, or a tag value with `--group-by`) owes for the period. */
export interface Statement {
  readonly group: string;
  /** The workspaces in the group. */
  readonly workspaces: readonly string[];
  readonly tenants: readonly TenantStatement[];
  /** Every UTC day of the period, in order; the days add up to `total`. */
  readonly daily: readonly { readonly day: string; readonly amount: Money }[];
  /** The sum of `tenants[].total`. */
  readonly total: Money;
}

/** One resource's usage of one metric for one tenant over the period: a share of a stated line. */
export interface ResourceCharge extends TenantRef {
  readonly group: string | null;
  readonly projectId: string;
  readonly projectName: string;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  /** The resource's name when the samples have one (a floating IP's address). */
  readonly resourceName: string | null;
  readonly metric: Metric;
  readonly qualifier: string | null;
  readonly state: ServerState | null;
  readonly unit: string;
  readonly quantity: number;
  readonly priceKey: string | null;
  readonly unitPrice: string | null;
  /** This resource's share of its stated line; the shares of a line add up to its amount. */
  readonly amount: Money;
}

/** One resource's usage of one metric in one hour: a share of a stated line. */
export interface HourlyCharge extends ResourceCharge {
  readonly hourStart: number;
}

/** A run of consecutive hours that were not fully covered by samples. */
export interface CoverageGap {
  readonly from: string;
  readonly to: string;
  readonly status: 'partial' | 'missed';
  /** Seconds covered in the whole gap (0 when missed). */
  readonly coveredSeconds: number;
}

/** How many of a period's hours runs cover, and the gaps. */
export interface CoverageSummary {
  readonly hours: number;
  readonly complete: number;
  readonly partial: number;
  readonly missed: number;
  readonly gaps: readonly CoverageGap[];
}

/** Usage of a resource that nothing in the price list prices (charged 0). */
export interface UnpricedUsage {
  readonly platform: string;
  readonly resourceType: ResourceType;
  readonly metric: Metric;
  readonly qualifier: string | null;
  readonly state: ServerState | null;
  readonly quantity: number;
  /** The key that would price it. */
  readonly priceKey: string;
}

/**
 * A metering report: statements per group, usage of unmanaged projects, usage per resource,
 * and what the samples do not cover. Plain JSON; every list is sorted; money as decimal text
 * in `currency`. Totals: `totals.statements` (all groups) + `totals.unmanaged` = `totals.grand`.
 */
export interface MeterReport {
  readonly formatVersion: 2;
  /** The platform reported, or the platforms joined with ', ' for a report across platforms. */
  readonly platform: string;
  readonly from: string;
  readonly to: string;
  /** ISO 4217 code. */
  readonly currency: string;
  /** Digits of the currency's minor unit: statement amounts have this many decimals. */
  readonly currencyDigits: number;
  readonly rounding: string;
  readonly groupBy: GroupBy;
  /** The distinct intervals (seconds) of the runs whose samples the period uses. */
  readonly samplingIntervals: readonly number[];
  /** Per hour, the least covered source: an hour is complete only when every source covers it. */
  readonly coverage: CoverageSummary;
  /** Each platform and region the report covers, with its own coverage, sorted. */
  readonly sources: readonly { readonly platform: string; readonly region: string; readonly coverage: CoverageSummary }[];
  readonly statements: readonly Statement[];
  /** Usage in projects keyform doesn't manage on this platform, by project id and name. */
  readonly unmanaged: readonly TenantStatement[];
  readonly totals: { readonly statements: Money; readonly unmanaged: Money; readonly grand: Money };
  readonly resources: readonly ResourceCharge[];
  readonly unpriced: readonly UnpricedUsage[];
  /** Hourly shares, one per resource, metric and hour; present when asked for. */
  readonly hourly?: readonly HourlyCharge[];
}

/** The rounding rule, as stated in every report. */
export const ROUNDING_RULE = 'each statement line (quantity × unit price, computed exactly) is rounded once, half away from zero, to the currency minor unit; totals are sums of the lines shown';

/** Seconds since the epoch as ISO 8601 UTC with seconds (FOCUS date-time), e.g. `2026-01-01T00:00:00Z`. */
export const isoHour = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

/** Merges consecutive hours of the same non-complete status into gaps. */
export function coverageSummary(hours: readonly HourCoverage[]): CoverageSummary {
  const gaps: CoverageGap[] = [];
  let open: { from: number; to: number; status: 'partial' | 'missed'; covered: number } | undefined;
  const close = () => {
    if (open) gaps.push({ from: isoHour(open.from), to: isoHour(open.to), status: open.status, coveredSeconds: open.covered });
    open = undefined;
  };
  for (const h of hours) {
    if (h.status === 'complete') {
      close();
      continue;
    }
    if (open && open.status === h.status && open.to === h.hourStart) {
      open.to += 3600;
      open.covered += h.coveredSeconds;
      continue;
    }
    close();
    open = { from: h.hourStart, to: h.hourStart + 3600, status: h.status, covered: h.coveredSeconds };
  }
  close();
  const count = (s: HourCoverage['status']) => hours.filter((h) => h.status === s).length;
  return { hours: hours.length, complete: count('complete'), partial: count('partial'), missed: count('missed'), gaps };
}
