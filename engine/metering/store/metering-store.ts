import type { ResultAsync } from 'neverthrow';
import type { StoreError } from '../errors.ts';
import type { MeterSource, ProjectRecord, ResourceType, RunRecord, Sample, TraitValue } from '../sample.ts';

/** How a run's write ended. A run already in the store is left as it is (idempotence). */
export type RecordOutcome = { readonly recorded: true; readonly samples: number } | { readonly recorded: false; readonly reason: 'duplicate-run' };

/**
 * A piece of one run's sampling window that falls into one hour: every sample of the run at
 * `sampledAt` stands for `seconds` of the hour starting at `hourStart`. Usage that needs no
 * hourly rows passes the day's start as `hourStart`, so the store sums whole days.
 */
export interface RunWeight {
  readonly sampledAt: number;
  readonly hourStart: number;
  readonly seconds: number;
}

/** The samples of one resource in one hour with the same project and traits, weighted. */
export interface SampleGroup {
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  readonly projectId: string;
  readonly traits: Readonly<Record<string, TraitValue>>;
  readonly hourStart: number;
  /** Sum of the weights of the samples in the group: the seconds of the hour they cover. */
  readonly seconds: number;
  /**
   * The version of the project (name, owner, tags) when these samples were taken, a key of
   * `ownerVersions`; 0 for samples stored before versions were kept.
   */
  readonly ownerRef: number;
}

/**
 * What a source's samples in a period carry, one row per distinct (facet, resource type,
 * owner version): rating in the store asks the report what stated lines each stands for.
 */
export interface GroupFacet {
  readonly facetRef: number;
  readonly resourceType: ResourceType;
  readonly projectId: string;
  readonly traits: Readonly<Record<string, TraitValue>>;
  readonly ownerRef: number;
}

/** How the samples of one `GroupFacet` count towards one stated line of the report. */
export interface LineShare {
  readonly facetRef: number;
  readonly resourceType: ResourceType;
  readonly ownerRef: number;
  /** The stated line, an index the report chose. */
  readonly line: number;
  /** Units of the line's metric per covered second (1, or the vCPUs, MiB, GiB, bytes counted). */
  readonly perSecond: bigint;
  readonly projectId: string;
  readonly resourceName: string | null;
}

/**
 * A stated line's price as an exact fraction: its amount in minor units is
 * `units × numerator / denominator` rounded once, half away from zero (money.ts `lineAmount`).
 */
