import { parseProject, type MeterSource, type ProjectRecord, type ResourceType, type RunRecord, type Sample } from '../sample.ts';

/** Rows as both stores read them; PostgreSQL returns BIGINT columns as strings. */
export interface SourceRow {
  platform: string;
  region: string;
}
export interface RunRow extends SourceRow {
  sampled_at: number | string;
  interval_seconds: number | string;
  started_at: number | string;
  finished_at: number | string;
  sample_count: number | string;
}
export interface SampleRow {
  resource_id: string;
  resource_type: ResourceType;
  project_id: string;
  traits: string;
}
export interface GroupRow extends SampleRow {
  hour_start: number | string;
  seconds: number | string;
  owner_ref: number | string;
}
/** A group's resource and facet refs: the order groups are read in. */
export interface RefRow {
  resource_ref: number | string;
  facet_ref: number | string;
}
export interface OwnerRow {
  ref: number | string;
  project_id: string;
  record: string;
}

export function toRun(r: RunRow): RunRecord {
  return {
    platform: r.platform,
    region: r.region,
    sampledAt: Number(r.sampled_at),
    intervalSeconds: Number(r.interval_seconds),
    startedAt: Number(r.started_at),
    finishedAt: Number(r.finished_at),
    sampleCount: Number(r.sample_count),
  };
}

export function toSample(r: SampleRow): Sample {
  return { resourceId: r.resource_id, resourceType: r.resource_type, projectId: r.project_id, traits: JSON.parse(r.traits) as Sample['traits'] };
}


export function toSource(r: SourceRow): MeterSource {
  return { platform: r.platform, region: r.region };
}

/** Owner versions by ref. */
export function toOwnerVersions(rows: readonly OwnerRow[]): ReadonlyMap<number, ProjectRecord> {
  return new Map(rows.map((r) => [Number(r.ref), parseProject(r.project_id, r.record)]));
}
