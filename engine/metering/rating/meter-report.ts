import type { ProjectRecord, ResourceType } from '../sample.ts';
import type { HourCoverage } from '../usage/coverage.ts';
import type { Period } from '../usage/hourly-usage.ts';
import { METRICS, type Metric, type UsageLine } from '../usage/usage-line.ts';
import { priceFor, type Charge, type PriceList } from './price-list.ts';

/** One metric (and qualifier) of a tenant over the period, priced. */
export interface StatementItem {
  readonly metric: Metric;
  readonly label: string;
  readonly unit: string;
  readonly qualifier: string | null;
  readonly quantity: number;
  readonly priceKey: string | null;
  readonly unitPrice: number | null;
  readonly amount: number;
}

/** A tenant's part of a statement (a Keystone project; several if it was replaced). */
export interface TenantStatement {
  /** `WORKSPACE.PROJECT`, or the Keystone project name for projects keyform doesn't manage. */
  readonly tenant: string;
  readonly projectIds: readonly string[];
  /** Sorted by metric, then qualifier. */
  readonly items: readonly StatementItem[];
  readonly total: number;
}

/** What one workspace owes for the period. */
export interface Statement {
  readonly workspace: string;
  readonly tenants: readonly TenantStatement[];
  /** Every UTC day of the period, in order, with the workspace's charges that day. */
  readonly daily: readonly { readonly day: string; readonly amount: number }[];
  readonly total: number;
}

/** A rated usage line with the workspace and tenant its project maps to. */
export interface HourlyCharge extends Charge {
  readonly workspace: string | null;
  readonly tenant: string;
}

/** One resource's usage of one metric over the period. */
export interface ResourceCharge {
  readonly workspace: string | null;
  readonly tenant: string | null;
  readonly projectId: string;
  readonly resourceType: ResourceType;
  readonly resourceId: string;
  readonly metric: Metric;
  readonly qualifier: string | null;
  readonly unit: string;
  readonly quantity: number;
  readonly priceKey: string | null;
  readonly unitPrice: number | null;
  readonly amount: number;
}

/** A run of consecutive hours that were not fully covered by samples. */
export interface CoverageGap {
  readonly from: string;
  readonly to: string;
  readonly status: 'partial' | 'missed';
  /** Seconds covered in the whole gap (0 when missed). */
  readonly coveredSeconds: number;
}

/**
 * A metering report: statements per workspace, usage per resource, and what the samples do
 * not cover. Plain JSON; every list is sorted; amounts in the price list's currency.
 */
export interface MeterReport {
  readonly formatVersion: 1;
  readonly platform: string;
  readonly from: string;
  readonly to: string;
  readonly currency: string | null;
  readonly coverage: { readonly hours: number; readonly complete: number; readonly partial: number; readonly missed: number; readonly gaps: readonly CoverageGap[] };
  /** Workspaces keyform manages on this platform, by workspace. */
  readonly statements: readonly Statement[];
  /** Usage in projects keyform doesn't manage on this platform, by project name. */
  readonly unassigned: readonly TenantStatement[];
  readonly resources: readonly ResourceCharge[];
  /** Priced usage and unpriced quantities, for a warning: unpriced usage is charged 0. */
  readonly unpriced: readonly { readonly metric: Metric; readonly qualifier: string | null; readonly quantity: number }[];
  readonly total: number;
  /** Hourly charges, one per usage line; present when asked for. */
  readonly hourly?: readonly HourlyCharge[];
}

const round = (n: number, digits = 6): number => Number(n.toFixed(digits));
export const isoHour = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const isoDay = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const DAY = 86400;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface Owner {
  readonly workspace: string | null;
  readonly tenant: string;
}
interface Acc {
  quantity: number;
  amount: number;
}

/**
 * Accumulates rated usage lines into a report; memory grows with resources × metrics and
 * workspaces × days, not with hours.
 */
export class ReportBuilder {
  private readonly owners = new Map<string, Owner>();
  private readonly perResource = new Map<string, { line: Charge; acc: Acc }>();
  /** Charges per workspace per day of the period (index 0 = the period's first UTC day). */
  private readonly daily = new Map<string, Float64Array>();
  private readonly prices = new Map<string, { readonly key: string; readonly price: number } | null>();
  private readonly hourly: HourlyCharge[] | undefined;
  private readonly currency: string | null;
  private readonly firstDay: number;
  private readonly days: number;

  constructor(
    private readonly platform: string,
    private readonly period: Period,
    private readonly priceList: PriceList,
    projects: readonly ProjectRecord[],
    opts: { readonly hourly?: boolean; readonly currency?: string } = {},
  ) {
    for (const p of projects) {
      const mine = p.owner && p.owner.platform === platform;
      this.owners.set(p.projectId, mine ? { workspace: p.owner!.workspace, tenant: `${p.owner!.workspace}.${p.owner!.project}` } : { workspace: null, tenant: p.name });
    }
    this.hourly = opts.hourly ? [] : undefined;
    this.currency = opts.currency ?? null;
    this.firstDay = Math.floor(period.from / DAY);
    this.days = Math.ceil(period.to / DAY) - this.firstDay;
  }

  /** The price of a metric and qualifier, looked up once (a report rates millions of lines). */
  private priceOf(line: UsageLine): { readonly key: string; readonly price: number } | null {
    const k = `${line.metric}\u0000${line.qualifier ?? ''}`;
    let p = this.prices.get(k);
    if (p === undefined) {
      p = priceFor(this.priceList, line.metric, line.qualifier) ?? null;
      this.prices.set(k, p);
    }
    return p;
  }

