import type { Currency } from '../../../constructs/model/currency.ts';
import type { MeterSource, ProjectRecord, ResourceType } from '../sample.ts';
import type { DayUnits, GroupFacet, LinePrice, LineShare, RatedUsage, UsageRater } from '../store/metering-store.ts';
import type { HourCoverage } from '../usage/coverage.ts';
import type { Period } from '../usage/hourly-usage.ts';
import { METRICS, readableName, usageLines, type Metric, type ServerState, type UsageLine } from '../usage/usage-line.ts';
import {
  BREAKDOWN_EXTRA_DIGITS,
  ROUNDING_RULE,
  coverageSummary,
  isoHour,
  type GroupBy,
  type HourlyCharge,
  type MeterReport,
  type ResourceCharge,
  type Statement,
  type StatementItem,
  type TenantRef,
  type TenantStatement,
  type UnpricedUsage,
  type Money,
} from './meter-report.ts';
import { apportion, apportionSafe, decimalText, lineAmount, lineRate, minorText, roundDiv } from './money.ts';
import { priceFor, priceKeys, resourcePriced, type AppliedPrice, type PriceList } from './price-list.ts';
import { tenantKey } from '../../../constructs/model/index.ts';
import { compareCodeUnits as cmp } from '../../../constructs/model/code-unit-order.ts';

const isoDay = (s: number): string => new Date(s * 1000).toISOString().slice(0, 10);
const DAY = 86400;

/** Who a usage line is billed to: its project's version when the samples were taken. */
interface Owner extends TenantRef {
  readonly group: string | null;
  readonly projectName: string;
  /** Tenant identity within the report. */
  readonly key: string;
}

/** A resource's (or a resource-hour's) part of a stated line. */
interface Part {
  readonly projectId: string;
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  resourceName: string | null;
  units: bigint;
}

/** A stated line being accumulated, with its breakdowns. */
interface Line {
  readonly owner: Owner;
  readonly metric: Metric;
  readonly qualifier: string | null;
  readonly state: ServerState | null;
  readonly price: AppliedPrice | null;
  units: bigint;
  /** The amount in minor units when the store rated the line; null when rated here at the end. */
  minor: bigint | null;
  readonly projectIds: Set<string>;
  readonly projectNames: Set<string>;
  /** Units per day index, of usage added here. */
  readonly days: Map<number, bigint>;
  /** Units per day as the store summed them, when it rated the line (then `days` stays empty). */
  ratedDays: DayUnits | null;
  /** Units per resource (`projectId\0resourceId`). */
  readonly resources: Map<string, Part>;
  /** Units per resource and hour, when hourly rows are asked for. */
  readonly hours: Map<string, Part & { readonly hourStart: number }> | undefined;
}

/** A platform a report covers, with the prices its usage is rated at. */
export interface RatedPlatform {
  readonly platform: string;
  readonly prices: PriceList;
  /**
   * The region the config names for the platform: reported (all hours missed) even when the
   * store has no run of it. Other regions are reported when the store has runs of them.
   */
  readonly region: string;
}

/** What a report is built with. */
export interface ReportSettings {
  /**
   * The platforms covered, each over every region the store has runs of; one platform for a
   * platform's report, several for a report across platforms (one currency).
   */
  readonly platforms: readonly RatedPlatform[];
  readonly period: Period;
  readonly currency: Currency;
  /** @default { kind: 'workspace' } */
  readonly groupBy?: GroupBy;
  /** Keep one row per resource, metric and hour. @default false */
  readonly hourly?: boolean;
}

/**
 * Accumulates usage lines into a report. Quantities are summed as exact integers, each
 * stated line is priced and rounded once at the end; memory grows with tenants × metrics ×
 * (resources + days), and with hours only when hourly rows are asked for.
 */
