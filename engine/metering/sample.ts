/**
 * What the collector records: one sample per resource per run, a run record per run, and
 * the project → workspace/tenant map as Keystone's tags said at that run. Plain readonly
 * JSON data.
 *
 * Times are whole seconds since the Unix epoch (UTC). A run's `sampledAt` is its start time
 * floored to its interval (see `sampleTime`), so a collector restarted within the same
 * interval writes the same sample time again and the store's uniqueness on
 * (resource, sample time) keeps one sample.
 */

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
 * | server       | flavor, vcpus, ram_mib, disk_gib, status          |
 * | volume       | size_gib, volume_type, status                     |
 * | snapshot     | size_gib, status, volume_id                       |
 * | floatingip   | address, status, port_id (null when unassociated) |
 * | router       | status, external_gateway (bool)                   |
 * | loadbalancer | provisioning_status, operating_status, provider   |
 * | image        | size_bytes, status, visibility, disk_format       |
 */
export interface Sample {
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  /** The Keystone project that owns the resource. */
  readonly projectId: string;
  readonly traits: Readonly<Record<string, TraitValue>>;
}

/** A completed collection run. A run is stored with all its samples or not at all. */
export interface RunRecord {
  readonly platform: string;
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
