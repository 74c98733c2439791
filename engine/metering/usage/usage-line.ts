import type { MeterSource, ResourceType, TraitValue } from '../sample.ts';
import type { SampleGroup } from '../store/metering-store.ts';

const GIB = 1024 ** 3;

/**
 * What usage is measured in. Each metric belongs to one resource type. A quantity is kept
 * exactly as an integer count of `perUnit`ths of a unit: seconds (× vCPUs, × GiB) for the
 * hour metrics, MiB-seconds for RAM, byte-seconds for images.
 */
export const METRICS = {
  'server.hours': { resourceType: 'server', unit: 'server-hour', label: 'Server hours', perUnit: 3600n },
  'vcpu.hours': { resourceType: 'server', unit: 'vCPU-hour', label: 'vCPU hours', perUnit: 3600n },
  'ram.gib_hours': { resourceType: 'server', unit: 'GiB-hour', label: 'RAM GiB-hours', perUnit: 3600n * 1024n },
  'volume.gib_hours': { resourceType: 'volume', unit: 'GiB-hour', label: 'Volume GiB-hours', perUnit: 3600n },
  'snapshot.gib_hours': { resourceType: 'snapshot', unit: 'GiB-hour', label: 'Snapshot GiB-hours', perUnit: 3600n },
  'floatingip.hours': { resourceType: 'floatingip', unit: 'IP-hour', label: 'Floating IP hours', perUnit: 3600n },
  'router.hours': { resourceType: 'router', unit: 'router-hour', label: 'Router hours', perUnit: 3600n },
  'loadbalancer.hours': { resourceType: 'loadbalancer', unit: 'LB-hour', label: 'Load balancer hours', perUnit: 3600n },
  'image.gib_hours': { resourceType: 'image', unit: 'GiB-hour', label: 'Image GiB-hours', perUnit: 3600n * BigInt(GIB) },
} as const satisfies Record<string, { resourceType: ResourceType; unit: string; label: string; perUnit: bigint }>;
export type Metric = keyof typeof METRICS;

/** A server's state on a statement: `stopped` servers may have their own price keys. */
export type ServerState = 'running' | 'stopped';

/**
 * Server states that count as stopped: the flavor stays reserved, but nothing runs. By
 * default they are charged like running servers; `server.stopped.*` price keys change that.
 */
export const STOPPED_SERVER_STATES: ReadonlySet<string> = new Set(['SHUTOFF', 'SUSPENDED', 'PAUSED', 'SHELVED']);

/** Names as a reader expects them: cinder's unnamed default volume type reads "default". */
export function readableName(name: string): string {
  return name === '__DEFAULT__' ? 'default' : name;
}

/**
 * Usage of one resource in one UTC hour, in one metric. `qualifier` splits a metric where
 * price depends on it: the flavor name for `server.hours`, the volume type for
 * `volume.gib_hours`; null otherwise.
 */
export interface UsageLine extends MeterSource {
  /** The hour's start; the day's when usage is summed per day (see `forEachUsageLine`). */
  readonly hourStart: number;
  readonly projectId: string;
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  /** The resource's name in the samples (a floating IP's address); null when it has none. */
  readonly resourceName: string | null;
  readonly metric: Metric;
  readonly qualifier: string | null;
  /** What prices the resource as a whole: the flavor of every server line, the type of a volume; else null. */
  readonly variant: string | null;
  /** Servers only: running or stopped in these samples; null for other resources. */
  readonly state: ServerState | null;
  /** The exact quantity in `METRICS[metric].perUnit`ths of a unit. */
  readonly units: bigint;
  /** `units / perUnit` as a number, for display. */
  readonly quantity: number;
  /** The project version (owner, tags) when the samples were taken; see `SampleGroup.ownerRef`. */
  readonly ownerRef: number;
}

const num = (v: TraitValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
const str = (v: TraitValue | undefined): string => (typeof v === 'string' && v !== '' ? v : 'unknown');

/**
 * States in which a resource holds nothing that costs: it is sampled (the record stays
 * truthful) but not counted. Anything else counts, including a stopped server (its flavor
 * stays reserved on the hypervisor) and an unassociated floating IP (the address is held).
 */
const NOT_BILLABLE: Readonly<Record<ResourceType, ReadonlySet<string>>> = {
  server: new Set(['ERROR', 'DELETED', 'SOFT_DELETED', 'SHELVED_OFFLOADED']),
  volume: new Set(['error', 'error_deleting', 'error_extending', 'deleting', 'deleted']),
  snapshot: new Set(['error', 'error_deleting', 'deleting', 'deleted']),
  floatingip: new Set(),
  router: new Set(),
  loadbalancer: new Set(['ERROR', 'DELETED']),
  image: new Set(['queued', 'saving', 'uploading', 'importing', 'killed', 'deleted', 'pending_delete', 'deactivated']),
};

function state(g: SampleGroup): string {
  const s = g.resourceType === 'loadbalancer' ? g.traits['provisioning_status'] : g.traits['status'];
  return typeof s === 'string' ? s : '';
}

/**
 * The usage lines one sample group of `source` stands for: `hours` is the covered fraction of
 * the hour, multiplied by the size the metric counts (vCPUs, GiB).
 * @example usageLines({ resourceType: 'router', seconds: 1800, … }, source) → [{ metric: 'router.hours', quantity: 0.5, … }]
 */
export function usageLines(g: SampleGroup, source: MeterSource): readonly UsageLine[] {
  const st = state(g);
  if (NOT_BILLABLE[g.resourceType].has(st)) return [];
  const seconds = BigInt(g.seconds);
  const t = g.traits;
  const variant = g.resourceType === 'server' ? str(t['flavor']) : g.resourceType === 'volume' ? str(t['volume_type']) : null;
  const named = t['name'] ?? t['address'];
  const resourceName = typeof named === 'string' && named !== '' ? named : null;
  const serverState: ServerState | null = g.resourceType === 'server' ? (STOPPED_SERVER_STATES.has(st) ? 'stopped' : 'running') : null;
  const line = (metric: Metric, size: number, qualifier: string | null = null): UsageLine => {
    const units = seconds * BigInt(size);
    return {
      platform: source.platform,
      region: source.region,
      hourStart: g.hourStart,
      projectId: g.projectId,
      resourceId: g.resourceId,
      resourceType: g.resourceType,
      resourceName,
      metric,
      qualifier,
      variant,
      state: serverState,
      units,
      quantity: Number(units) / Number(METRICS[metric].perUnit),
      ownerRef: g.ownerRef,
    };
  };
  switch (g.resourceType) {
    case 'server':
      return [line('server.hours', 1, variant), line('vcpu.hours', num(t['vcpus'])), line('ram.gib_hours', num(t['ram_mib']))];
    case 'volume':
      return [line('volume.gib_hours', num(t['size_gib']), variant)];
    case 'snapshot':
      return [line('snapshot.gib_hours', num(t['size_gib']))];
    case 'floatingip':
      return [line('floatingip.hours', 1)];
    case 'router':
      return [line('router.hours', 1)];
    case 'loadbalancer':
      return [line('loadbalancer.hours', 1)];
    case 'image':
      return [line('image.gib_hours', num(t['size_bytes']))];
  }
}
