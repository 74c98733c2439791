import type { DesiredState, LiveState, Resource } from '../constructs/model/index.ts';
import { compareAddresses, objectIdOf, RESOURCE_KINDS } from '../constructs/model/index.ts';
import type { Change, PlanError, Remark } from './change.ts';
import { resolveDomainNames } from './domain-names.ts';
import { diffContext, diffSink, type DiffSink } from './diff-context.ts';
import { planDesired } from './diff-desired.ts';
import { planRemovals } from './diff-removed.ts';
import { linkChanges, orderChanges } from './order.ts';
import { namedObject } from './ownership.ts';
import { nameTaken, quotaUnavailable, unknownRole } from './problems.ts';

/** One platform's diff: what to change, what to tell the reviewer, what stops the plan. */
export interface DiffResult {
  /** Every change that does something (no no-ops), linked and in execution order. */
  readonly changes: readonly Change[];
  /** Sorted by user, then tenant. */
  readonly remarks: readonly Remark[];
  /** Sorted by address; a plan with errors cannot be applied. */
  readonly errors: readonly PlanError[];
  /** How many desired or live resources need nothing. */
  readonly unchanged: number;
}

/**
 * Compares what one platform should look like with what it looks like now. Pure and
 * deterministic: the same inputs give the same changes in the same order.
 *
 * Ownership is the first rule: `live.resources` are the objects carrying this platform's
 * marker, and only they are ever updated or deleted. A desired object whose name an
 * unmanaged object holds is a plan error, unless the tenant adopts that project.
 * @example diff(desired, desired-as-live).changes // []
 */
export function diff(desired: DesiredState, live: LiveState): DiffResult {
  if (desired.platform !== live.platform) throw new Error(`diff of platform ${desired.platform} against a snapshot of ${live.platform}`);
  const stray = live.resources.find((r) => r.managed === false);
  if (stray !== undefined) throw new Error(`${stray.address} is listed among the managed resources but carries no marker`);
  // Domains are compared by identity: the config's spelling (id or name) becomes Keystone's name first.
  const ctx = diffContext(resolveDomainNames(desired, live), live);
  const sink = diffSink(desired.platform);
  const wanted = ctx.desired.resources;
  const { matches, gone } = join(wanted, ctx.live.resources);
  for (const kind of RESOURCE_KINDS) {
    for (let i = 0; i < wanted.length; i++) {
      const r = wanted[i]!, l = matches[i];
      if (r.kind !== kind) continue;
      // A key the backend cannot hold would fail at apply (Keystone 403s a limit without a registered one): refuse it now.
      // Every Keystone reference is checked here, so that a plan that cannot be applied is an error, not a half-done apply.
      if (r.kind === 'quota' && live.quotaDefaults !== undefined && !Object.hasOwn(live.quotaDefaults, r.key.quotaKey)) sink.errors.push(quotaUnavailable(r));
      else if (r.kind === 'assignment' && !Object.hasOwn(live.roles, r.attrs.keystoneRole)) sink.errors.push(unknownRole(r, Object.keys(live.roles)));
      else planDesired(r, l, ctx, sink);
    }
  }
  planRemovals(gone, ctx, sink);
  const nameWaits = handOverNames(sink);
  const changes = linkChanges([...sink.changes.values()], { desired: ctx.desired, live: ctx.live, nameWaits });
  return {
    changes: orderChanges(changes),
    remarks: sink.remarks(),
    errors: [...sink.errors].sort((a, b) => compareAddresses(a.address, b.address)),
    unchanged: sink.unchanged,
  };
}

/**
 * Walks both sides in address order at once: the live counterpart of each desired resource
 * (`matches[i]` for `desired[i]`), and the live resources nothing desired matches. One list
 * beside `desired`, not a pair per resource: a two-element array costs V8 ~64 bytes, a slot 8.
 */
function join(desired: readonly Resource[], live: readonly Resource[]): { matches: (Resource | undefined)[]; gone: Resource[] } {
  const matches = new Array<Resource | undefined>(desired.length);
  const gone: Resource[] = [];
  let j = 0;
  for (let i = 0; i < desired.length; i++) {
    const d = desired[i]!;
    while (j < live.length && compareAddresses(live[j]!.address, d.address) < 0) gone.push(live[j++]!);
    matches[i] = j < live.length && live[j]!.address === d.address ? live[j++] : undefined;
  }
  while (j < live.length) gone.push(live[j++]!);
  return { matches, gone };
}

/**
 * A name another managed object holds can be taken over only after that object is deleted;
 * if it stays (a retired project keeps its name), the desired object cannot have the name.
 */
function handOverNames(sink: DiffSink): ReadonlyMap<string, readonly string[]> {
  const waits = new Map<string, string[]>();
  for (const { address, holder } of sink.heldNames) {
    if (sink.changes.get(holder.address)?.operations.some((o) => o.op === 'delete')) {
      waits.set(address, [...(waits.get(address) ?? []), holder.address]);
      continue;
    }
    const named = namedObject(sink.changes.get(address)?.after ?? holder)!;
    sink.errors.push(nameTaken(holder.platform, address, named, objectIdOf(holder) ?? 'unknown', holder.address));
    sink.changes.delete(address);
  }
  return waits;
}
