import type pg from 'pg';
import type { ResourceType } from '../sample.ts';
import type { GroupFacet, LinePrice, LineShare, RatedUsage, SourceRating } from './metering-store.ts';
import { hourAlignedChunks, sourceSegments, weightSegments, type SourceSegments } from './weight-segments.ts';

/** Memory for one transaction's grouping and sorting (a session setting, for that transaction only). */
export const GROUPING_WORK_MEM = '256MB';

/** How many hours (or days) one group query covers: bounds the rows it returns (resources × this). */
export const BUCKETS_PER_QUERY = 32;

/**
 * The samples of a chunk grouped per (day, resource, facet, owner version), for every source
 * rated, in one scan: each sample's segment found by `width_bucket` over the shared boundaries
 * (weight-segments.ts `sourceSegments`), the samples counted per segment, and the counts
 * weighted by their resource's source and summed per day after; a split run's count once per
 * weight. The sources are $5 and $6 (platforms and regions, numbered from 1 in `src`);
 * resources of other sources and segments a source does not weigh find no weight.
 *
 * `where` narrows the scan (see `sampleFilter`). The inner grouping is fenced (`OFFSET 0`) so
 * the weights are joined per group, not per sample.
 */
const segmentGroups = (where: string): string => `INSERT INTO rate_groups
  SELECT k.src, x.bucket, g.resource_ref, r.resource_type, g.facet_ref, g.owner_ref, SUM(g.n * x.seconds)::bigint
  FROM (SELECT width_bucket(s.sampled_at, $1::bigint[]) AS i, s.resource_ref, s.facet_ref, s.owner_ref, COUNT(*) AS n
        FROM samples s
        WHERE ${where}
        GROUP BY 1, 2, 3, 4 OFFSET 0) g
  JOIN resources r ON r.ref = g.resource_ref
  JOIN unnest($5::text[], $6::text[]) WITH ORDINALITY AS k(platform, region, src) ON k.platform = r.platform AND k.region = r.region
  JOIN unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS x(key, bucket, seconds) ON x.key = (k.src - 1) * (cardinality($1::bigint[]) + 1) + g.i
  GROUP BY 1, 2, 3, 4, 5, 6`;

/** The stored samples' time span and whether every stored resource is of the sources rated ($1, $2). */
const STORE_EXTENT = `SELECT (SELECT MIN(sampled_at) FROM samples)::text AS first, (SELECT MAX(sampled_at) FROM samples)::text AS last,
  NOT EXISTS (SELECT 1 FROM resources WHERE (platform, region) NOT IN (SELECT * FROM unnest($1::text[], $2::text[]))) AS only_sources`;

/** The stored samples' time span, and whether the store holds resources of no other source. */
interface StoreExtent {
  readonly first: number;
  readonly last: number;
  readonly onlySources: boolean;
}

/**
 * The per-sample filter of a chunk's scan, its parameters numbered from $7. Samples outside
 * the chunk's weights or of other sources are not weighted anyway (`segmentGroups`); the
 * filter only spares grouping them. Each condition is left out when no stored sample can fail
 * it (the transaction reads one snapshot): a store of only the sources rated needs no
 * per-sample lookup of their resources, and a chunk that spans every stored sample no range
 * test. Either costs about as much per sample as a grouping key.
 */
function sampleFilter(extent: StoreExtent, seg: SourceSegments): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [];
  if (extent.first < seg.from || extent.last > seg.to) {
    params.push(seg.from, seg.to);
    conditions.push(`s.sampled_at BETWEEN $${params.length + 5} AND $${params.length + 6}`);
  }
  if (!extent.onlySources) {
    conditions.push(`s.resource_ref IN (SELECT r.ref FROM resources r JOIN unnest($5::text[], $6::text[]) AS k(platform, region) ON k.platform = r.platform AND k.region = r.region)`);
  }
  return { sql: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), params };
}

/**
 * Each line's units per day and in all, and its amount: `units × numerator / denominator`
 * rounded half away from zero, in exact integers (`div` truncates; units and prices are never
 * negative), as money.ts `lineAmount` rounds. A group's product stays a BIGINT: a day's
 * seconds × the largest size counted per second (an image's bytes) overflows only past ~97 TiB,
 * and PostgreSQL then fails the report rather than round; sums are NUMERIC. The days come as
 * comma-separated text, which costs both sides less than arrays (~1.2 M values a month).
 */
