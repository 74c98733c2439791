import type { ResourceType, TraitValue } from '../sample.ts';
import type { SampleGroup } from '../store/metering-store.ts';
import { HOUR } from './coverage.ts';

/** What usage is measured in. Each metric belongs to one resource type. */
export const METRICS = {
  'server.hours': { resourceType: 'server', unit: 'server-hour', label: 'Server hours' },
  'vcpu.hours': { resourceType: 'server', unit: 'vCPU-hour', label: 'vCPU hours' },
  'ram.gib_hours': { resourceType: 'server', unit: 'GiB-hour', label: 'RAM GiB-hours' },
  'volume.gib_hours': { resourceType: 'volume', unit: 'GiB-hour', label: 'Volume GiB-hours' },
  'snapshot.gib_hours': { resourceType: 'snapshot', unit: 'GiB-hour', label: 'Snapshot GiB-hours' },
  'floatingip.hours': { resourceType: 'floatingip', unit: 'IP-hour', label: 'Floating IP hours' },
  'router.hours': { resourceType: 'router', unit: 'router-hour', label: 'Router hours' },
  'loadbalancer.hours': { resourceType: 'loadbalancer', unit: 'LB-hour', label: 'Load balancer hours' },
  'image.gib_hours': { resourceType: 'image', unit: 'GiB-hour', label: 'Image GiB-hours' },
} as const satisfies Record<string, { resourceType: ResourceType; unit: string; label: string }>;
export type Metric = keyof typeof METRICS;

/**
 * Usage of one resource in one UTC hour, in one metric. `qualifier` splits a metric where
 * price depends on it: the flavor name for `server.hours`, the volume type for
 * `volume.gib_hours`; null otherwise.
 */
export interface UsageLine {
  readonly hourStart: number;
  readonly projectId: string;
  readonly resourceId: string;
  readonly resourceType: ResourceType;
  readonly metric: Metric;
  readonly qualifier: string | null;
  readonly quantity: number;
}

const GIB = 1024 ** 3;
const num = (v: TraitValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
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
 * The usage lines one sample group stands for: `hours` is the covered fraction of the hour,
 * multiplied by the size the metric counts (vCPUs, GiB).
 * @example usageLines({ resourceType: 'router', seconds: 1800, … }) → [{ metric: 'router.hours', quantity: 0.5, … }]
 */
export function usageLines(g: SampleGroup): readonly UsageLine[] {
  if (NOT_BILLABLE[g.resourceType].has(state(g))) return [];
  const hours = g.seconds / HOUR;
  const line = (metric: Metric, quantity: number, qualifier: string | null = null): UsageLine => ({
    hourStart: g.hourStart,
    projectId: g.projectId,
    resourceId: g.resourceId,
    resourceType: g.resourceType,
    metric,
    qualifier,
    quantity,
  });
  const t = g.traits;
  switch (g.resourceType) {
    case 'server':
      return [line('server.hours', hours, str(t['flavor'])), line('vcpu.hours', hours * num(t['vcpus'])), line('ram.gib_hours', (hours * num(t['ram_mib'])) / 1024)];
    case 'volume':
      return [line('volume.gib_hours', hours * num(t['size_gib']), str(t['volume_type']))];
    case 'snapshot':
      return [line('snapshot.gib_hours', hours * num(t['size_gib']))];
    case 'floatingip':
      return [line('floatingip.hours', hours)];
    case 'router':
      return [line('router.hours', hours)];
    case 'loadbalancer':
      return [line('loadbalancer.hours', hours)];
    case 'image':
      return [line('image.gib_hours', (hours * num(t['size_bytes'])) / GIB)];
  }
}
