import type { OpenStackSession } from '../../engine/openstack/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { must } from '../engine/quota/quota-run.ts';

export { must };

/** Runs `work` over `items` with at most `width` in flight. */
export async function pool<T>(items: readonly T[], width: number, work: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** The middle value (the upper middle of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `work`'s value and its wall time in ms. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
}

/** The lists a unified-limits snapshot sends (besides the per-user group reads). */
export const SNAPSHOT_LISTS = ['/domains', '/projects', '/groups', '/users', '/roles', '/role_assignments', '/services', '/limits', '/registered_limits'] as const;

/** One of `SNAPSHOT_LISTS`, once, through the session the snapshot uses for it: only the limits need system scope. */
export function snapshotList(path: (typeof SNAPSHOT_LISTS)[number], s: OpenStackSession, system: OpenStackSession): Promise<ks.ListPage<{ id?: string }>> {
  return must(path, ks.listOnce<{ id?: string }>(path === '/limits' ? system : s, path, path.slice(1)));
}