const LINES = `SELECT t.line, t.units::text, div(2 * t.units * p.numerator + p.denominator, 2 * p.denominator)::text AS minor, t.buckets, t.bucket_units
  FROM (SELECT line, SUM(units) AS units, string_agg(bucket::text, ',') AS buckets, string_agg(units::text, ',') AS bucket_units
        FROM (SELECT s.line, g.bucket, SUM(g.seconds * s.per_second) AS units
              FROM rate_groups g JOIN rate_shares s USING (src, facet_ref, resource_type, owner_ref)
              GROUP BY s.line, g.bucket) d
        GROUP BY line) t
  JOIN rate_lines p USING (line)`;

/**
 * Each line's units per resource and project, in the order the resources first appear (day,
 * then resource ref, then facet and owner refs: the order the report reads groups in otherwise).
 */
const PARTS = `SELECT s.line, g.src, s.project_id, r.resource_id, r.resource_type, SUM(g.seconds * s.per_second)::text AS units
  FROM (SELECT src, facet_ref, resource_type, owner_ref, resource_ref, SUM(seconds) AS seconds, MIN(bucket) AS first_bucket
        FROM rate_groups GROUP BY 1, 2, 3, 4, 5) g
  JOIN rate_shares s USING (src, facet_ref, resource_type, owner_ref)
  JOIN resources r ON r.ref = g.resource_ref
  GROUP BY s.line, g.src, s.project_id, g.resource_ref, r.resource_id, r.resource_type
  ORDER BY MIN(g.first_bucket), g.resource_ref, MIN(g.facet_ref), MIN(g.owner_ref)`;

/** The latest name of each line's resources that have one (the few that do: floating IPs, named servers). */
const NAMES = `SELECT DISTINCT ON (s.line, s.project_id, g.resource_ref) s.line, s.project_id, r.resource_id, s.resource_name
  FROM rate_groups g JOIN rate_shares s USING (src, facet_ref, resource_type, owner_ref) JOIN resources r ON r.ref = g.resource_ref
  WHERE s.resource_name IS NOT NULL
  ORDER BY s.line, s.project_id, g.resource_ref, g.bucket DESC, g.facet_ref DESC, g.owner_ref DESC`;

/**
 * Comma-separated whole numbers ≥ 0 as plain numbers, read digit by digit (no string per value);
 * undefined when one passes 2^53 − 1 (then a rounded value is at least 2^53, so it is seen).
 * @example safeIntegers('86400,172800') → [86400, 172800]
 */
export function safeIntegers(text: string): number[] | undefined {
  const out: number[] = [];
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 44) n = n * 10 + (c - 48);
    else {
      out.push(n);
      n = 0;
    }
  }
  out.push(n);
  for (const v of out) if (v > Number.MAX_SAFE_INTEGER) return undefined;
  return out;
}

interface FacetRow {
  src: number;
  facet_ref: string;
  resource_type: ResourceType;
  owner_ref: string;
  project_id: string;
  traits: string;
}

/**
 * Usage of `sources` summed and priced in PostgreSQL (see `MeteringStore.rateUsage`): the
 * samples of all of them are grouped per day once, the report maps the few distinct facets to
 * stated lines and prices, and the lines come back summed per day and per resource, each priced.
 */