export class ReportBuilder {
  private readonly owners = new Map<string, Owner>();
  private readonly priceLists: ReadonlyMap<string, PriceList>;
  private readonly lines = new Map<string, Line>();
  private readonly byShortKey = new Map<string, Line>();
  private readonly resourceUnpriced = new Map<string, boolean>();
  private readonly prices = new Map<string, AppliedPrice | null>();
  private readonly unpriced = new Map<string, { platform: string; resourceType: ResourceType; metric: Metric; qualifier: string | null; state: ServerState | null; units: bigint }>();
  /** Lines the store rates, by the index it knows them by, with a usage line of each (what prices it). */
  private readonly ratedLines: { readonly line: Line; readonly usage: UsageLine }[] = [];
  private readonly ratedIds = new Map<Line, number>();
  private readonly firstDay: number;
  private readonly days: number;
  private readonly groupBy: GroupBy;

  /** `versions`: the owner versions of every platform covered, by ref (refs are unique in a store). */
  constructor(
    private readonly s: ReportSettings,
    private readonly versions: ReadonlyMap<number, ProjectRecord>,
  ) {
    this.priceLists = new Map(s.platforms.map((p) => [p.platform, p.prices]));
    this.groupBy = s.groupBy ?? { kind: 'workspace' };
    this.firstDay = Math.floor(s.period.from / DAY);
    this.days = Math.ceil(s.period.to / DAY) - this.firstDay;
  }

  /**
   * The owner of a line: the project version its samples carry, in the line's platform and
   * region. Samples of a project no run saw (ref 0) belong to no tenant.
   */
  private owner(line: UsageLine): Owner {
    const k = `${line.ownerRef}\u0000${line.platform}\u0000${line.region}\u0000${line.ownerRef === 0 ? line.projectId : ''}`;
    let owner = this.owners.get(k);
    if (owner === undefined) {
      owner = this.ownerOf(line, line.ownerRef !== 0 ? this.versions.get(line.ownerRef) : undefined);
      this.owners.set(k, owner);
    }
    return owner;
  }

  private ownerOf(line: UsageLine, p: ProjectRecord | undefined): Owner {
    const { platform, region, projectId } = line;
    const tags = p?.tags ?? {};
    const where = `${platform}\u0000${region}\u0000${JSON.stringify(tags)}`;
    const mine = p?.owner && p.owner.platform === platform ? p.owner : undefined;
    const name = p?.name ?? projectId;
    if (!mine) return { platform, region, workspace: null, tenant: name, tags, group: null, projectName: name, key: `u\u0000${projectId}\u0000${name}\u0000${where}` };
    const group = this.groupBy.kind === 'workspace' ? mine.workspace : (tags[this.groupBy.tag] ?? `(no ${this.groupBy.tag})`);
    const tenant = tenantKey(mine);
    return { platform, region, workspace: mine.workspace, tenant, tags, group, projectName: name, key: `m\u0000${group}\u0000${tenant}\u0000${where}` };
  }

  /** The price of a metric, qualifier and state, looked up once (a report rates millions of lines). */
  private priceOf(line: UsageLine): AppliedPrice | null {
    const k = `${line.platform}\u0000${traitKey(line)}`;
    let p = this.prices.get(k);
    if (p === undefined) {
      p = priceFor(this.pricesOf(line), line.metric, line.qualifier, line.state) ?? null;
      this.prices.set(k, p);
    }
    return p;
  }

  private pricesOf(line: UsageLine): PriceList {
    const prices = this.priceLists.get(line.platform);
    if (prices === undefined) throw new Error(`usage of platform ${line.platform}, which the report does not cover`);
    return prices;
  }

