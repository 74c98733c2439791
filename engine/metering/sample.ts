/**
 * What the collector records: one sample per resource per run, a run record per run, and
 * the project → workspace/tenant map as Keystone's tags said at that run. Plain readonly
 * JSON data.
 *
 * Times are whole seconds since the Unix epoch (UTC). A run's `sampledAt` is its start time
 * floored to its interval (see `sampleTime`), so a collector restarted within the same
 * interval writes the same sample time again and the store's uniqueness on
 * (platform, region, resource, sample time) keeps one sample.
 */
import { compareCodeUnits } from '../../constructs/model/code-unit-order.ts';

/** The closed set of sampled resource types. */
export const RESOURCE_TYPES = ['server', 'volume', 'snapshot', 'floatingip', 'router', 'loadbalancer', 'image'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** A trait value as read from the API; `null` where the API gave none. */
export type TraitValue = string | number | boolean | null;

/**
 * One resource as seen by one run.
 *
 * | resourceType | traits                                            |
 * |--------------|---------------------------------------------------|
 * | server       | name, flavor, vcpus, ram_mib, disk_gib, status    |
 * | volume       | name, size_gib, volume_type, status               |
 * | snapshot     | name, size_gib, status, volume_id                 |
 * | floatingip   | address, status, port_id (null when unassociated) |
 * | router       | name, status, external_gateway (bool)             |
 * | loadbalancer | name, provisioning_status, operating_status, provider |
 * | image        | name, size_bytes, status, visibility, disk_format |
 */
export interface Sample {
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  /** The Keystone project that owns the resource. */
  readonly projectId: string;
  readonly traits: Readonly<Record<string, TraitValue>>;
}

/**
 * Where samples come from: one collector per platform and region, each with its own runs and
 * resources in the store. `region` is '' for rows stored before regions were recorded.
 */
export interface MeterSource {
  readonly platform: string;
  readonly region: string;
}

/** A completed collection run. A run is stored with all its samples or not at all. */
export interface RunRecord extends MeterSource {
  /** The sample time of every sample of this run (seconds, on the interval grid). */
  readonly sampledAt: number;
  /** The interval the collector ran with: each sample stands for at most this long. */
  readonly intervalSeconds: number;
  /** Wall-clock start and end of the run (seconds). */
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly sampleCount: number;
}

/** A Keystone project as the metering run saw it, with keyform's owner tags read. */
export interface ProjectRecord {
  readonly projectId: string;
  readonly name: string;
  /** Set when the project carries `keyform.managed=<platform>` and a tenant tag. */
  readonly owner?: { readonly platform: string; readonly workspace: string; readonly project: string };
  /**
   * The tenant's tags as replicated on the project (landing zone, workspace and tenant tags
   * merged, under the platform's `tag_prefix`, prefix removed), e.g. `{ cost_center: 'cc-42' }`.
   * @default {}
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A project record as canonical text: equal records are equal text, so the store keeps one
 * row per distinct version of a project's name, owner and tags.
 */
export function canonicalProject(p: ProjectRecord): string {
  const tags = Object.fromEntries(Object.entries(p.tags ?? {}).sort(([a], [b]) => compareCodeUnits(a, b)));
  const owner = p.owner ? { platform: p.owner.platform, workspace: p.owner.workspace, project: p.owner.project } : null;
  return JSON.stringify({ name: p.name, owner, tags });
}

/** Reads `canonicalProject` text back into the record of project `projectId`. */
export function parseProject(projectId: string, text: string): ProjectRecord {
  const r = JSON.parse(text) as { name: string; owner: ProjectRecord['owner'] | null; tags: Record<string, string> };
  return { projectId, name: r.name, ...(r.owner ? { owner: r.owner } : {}), tags: r.tags };
}

/**
 * The sample time of a run that starts at `nowSeconds` with `intervalSeconds`: the start of
 * the interval it falls in, on a grid anchored at the epoch.
 * @example sampleTime(1_700_000_123, 300) === 1_700_000_100
 */
export function sampleTime(nowSeconds: number, intervalSeconds: number): number {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds <= 0) throw new Error(`interval must be a positive integer, got ${intervalSeconds}`);
  return Math.floor(nowSeconds / intervalSeconds) * intervalSeconds;
}