export async function rateUsage(c: pg.PoolClient, sources: readonly SourceRating[]): Promise<RatedUsage> {
  // One snapshot for the store's extent and every scan that relies on it (sampleFilter).
  await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await c.query(`SET LOCAL work_mem = '${GROUPING_WORK_MEM}'`);
  await c.query(
    'CREATE TEMP TABLE rate_groups (src INT NOT NULL, bucket BIGINT NOT NULL, resource_ref BIGINT NOT NULL, resource_type TEXT NOT NULL, facet_ref BIGINT NOT NULL, owner_ref BIGINT NOT NULL, seconds BIGINT NOT NULL) ON COMMIT DROP',
  );
  const platforms = sources.map((s) => s.source.platform);
  const regions = sources.map((s) => s.source.region);
  const e = (await c.query<{ first: string | null; last: string | null; only_sources: boolean }>(STORE_EXTENT, [platforms, regions])).rows[0]!;
  const extent: StoreExtent = { first: Number(e.first ?? 0), last: Number(e.last ?? 0), onlySources: e.only_sources };
  const tagged = sources.flatMap((s, k) => s.weights.map((w) => ({ ...w, src: k })));
  tagged.sort((a, b) => a.hourStart - b.hourStart || a.src - b.src || a.sampledAt - b.sampledAt);
  // The planner, which can't tell how few weights there are, would sort every group to merge-join
  // them with the weights (~1.6 M groups of 3 sources: +3 s at load 15); hashing the weights costs nothing.
  await c.query('SET LOCAL enable_mergejoin = off');
  // Chunks are cut at day boundaries, so a (day, resource, facet, owner) group is whole within one.
  for (const part of hourAlignedChunks(tagged, BUCKETS_PER_QUERY)) {
    const seg = sourceSegments(sources.map((_, k) => part.filter((w) => w.src === k)).map((ws) => (ws.length > 0 ? weightSegments(ws) : undefined)));
    const where = sampleFilter(extent, seg);
    await c.query(segmentGroups(where.sql), [seg.starts, seg.keys, seg.hourStarts, seg.seconds, platforms, regions, ...where.params]);
  }
  await c.query('SET LOCAL enable_mergejoin = on');
  const facets = (
    await c.query<FacetRow>(
      `SELECT g.src, g.facet_ref, g.resource_type, g.owner_ref, f.project_id, f.traits
       FROM (SELECT DISTINCT src, facet_ref, resource_type, owner_ref FROM rate_groups) g JOIN facets f ON f.ref = g.facet_ref
       ORDER BY g.src, g.facet_ref, g.resource_type, g.owner_ref`,
    )
  ).rows;
  // Each source's rater in the order given: the report numbers its lines in the order it is asked.
  const shares: (LineShare & { src: number })[] = [];
  const lines: LinePrice[] = [];
  for (const [k, s] of sources.entries()) {
    const mine = facets.filter((r) => r.src === k + 1);
    const rated = s.rater(
      mine.map((r): GroupFacet => ({ facetRef: Number(r.facet_ref), resourceType: r.resource_type, ownerRef: Number(r.owner_ref), projectId: r.project_id, traits: JSON.parse(r.traits) as GroupFacet['traits'] })),
    );
    for (const x of rated.shares) shares.push({ ...x, src: k + 1 });
    lines.push(...rated.lines);
  }
  await c.query(
    `CREATE TEMP TABLE rate_shares ON COMMIT DROP AS
     SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::bigint[], $5::int[], $6::bigint[], $7::text[], $8::text[])
       AS x(src, facet_ref, resource_type, owner_ref, line, per_second, project_id, resource_name)`,
    [
      shares.map((s) => s.src),
      shares.map((s) => s.facetRef),
      shares.map((s) => s.resourceType),
      shares.map((s) => s.ownerRef),
      shares.map((s) => s.line),
      shares.map((s) => s.perSecond.toString()),
      shares.map((s) => s.projectId),
      shares.map((s) => s.resourceName),
    ],
  );
  await c.query(
    `CREATE TEMP TABLE rate_lines ON COMMIT DROP AS
     SELECT * FROM unnest($1::int[], $2::numeric[], $3::numeric[]) AS x(line, numerator, denominator)`,
    [lines.map((l) => l.line), lines.map((l) => l.numerator.toString()), lines.map((l) => l.denominator.toString())],
  );
  await c.query('ANALYZE rate_groups, rate_shares, rate_lines');
  const totals = (await c.query<{ line: number; units: string; minor: string; buckets: string; bucket_units: string }>(LINES)).rows;
  const parts = (await c.query<{ line: number; src: number; project_id: string; resource_id: string; resource_type: ResourceType; units: string }>(PARTS)).rows;
  // Most resources have no name (servers without one, volumes): then no groups are read for names.
  const named = shares.some((s) => s.resourceName !== null) ? (await c.query<{ line: number; project_id: string; resource_id: string; resource_name: string }>(NAMES)).rows : [];
  const names = new Map(named.map((n) => [`${n.line}\u0000${n.project_id}\u0000${n.resource_id}`, n.resource_name]));
  return {
    lines: totals.map((t) => ({
      line: t.line,
      units: BigInt(t.units),
      minor: BigInt(t.minor),
      days: { dayStarts: safeIntegers(t.buckets)!, units: safeIntegers(t.bucket_units) ?? t.bucket_units.split(',').map(BigInt) },
    })),
    parts: parts.map((p) => ({
      line: p.line,
      source: p.src - 1,
      projectId: p.project_id,
      resourceId: p.resource_id,
      resourceType: p.resource_type,
      resourceName: names.get(`${p.line}\u0000${p.project_id}\u0000${p.resource_id}`) ?? null,
      units: BigInt(p.units),
    })),
  };
}