  /** The stated line a usage line adds to; found by a short key first (a report adds millions of lines). */
  private lineOf(line: UsageLine): Line {
    const short = `${line.platform}\u0000${line.region}\u0000${line.ownerRef}\u0000${line.projectId}\u0000${traitKey(line)}`;
    let l = this.byShortKey.get(short);
    if (l !== undefined) return l;
    const owner = this.owner(line);
    const key = `${owner.key}\u0000${traitKey(line)}`;
    l = this.lines.get(key);
    if (l === undefined) {
      const price = this.priceOf(line);
      l = { owner, metric: line.metric, qualifier: line.qualifier, state: line.state, price, units: 0n, minor: null, projectIds: new Set(), projectNames: new Set(), days: new Map(), ratedDays: null, resources: new Map(), hours: this.s.hourly ? new Map() : undefined };
      this.lines.set(key, l);
    }
    l.projectIds.add(line.projectId);
    l.projectNames.add(owner.projectName);
    this.byShortKey.set(short, l);
    return l;
  }

  /** Whether nothing in the price list prices this resource at all; looked up once per kind. */
  private unpricedResource(line: UsageLine): boolean {
    const k = `${line.platform}\u0000${line.resourceType}\u0000${line.variant ?? ''}\u0000${line.state ?? ''}`;
    let v = this.resourceUnpriced.get(k);
    if (v === undefined) {
      v = !resourcePriced(this.pricesOf(line), line.resourceType, line.variant, line.state);
      this.resourceUnpriced.set(k, v);
    }
    return v;
  }

  /** Adds one hourly usage line to its stated line. */
  add(line: UsageLine): void {
    const l = this.lineOf(line);
    l.units += line.units;
    const day = Math.floor(line.hourStart / DAY) - this.firstDay;
    l.days.set(day, (l.days.get(day) ?? 0n) + line.units);
    const rk = `${line.projectId}\u0000${line.resourceId}`;
    const part = (): Part => ({ projectId: line.projectId, resourceId: line.resourceId, resourceType: line.resourceType, resourceName: line.resourceName, units: line.units });
    const r = l.resources.get(rk);
    if (r) {
      r.units += line.units;
      // Lines come in hour order: the name kept is the latest one.
      r.resourceName = line.resourceName ?? r.resourceName;
    } else l.resources.set(rk, part());
    if (l.hours) {
      const hk = `${rk}\u0000${line.hourStart}`;
      const h = l.hours.get(hk);
      if (h) h.units += line.units;
      else l.hours.set(hk, { ...part(), hourStart: line.hourStart });
    }
    this.addUnpriced(l, line, line.units);
  }

  /** Counts `units` of a line nothing prices in the "without a price" notice. */
  private addUnpriced(l: Line, line: UsageLine, units: bigint): void {
    if (l.price === null && LEADING_METRICS.has(line.metric) && this.unpricedResource(line)) {
      const uk = `${line.platform}\u0000${traitKey(line)}`;
      const u = this.unpriced.get(uk);
      if (u) u.units += units;
      else this.unpriced.set(uk, { platform: line.platform, resourceType: line.resourceType, metric: line.metric, qualifier: line.qualifier, state: line.state, units });
    }
  }

  /**
   * What the store needs to rate `source`'s usage itself: for each facet its samples carry,
   * the stated lines it adds to (the same lines and owners as `add`), and each line's price.
   */
  rater(source: MeterSource): UsageRater {
    return (facets: readonly GroupFacet[]) => {
      const shares: LineShare[] = [];
      const lines: LinePrice[] = [];
      for (const f of facets) {
        const group = { ...f, resourceId: '', hourStart: 0, seconds: 1 };
        for (const usage of usageLines(group, source)) {
          const l = this.lineOf(usage);
          let id = this.ratedIds.get(l);
          if (id === undefined) {
            id = this.ratedLines.length;
            this.ratedIds.set(l, id);
            this.ratedLines.push({ line: l, usage });
            lines.push({ line: id, ...lineRate(METRICS[l.metric].perUnit, l.price?.price ?? null, this.s.currency.digits) });
          }
          shares.push({ facetRef: f.facetRef, resourceType: f.resourceType, ownerRef: f.ownerRef, line: id, perSecond: usage.units, projectId: f.projectId, resourceName: usage.resourceName });
        }
      }
      return { shares, lines };
    };
  }

