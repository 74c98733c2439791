import type pg from 'pg';
import type { MeterSource, ResourceType } from '../sample.ts';
import type { GroupFacet, RatedUsage, RunWeight, UsageRater } from './metering-store.ts';
import { hourAlignedChunks, weightSegments } from './weight-segments.ts';

/** Memory for one transaction's grouping and sorting (a session setting, for that transaction only). */
export const GROUPING_WORK_MEM = '256MB';

/** How many hours (or days) one group query covers: bounds the rows it returns (resources × this). */
export const BUCKETS_PER_QUERY = 32;

/**
 * The period's samples grouped per (day, resource, facet, owner version) in one scan, each
 * sample's weight found by `width_bucket` over runs of equal weight (weight-segments.ts).
 */
const SEGMENT_GROUPS = `INSERT INTO rate_groups
  SELECT g.bucket, g.resource_ref, r.resource_type, g.facet_ref, g.owner_ref, g.seconds
  FROM (SELECT ($4::bigint[])[i] AS bucket, resource_ref, facet_ref, owner_ref, SUM(($5::bigint[])[i])::bigint AS seconds
        FROM (SELECT width_bucket(s.sampled_at, $3::bigint[]) AS i, s.resource_ref, s.facet_ref, s.owner_ref FROM samples s
              WHERE s.sampled_at BETWEEN $7 AND $8 AND s.resource_ref IN (SELECT ref FROM resources WHERE platform = $1 AND region = $2)) x
        WHERE ($6::boolean[])[i]
        GROUP BY 1, 2, 3, 4) g
  JOIN resources r ON r.ref = g.resource_ref`;

/** The samples of split runs (several weights each), joined with their weights. */
const JOINED_GROUPS = `INSERT INTO rate_groups
  SELECT g.bucket, g.resource_ref, r.resource_type, g.facet_ref, g.owner_ref, g.seconds
  FROM (SELECT w.bucket, s.resource_ref, s.facet_ref, s.owner_ref, SUM(w.seconds)::bigint AS seconds
        FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS w(sampled_at, bucket, seconds)
        JOIN samples s ON s.sampled_at = w.sampled_at
        WHERE s.resource_ref IN (SELECT ref FROM resources WHERE platform = $1 AND region = $2)
        GROUP BY 1, 2, 3, 4) g
  JOIN resources r ON r.ref = g.resource_ref`;

/**
 * Each line's units per day and in all, and its amount: `units × numerator / denominator`
 * rounded half away from zero, in exact integers (`div` truncates; units and prices are never
 * negative), as money.ts `lineAmount` rounds.
 */
const LINE_TOTALS = [
  `CREATE TEMP TABLE rate_days ON COMMIT DROP AS
     SELECT s.line, g.bucket, SUM(g.seconds::numeric * s.per_second) AS units
     FROM rate_groups g JOIN rate_shares s USING (facet_ref, resource_type, owner_ref)
     GROUP BY s.line, g.bucket`,
  `CREATE TEMP TABLE rate_totals ON COMMIT DROP AS
     SELECT d.line, p.grp, SUM(d.units) AS units, div(2 * SUM(d.units) * p.numerator + p.denominator, 2 * p.denominator) AS minor
     FROM rate_days d JOIN rate_lines p USING (line)
     GROUP BY d.line, p.grp, p.numerator, p.denominator`,
];

/**
 * Each statement line's amount shared out over its days by the largest-remainder method, as
 * money.ts `apportion` does: the floor of each day's exact share, and the units left to the
 * largest remainders, the earlier day on a tie; then summed per statement and day.
 */
const DAILY = `SELECT grp, bucket, SUM(share + CASE WHEN place <= left_over THEN 1 ELSE 0 END)::text AS minor
  FROM (SELECT t.grp, d.bucket, x.share, t.minor - SUM(x.share) OVER w AS left_over, row_number() OVER (w ORDER BY x.rem DESC, d.bucket) AS place
        FROM rate_days d JOIN rate_totals t USING (line)
        CROSS JOIN LATERAL (SELECT CASE WHEN t.units = 0 THEN 0 ELSE div(t.minor * d.units, t.units) END AS share,
                                   CASE WHEN t.units = 0 THEN 0 ELSE mod(t.minor * d.units, t.units) END AS rem) x
        WHERE t.grp >= 0
        WINDOW w AS (PARTITION BY d.line)) y
  GROUP BY grp, bucket`;

/**
 * Each line's units per resource and project, in the order the resources first appear (day,
 * then resource, facet and owner refs: the order the report reads groups in otherwise), with
 * the name of the latest facet that has one.
 */