export interface LinePrice {
  readonly line: number;
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** The report's side of rating in the store: the stated lines and prices of the facets a period's samples carry. */
export type UsageRater = (facets: readonly GroupFacet[]) => { readonly shares: readonly LineShare[]; readonly lines: readonly LinePrice[] };

/** One source's part of a report the store rates: its runs' weights, and the report's rater for its facets. */
export interface SourceRating {
  readonly source: MeterSource;
  readonly weights: readonly RunWeight[];
  readonly rater: UsageRater;
}

/**
 * A line's units per day: the days' starts, ascending, and each day's units, exact: plain
 * numbers when every one is a safe integer (below 2^53), else bigints. A month's report has
 * ~1.2 M line-days; numbers cost no allocation each.
 */
export interface DayUnits {
  readonly dayStarts: readonly number[];
  readonly units: readonly number[] | readonly bigint[];
}

/** Usage summed and priced in the store, per stated line (see `MeteringStore.rateUsage`). */
export interface RatedUsage {
  /** Every line with samples: its exact units, its amount rounded once, and its units per day. */
  readonly lines: readonly {
    readonly line: number;
    readonly units: bigint;
    readonly minor: bigint;
    readonly days: DayUnits;
  }[];
  /**
   * Each line's units per resource (and project), in the order the resources first appear
   * (day, then resource, facet and owner refs), with the resource's latest name.
   */
  readonly parts: readonly {
    readonly line: number;
    /** The source of the resource, an index into the list rated. */
    readonly source: number;
    readonly projectId: string;
    readonly resourceId: string;
    readonly resourceType: ResourceType;
    readonly resourceName: string | null;
    readonly units: bigint;
  }[];
}

/**
 * Where samples are kept: SQLite (embedded, the default) or PostgreSQL (several collectors,
 * other tools). Both implementations keep the same rules:
 * - one collector per platform and region (a `MeterSource`): runs and resources are kept per
 *   source, so collectors of several regions may write one store at once;
 * - one sample per (source, resource, sample time): writing it again changes nothing;
 * - a run is written with all its samples in one transaction, or not at all;
 * - the schema is migrated to the newest version on open.
 */
export interface MeteringStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** The store URL with any password masked, for messages. */
  readonly location: string;
  /** Writes a run, its samples and the project map at once; a run already stored is a no-op. */
  recordRun(run: RunRecord, samples: readonly Sample[], projects: readonly ProjectRecord[]): ResultAsync<RecordOutcome, StoreError>;
  /** Whether the source's run at `sampledAt` is already complete in the store: its collector's progress. */
  hasRun(source: MeterSource, sampledAt: number): ResultAsync<boolean, StoreError>;
  /** The source's runs with `from <= sampledAt < to`, oldest first. */
  runs(source: MeterSource, from: number, to: number): ResultAsync<readonly RunRecord[], StoreError>;
  /** The samples of one run, sorted by resource id. */
  samplesAt(source: MeterSource, sampledAt: number): ResultAsync<readonly Sample[], StoreError>;
  /** Every source with at least one run, sorted by platform then region. */
  sources(): ResultAsync<readonly MeterSource[], StoreError>;
  /**
   * Gives the platform's runs and resources stored before regions were recorded (region '')
   * to `source`, the region the platform was configured with then, so its history stays
   * one source. Rows that would clash with the region's own are left as they are. Resolves to
   * the runs adopted.
   */
  adoptUnregioned(source: MeterSource): ResultAsync<number, StoreError>;
  /** Every version of every project the platform's runs saw, by `SampleGroup.ownerRef`. */
  ownerVersions(platform: string): ResultAsync<ReadonlyMap<number, ProjectRecord>, StoreError>;
  /**
   * Calls `visit` for every group of the source's samples at the sample times in `weights`,
   * grouped by (resource, project, traits, owner version, hour), ordered by hour (then by store order). Resolves
   * to the number of groups. This is the one heavy query usage needs; it runs in the database.
   */
  forEachSampleGroup(source: MeterSource, weights: readonly RunWeight[], visit: (group: SampleGroup) => void): ResultAsync<number, StoreError>;
  /**
   * Sums the samples of every source given at the sample times in its `weights` (one bucket
   * per UTC day) per stated line, per line and day, and per line and resource, and prices each
   * line once, in the database: what a statement needs, without a row per resource and day
   * leaving the store. The sources' samples are grouped together, in one pass over them; each
   * source's `rater` is asked about its own facets, the sources in the order given. Absent where
   * the database can't do exact decimal arithmetic (SQLite): the report then rates
   * `forEachSampleGroup`'s groups itself, with the same rules and results.
   */
  rateUsage?(sources: readonly SourceRating[]): ResultAsync<RatedUsage, StoreError>;
  /** The schema version of the open store. */
  schemaVersion(): ResultAsync<number, StoreError>;
  close(): ResultAsync<void, StoreError>;
}

/** Traits as stored: JSON with sorted keys, so equal traits are equal text (one facet). */
export function canonicalTraits(traits: Readonly<Record<string, TraitValue>>): string {
  const sorted: Record<string, TraitValue> = {};
  for (const k of Object.keys(traits).sort()) sorted[k] = traits[k]!;
  return JSON.stringify(sorted);
}

/** Parses stored traits, reusing the parse of equal text (a facet repeats across groups). */
export function traitsParser(): (text: string) => Readonly<Record<string, TraitValue>> {
  const cache = new Map<string, Readonly<Record<string, TraitValue>>>();
  return (text) => {
    let t = cache.get(text);
    if (t === undefined) {
      t = Object.freeze(JSON.parse(text) as Record<string, TraitValue>);
      cache.set(text, t);
    }
    return t;
  };
}

/** Splits a list into chunks of at most `size` (bulk statements have parameter limits). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