  /** Adds usage the store rated (`MeteringStore.rateUsage` with this builder's `rater`). */
  addRated(rated: RatedUsage): void {
    for (const r of rated.lines) {
      const { line: l, usage } = this.ratedLines[r.line]!;
      // A line is one source's (its owner names the platform and region): rated once, whole.
      l.units = r.units;
      l.minor = r.minor;
      l.ratedDays = r.days;
      this.addUnpriced(l, usage, r.units);
    }
    for (const p of rated.parts) {
      const l = this.ratedLines[p.line]!.line;
      l.resources.set(`${p.projectId}\u0000${p.resourceId}`, { projectId: p.projectId, resourceId: p.resourceId, resourceType: p.resourceType, resourceName: p.resourceName, units: p.units });
    }
  }

  /**
   * The report over everything added, with the coverage of the period's hours per source
   * (platform and region); an hour is complete only when every source covers it.
   */
  build(sources: readonly SourceHours[], samplingIntervals: readonly number[]): MeterReport {
    const digits = this.s.currency.digits;
    const priced = [...this.lines.values()].map((l): Priced => ({ l, minor: l.minor ?? lineAmount(l.units, METRICS[l.metric].perUnit, l.price?.price ?? null, digits) }));
    const byGroup = new Map<string, Priced[]>();
    const unmanagedLines: Priced[] = [];
    for (const e of priced) {
      if (e.l.owner.group === null) unmanagedLines.push(e);
      else pushTo(byGroup, e.l.owner.group, e);
    }
    const statements = [...byGroup.entries()].sort(([a], [b]) => cmp(a, b)).map(([group, entries]) => this.statement(group, entries));
    const unmanaged = this.tenants(unmanagedLines);
    const statementsMinor = statements.reduce((a, st) => a + st.minor, 0n);
    const { resources, hourly } = this.breakdowns(priced);
    return {
      formatVersion: 2,
      platform: this.s.platforms.map((p) => p.platform).join(', '),
      from: isoHour(this.s.period.from),
      to: isoHour(this.s.period.to),
      currency: this.s.currency.code,
      currencyDigits: digits,
      rounding: ROUNDING_RULE,
      groupBy: this.groupBy,
      samplingIntervals: [...samplingIntervals],
      coverage: coverageSummary(weakestHours(sources)),
      sources: sources.map((src) => ({ platform: src.platform, region: src.region, coverage: coverageSummary(src.hours) })),
      statements: statements.map((st) => st.statement),
      unmanaged: unmanaged.tenants,
      totals: { statements: this.money(statementsMinor), unmanaged: this.money(unmanaged.minor), grand: this.money(statementsMinor + unmanaged.minor) },
      resources,
      unpriced: this.unpricedUsage(),
      ...(this.s.hourly ? { hourly } : {}),
    };
  }

  private money(minor: bigint): Money {
    return minorText(minor, this.s.currency.digits);
  }

  private item(l: Line, minor: bigint): StatementItem {
    return {
      metric: l.metric,
      label: METRICS[l.metric].label,
      unit: METRICS[l.metric].unit,
      qualifier: l.qualifier === null ? null : readableName(l.qualifier),
      state: l.state,
      quantity: quantityOf(l.units, METRICS[l.metric].perUnit),
      priceKey: l.price?.key ?? null,
      unitPrice: l.price ? decimalText(l.price.price) : null,
      amount: this.money(minor),
    };
  }