const PARTS = `SELECT p.line, p.project_id, r.resource_id, r.resource_type, p.resource_name, p.units::text AS units
  FROM (SELECT s.line, s.project_id, g.resource_ref, SUM(g.seconds::numeric * s.per_second) AS units,
               (array_agg(s.resource_name ORDER BY g.bucket DESC, g.facet_ref DESC, g.owner_ref DESC) FILTER (WHERE s.resource_name IS NOT NULL))[1] AS resource_name,
               MIN(ARRAY[g.bucket, g.resource_ref, g.facet_ref, g.owner_ref]) AS first_seen
        FROM rate_groups g JOIN rate_shares s USING (facet_ref, resource_type, owner_ref)
        GROUP BY s.line, s.project_id, g.resource_ref) p
  JOIN resources r ON r.ref = p.resource_ref
  ORDER BY p.first_seen`;

interface FacetRow {
  facet_ref: string;
  resource_type: ResourceType;
  owner_ref: string;
  project_id: string;
  traits: string;
}

/**
 * Usage of `source` summed and priced in PostgreSQL (see `MeteringStore.rateUsage`): the
 * samples are grouped per day once, the report maps the few distinct facets to stated lines
 * and prices, and the lines, their resources and the statements' days come back summed.
 */
export async function rateUsage(c: pg.PoolClient, source: MeterSource, weights: readonly RunWeight[], rater: UsageRater): Promise<RatedUsage> {
  await c.query(`SET LOCAL work_mem = '${GROUPING_WORK_MEM}'`);
  await c.query(
    'CREATE TEMP TABLE rate_groups (bucket BIGINT NOT NULL, resource_ref BIGINT NOT NULL, resource_type TEXT NOT NULL, facet_ref BIGINT NOT NULL, owner_ref BIGINT NOT NULL, seconds BIGINT NOT NULL) ON COMMIT DROP',
  );
  const sorted = [...weights].sort((a, b) => a.hourStart - b.hourStart || a.sampledAt - b.sampledAt);
  // Chunks are cut at day boundaries, so a (day, resource, facet, owner) group is whole within one.
  for (const part of hourAlignedChunks(sorted, BUCKETS_PER_QUERY)) {
    const seg = weightSegments(part);
    await c.query(SEGMENT_GROUPS, [source.platform, source.region, seg.starts, seg.hourStarts, seg.seconds, seg.kept, seg.from, seg.to]);
    const w = seg.split;
    if (w.length > 0) await c.query(JOINED_GROUPS, [source.platform, source.region, w.map((x) => x.sampledAt), w.map((x) => x.hourStart), w.map((x) => x.seconds)]);
  }
  const facets = (
    await c.query<FacetRow>(
      `SELECT g.facet_ref, g.resource_type, g.owner_ref, f.project_id, f.traits
       FROM (SELECT DISTINCT facet_ref, resource_type, owner_ref FROM rate_groups) g JOIN facets f ON f.ref = g.facet_ref
       ORDER BY g.facet_ref, g.resource_type, g.owner_ref`,
    )
  ).rows.map(
    (r): GroupFacet => ({ facetRef: Number(r.facet_ref), resourceType: r.resource_type, ownerRef: Number(r.owner_ref), projectId: r.project_id, traits: JSON.parse(r.traits) as GroupFacet['traits'] }),
  );
  const { shares, lines } = rater(facets);
  await c.query(
    `CREATE TEMP TABLE rate_shares ON COMMIT DROP AS
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::int[], $5::numeric[], $6::text[], $7::text[])
       AS x(facet_ref, resource_type, owner_ref, line, per_second, project_id, resource_name)`,
    [
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
     SELECT * FROM unnest($1::int[], $2::int[], $3::numeric[], $4::numeric[]) AS x(line, grp, numerator, denominator)`,
    [lines.map((l) => l.line), lines.map((l) => l.group), lines.map((l) => l.numerator.toString()), lines.map((l) => l.denominator.toString())],
  );
  await c.query('ANALYZE rate_groups, rate_shares, rate_lines');
  for (const sql of LINE_TOTALS) await c.query(sql);
  const totals = (await c.query<{ line: number; units: string; minor: string }>('SELECT line, units::text, minor::text FROM rate_totals ORDER BY line')).rows;
  const daily = (await c.query<{ grp: number; bucket: string; minor: string }>(`${DAILY} ORDER BY grp, bucket`)).rows;
  const parts = (await c.query<{ line: number; project_id: string; resource_id: string; resource_type: ResourceType; resource_name: string | null; units: string }>(PARTS)).rows;
  return {
    lines: totals.map((t) => ({ line: t.line, units: BigInt(t.units), minor: BigInt(t.minor) })),
    parts: parts.map((p) => ({ line: p.line, projectId: p.project_id, resourceId: p.resource_id, resourceType: p.resource_type, resourceName: p.resource_name, units: BigInt(p.units) })),
    daily: daily.map((d) => ({ group: d.grp, dayStart: Number(d.bucket), minor: BigInt(d.minor) })),
  };
}