  /** Rates a line and adds it. */
  add(line: UsageLine): void {
    const price = this.priceOf(line);
    const amount = price ? line.quantity * price.price : 0;
    const owner = this.owner(line.projectId);
    const charge = (): Charge => ({ ...line, priceKey: price?.key ?? null, unitPrice: price?.price ?? null, amount });
    this.hourly?.push({ ...charge(), workspace: owner.workspace, tenant: owner.tenant });
    const key = `${line.projectId}\u0000${line.resourceId}\u0000${line.metric}\u0000${line.qualifier ?? ''}`;
    let entry = this.perResource.get(key);
    if (entry === undefined) {
      entry = { line: charge(), acc: { quantity: 0, amount: 0 } };
      this.perResource.set(key, entry);
    }
    entry.acc.quantity += line.quantity;
    entry.acc.amount += amount;
    if (owner.workspace !== null) {
      let days = this.daily.get(owner.workspace);
      if (days === undefined) {
        days = new Float64Array(this.days);
        this.daily.set(owner.workspace, days);
      }
      days[Math.floor(line.hourStart / DAY) - this.firstDay]! += amount;
    }
  }

  private owner(projectId: string): Owner {
    return this.owners.get(projectId) ?? { workspace: null, tenant: projectId };
  }

  /** The report over everything added, with the coverage of the period's hours. */
  build(hours: readonly HourCoverage[]): MeterReport {
    const resources = this.resourceCharges();
    const managed = resources.filter((r) => r.workspace !== null);
    const workspaces = [...new Set(managed.map((r) => r.workspace!))].sort(cmp);
    const statements = workspaces.map((ws) => this.statement(ws, managed.filter((r) => r.workspace === ws)));
    const unassigned = tenantStatements(resources.filter((r) => r.workspace === null));
    const total = round(resources.reduce((s, r) => s + r.amount, 0));
    return {
      formatVersion: 1,
      platform: this.platform,
      from: isoHour(this.period.from),
      to: isoHour(this.period.to),
      currency: this.currency,
      coverage: coverageSummary(hours),
      statements,
      unassigned,
      resources,
      unpriced: unpricedSummary(resources),
      total,
      ...(this.hourly ? { hourly: this.hourly.map((c) => ({ ...c, quantity: round(c.quantity), amount: round(c.amount) })) } : {}),
    };
  }

  private resourceCharges(): ResourceCharge[] {
    const out = [...this.perResource.values()].map(({ line, acc }): ResourceCharge => {
      const o = this.owner(line.projectId);
      return {
        workspace: o.workspace,
        tenant: o.tenant,
        projectId: line.projectId,
        resourceType: line.resourceType,
        resourceId: line.resourceId,
        metric: line.metric,
        qualifier: line.qualifier,
        unit: METRICS[line.metric].unit,
        quantity: round(acc.quantity),
        priceKey: line.priceKey,
        unitPrice: line.unitPrice,
        amount: round(acc.amount),
      };
    });
    return out.sort((a, b) => cmp(a.tenant ?? '', b.tenant ?? '') || cmp(a.resourceType, b.resourceType) || cmp(a.resourceId, b.resourceId) || cmp(a.metric, b.metric) || cmp(a.qualifier ?? '', b.qualifier ?? ''));
  }

  private statement(workspace: string, resources: readonly ResourceCharge[]): Statement {
    const days = this.daily.get(workspace) ?? new Float64Array(this.days);
    const daily = Array.from(days, (amount, i) => ({ day: isoDay((this.firstDay + i) * DAY), amount: round(amount) }));
    const tenants = tenantStatements(resources);
    return { workspace, tenants, daily, total: round(resources.reduce((s, r) => s + r.amount, 0)) };
  }
}

function tenantStatements(resources: readonly ResourceCharge[]): TenantStatement[] {
  const byTenant = new Map<string, ResourceCharge[]>();
  for (const r of resources) {
    const key = r.tenant ?? r.projectId;
    const list = byTenant.get(key) ?? [];
    list.push(r);
    byTenant.set(key, list);
  }
  return [...byTenant.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([tenant, rs]) => {
      const items = new Map<string, { item: StatementItem; quantity: number; amount: number }>();
      for (const r of rs) {
        const key = `${r.metric}\u0000${r.qualifier ?? ''}`;
        const e = items.get(key) ?? {
          item: { metric: r.metric, label: METRICS[r.metric].label, unit: r.unit, qualifier: r.qualifier, quantity: 0, priceKey: r.priceKey, unitPrice: r.unitPrice, amount: 0 },
          quantity: 0,
          amount: 0,
        };
        e.quantity += r.quantity;
        e.amount += r.amount;
        items.set(key, e);
      }
      const list = [...items.entries()].sort(([a], [b]) => cmp(a, b)).map(([, e]) => ({ ...e.item, quantity: round(e.quantity), amount: round(e.amount) }));
      return { tenant, projectIds: [...new Set(rs.map((r) => r.projectId))].sort(cmp), items: list, total: round(rs.reduce((s, r) => s + r.amount, 0)) };
    });
}

function unpricedSummary(resources: readonly ResourceCharge[]): MeterReport['unpriced'] {
  const m = new Map<string, { metric: Metric; qualifier: string | null; quantity: number }>();
  for (const r of resources.filter((x) => x.priceKey === null)) {
    const key = `${r.metric}\u0000${r.qualifier ?? ''}`;
    const e = m.get(key) ?? { metric: r.metric, qualifier: r.qualifier, quantity: 0 };
    e.quantity += r.quantity;
    m.set(key, e);
  }
  return [...m.entries()].sort(([a], [b]) => cmp(a, b)).map(([, e]) => ({ ...e, quantity: round(e.quantity) }));
}

/** Merges consecutive hours of the same non-complete status into gaps. */
export function coverageSummary(hours: readonly HourCoverage[]): MeterReport['coverage'] {
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