  /** The tenants of some stated lines, each with its lines and their sum. */
  private tenants(entries: readonly Priced[]): { tenants: TenantStatement[]; minor: bigint } {
    const byTenant = new Map<string, Priced[]>();
    for (const e of entries) pushTo(byTenant, e.l.owner.key, e);
    let all = 0n;
    const tenants = [...byTenant.values()].map((es): TenantStatement => {
      const o = es[0]!.l.owner;
      const items = es.map((e) => ({ item: this.item(e.l, e.minor), minor: e.minor })).sort((a, b) => cmp(traitKey(a.item), traitKey(b.item)));
      const minor = items.reduce((sum, i) => sum + i.minor, 0n);
      all += minor;
      return {
        platform: o.platform,
        region: o.region,
        workspace: o.workspace,
        tenant: o.tenant,
        tags: o.tags,
        projectIds: [...new Set(es.flatMap((e) => [...e.l.projectIds]))].sort(cmp),
        projectNames: [...new Set(es.flatMap((e) => [...e.l.projectNames]))].sort(cmp),
        items: items.map((i) => i.item),
        total: this.money(minor),
      };
    });
    tenants.sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.platform, b.platform) || cmp(a.region, b.region) || cmp(a.projectIds.join(), b.projectIds.join()) || cmp(JSON.stringify(a.tags), JSON.stringify(b.tags)));
    return { tenants, minor: all };
  }

  /** One group's statement; each line's amount is shared out over its days, so the days add up to the total. */
  private statement(group: string, entries: readonly Priced[]): { statement: Statement; minor: bigint } {
    const { tenants, minor } = this.tenants(entries);
    const daily = new Array<bigint>(this.days).fill(0n);
    // Shares summed as plain numbers while the statement's total keeps every sum exact (each line's amount is ≥ 0).
    const small = minor <= BigInt(Number.MAX_SAFE_INTEGER) ? new Array<number>(this.days).fill(0) : undefined;
    for (const e of entries) {
      const { idx, units } = this.dayUnits(e.l);
      const shares = small && typeof units[0] === 'number' ? apportionSafe(Number(e.minor), units as readonly number[]) : undefined;
      if (shares) shares.forEach((m, i) => (small![idx[i]!]! += m));
      else apportion(e.minor, units.map((u: number | bigint) => BigInt(u))).forEach((m, i) => (daily[idx[i]!]! += m));
    }
    small?.forEach((m, i) => (daily[i]! += BigInt(m)));
    const statement: Statement = {
      group,
      workspaces: [...new Set(entries.map((e) => e.l.owner.workspace!))].sort(cmp),
      tenants,
      daily: daily.map((m, i) => ({ day: isoDay((this.firstDay + i) * DAY), amount: this.money(m) })),
      total: this.money(minor),
    };
    return { statement, minor };
  }

  /** A line's day indexes, ascending, and the units of each. */
  private dayUnits(l: Line): { idx: readonly number[]; units: readonly number[] | readonly bigint[] } {
    if (l.ratedDays) return { idx: l.ratedDays.dayStarts.map((d) => Math.floor(d / DAY) - this.firstDay), units: l.ratedDays.units };
    const idx = [...l.days.keys()].sort((a, b) => a - b);
    return { idx, units: idx.map((d) => l.days.get(d)!) };
  }

  /** Each line's amount shared out over its resources, and over its resource-hours when asked for. */
  private breakdowns(priced: readonly Priced[]): { resources: ResourceCharge[]; hourly: HourlyCharge[] } {
    const scale = 10n ** BigInt(BREAKDOWN_EXTRA_DIGITS);
    const fine = (units: bigint) => minorText(units, this.s.currency.digits + BREAKDOWN_EXTRA_DIGITS);
    const resources: ResourceCharge[] = [];
    const hourly: HourlyCharge[] = [];
    for (const { l, minor } of priced) {
      const rs = [...l.resources.values()];
      apportion(minor * scale, rs.map((r) => r.units)).forEach((m, i) => resources.push({ ...rowBase(l, rs[i]!), amount: fine(m) }));
      if (l.hours) {
        const hs = [...l.hours.values()];
        apportion(minor * scale, hs.map((h) => h.units)).forEach((m, i) => hourly.push({ ...rowBase(l, hs[i]!), hourStart: hs[i]!.hourStart, amount: fine(m) }));
      }
    }
    resources.sort(rowOrder);
    hourly.sort((a, b) => a.hourStart - b.hourStart || rowOrder(a, b));
    return { resources, hourly };
  }

  private unpricedUsage(): UnpricedUsage[] {
    return [...this.unpriced.values()]
      .map((u) => ({ platform: u.platform, resourceType: u.resourceType, metric: u.metric, qualifier: u.qualifier === null ? null : readableName(u.qualifier), state: u.state, quantity: quantityOf(u.units, METRICS[u.metric].perUnit), priceKey: priceKeys(u.metric, u.qualifier)[0]! }))
      .sort((a, b) => cmp(a.platform, b.platform) || cmp(a.metric, b.metric) || cmp(a.qualifier ?? '', b.qualifier ?? '') || cmp(a.state ?? '', b.state ?? ''));
  }
}

/** How well one source's runs cover the period's hours. */
export interface SourceHours extends MeterSource {
  readonly hours: readonly HourCoverage[];
}

/** Per hour, the least any source covers: the report's usage of that hour is only as complete as that. */
function weakestHours(sources: readonly SourceHours[]): HourCoverage[] {
  const first = sources[0];
  if (first === undefined) return [];
  return first.hours.map((h, i) => sources.reduce((w, src) => (src.hours[i]!.coveredSeconds < w.coveredSeconds ? src.hours[i]! : w), h));
}

function pushTo<T>(m: Map<string, T[]>, key: string, value: T): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}

/** A stated line with its amount in minor units. */
interface Priced {
  readonly l: Line;
  readonly minor: bigint;
}

/** The fields a breakdown row shares with its stated line. */
function rowBase(l: Line, x: Part): Omit<ResourceCharge, 'amount'> {
  return {
    group: l.owner.group,
    platform: l.owner.platform,
    region: l.owner.region,
    workspace: l.owner.workspace,
    tenant: l.owner.tenant,
    tags: l.owner.tags,
    projectId: x.projectId,
    projectName: l.owner.projectName,
    resourceType: x.resourceType,
    resourceId: x.resourceId,
    resourceName: x.resourceName,
    metric: l.metric,
    qualifier: l.qualifier === null ? null : readableName(l.qualifier),
    state: l.state,
    unit: METRICS[l.metric].unit,
    quantity: quantityOf(x.units, METRICS[l.metric].perUnit),
    priceKey: l.price?.key ?? null,
    unitPrice: l.price ? decimalText(l.price.price) : null,
  };
}

/** The metrics that stand for their resource in the "without a price" notice (server hours for a server). */
const LEADING_METRICS: ReadonlySet<Metric> = new Set(
  (Object.keys(METRICS) as Metric[]).filter((m, i, all) => all.findIndex((x) => METRICS[x].resourceType === METRICS[m].resourceType) === i),
);

/** An exact quantity as a number with at most 6 decimals (quantities are shown, not summed). */
function quantityOf(units: bigint, perUnit: bigint): number {
  return Number(minorText(roundDiv(units * 1_000_000n, perUnit), 6));
}

/** A line's metric, qualifier and state as one key: what prices it, and its place in a tenant's table. */
const traitKey = (l: { readonly metric: Metric; readonly qualifier: string | null; readonly state: ServerState | null }): string => `${l.metric}\u0000${l.qualifier ?? ''}\u0000${l.state ?? ''}`;

function rowOrder(a: ResourceCharge, b: ResourceCharge): number {
  return (
    cmp(a.group ?? '\uffff', b.group ?? '\uffff') ||
    cmp(a.tenant, b.tenant) ||
    cmp(a.platform, b.platform) ||
    cmp(a.region, b.region) ||
    cmp(a.projectId, b.projectId) ||
    cmp(a.resourceType, b.resourceType) ||
    cmp(a.resourceId, b.resourceId) ||
    cmp(a.metric, b.metric) ||
    cmp(a.qualifier ?? '', b.qualifier ?? '') ||
    cmp(a.state ?? '', b.state ?? '') ||
    cmp(JSON.stringify(a.tags), JSON.stringify(b.tags))
  );
}
