import { compareAddresses } from '../constructs/model/index.ts';
import type { Change, Operation, OperationRef } from './change.ts';
import { parentsOf, type ResourceIndex } from './parents.ts';

/**
 * The order changes run in: a dependency graph over *operations* (a change is one to three
 * of them, see `Change`), cut into batches whose operations may run in parallel.
 *
 * Keystone objects refer to each other: a membership to its group, a role assignment to
 * its group and its project, a quota to its project, a project or group to its domain.
 *
 *            domain                      creates and updates: parents first
 *            /    \                        domain ─▶ project ─▶ assignment, quota
 *       project   group                    domain ─▶ group ─▶ membership, assignment
 *        /   \    /    \
 *    quota  assignment  membership       deletes and disables: children first
 *                                          membership, assignment ─▶ group ─▶ domain
 *                                          assignment, quota ─▶ project ─▶ domain
 *
 * A domain cannot be deleted while it has projects (Keystone refuses, or worse, cascades),
 * and a group that is deleted first takes its memberships with it, so the reviewed plan's
 * explicit membership deletes would find nothing. A project or domain is disabled before it
 * is deleted: that is the first operation of the same change.
 *
 * Replaces of projects and groups run create-before-destroy (Terraform's
 * `create_before_destroy`): the new object, then its grants and memberships (their own
 * replaces, create then delete), then the old grants and memberships are removed, and only
 * then is the old object retired or deleted. Users keep a path to the tenant at every step.
 *
 * Why this graph has no cycle: an operation is *forward* (create, or an update that does not
 * disable) or *reverse* (delete, or an update that disables). Forward operations wait for
 * their parents' forward operations (edges go down the kind order), reverse ones for their
 * children's reverse operations (edges go up it), and within a change that has children
 * (domain, project, group) every forward operation comes before every reverse one (a replace
 * renames the old object if its name is needed, creates, then retires or deletes). Only a
 * quota moving between backends deletes before it creates; a quota has no children, so its
 * delete waits for nothing below it and closes no cycle. The only other edges: a create waits
 * for the delete of the object that held its name (forward after reverse), and a quota's
 * delete for its project's tag update (reverse after forward, see `tagWaits`), which waits
 * only for forward operations of parents, never for a quota.
 */

/** What linking needs beyond the changes: both sides, to find parents, and the name hand-overs. */
export interface LinkContext {
  readonly desired: ResourceIndex;
  readonly live: ResourceIndex;
  /** Address → addresses whose delete frees the name the address's create needs. */
  readonly nameWaits: ReadonlyMap<string, readonly string[]>;
}

/** True for deletes and for updates that disable: they run children first. */
export function isReverse(o: Operation): boolean {
  return o.op === 'delete' || (o.op === 'update' && o.set['enabled'] === false);
}

/** Fills every operation's `waitsFor` and every change's `dependsOn`. */
export function linkChanges(changes: readonly Change[], ctx: LinkContext): readonly Change[] {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const children = new Map<string, Change[]>();
  for (const c of changes) {
    if (c.before === null || !c.operations.some(isReverse)) continue;
    for (const p of parentsOf(c.before, ctx.live)) {
      const list = children.get(p);
      if (list === undefined) children.set(p, [c]);
      else list.push(c);
    }
  }
  return changes.map((c) => {
    const operations = c.operations.map((o): Operation => {
      const waits = isReverse(o) ? [...refsOf(children.get(c.address) ?? [], isReverse), ...tagWaits(c, o, byAddress, ctx)] : forwardWaits(c, o, byAddress, ctx);
      return { ...o, waitsFor: waits.sort(compareRefs) };
    });
    const dependsOn = [...new Set(operations.flatMap((o) => o.waitsFor.map((w) => w.address)))].sort(compareAddresses);
    return { ...c, operations, dependsOn };
  });
}

function forwardWaits(c: Change, o: Operation, byAddress: ReadonlyMap<string, Change>, ctx: LinkContext): OperationRef[] {
  const parents = parentsOf(c.after!, ctx.desired).flatMap((p) => byAddress.get(p) ?? []);
  const waits = refsOf(parents, (x) => !isReverse(x));
  if (o.op !== 'create') return waits;
  const holders = (ctx.nameWaits.get(c.address) ?? []).flatMap((h) => byAddress.get(h) ?? []);
  return [...waits, ...refsOf(holders, (x) => x.op === 'delete')];
}

/**
 * A quota's delete waits for its project's tag update. With the service quota APIs, keyform
 * records each quota key it owns as a project tag (`keyform.quota=KEY`), which the quota's
 * delete removes. The update writes only the tags keyform owns, one call each, but Keystone
 * carries out every tag call by reading the project's whole list and writing it back: run
 * at the same time as the delete, the update could write back the record the delete removed.
 */
function tagWaits(c: Change, o: Operation, byAddress: ReadonlyMap<string, Change>, ctx: LinkContext): OperationRef[] {
  if (c.kind !== 'quota' || o.op !== 'delete' || c.before === null) return [];
  const projects = parentsOf(c.before, ctx.live).flatMap((p) => byAddress.get(p) ?? []);
  return refsOf(projects, (x) => x.op === 'update' && 'tags' in x.set && !isReverse(x));
}

function refsOf(changes: readonly Change[], pick: (o: Operation) => boolean): OperationRef[] {
  return changes.flatMap((c) => c.operations.flatMap((o, index) => (pick(o) ? [{ address: c.address, index }] : [])));
}

function compareRefs(a: OperationRef, b: OperationRef): number {
  return compareAddresses(a.address, b.address) || a.index - b.index;
}

/** Operations that may run at the same time; batches run one after the other. */
export type Batch = readonly OperationRef[];

/**
 * Cuts the linked operations into batches (antichains): an operation goes in the batch
 * after the latest of the operations it waits for, so each batch only waits for earlier
 * ones. Sorted by address within a batch.
 * @example schedule(plan.platforms[0].changes) // [[{address: 'keyform_project…', index: 0}], …]
 */
export function schedule(changes: readonly Change[]): readonly Batch[] {
  const levels = operationLevels(changes);
  const batches: OperationRef[][] = [];
  for (const c of changes) {
    c.operations.forEach((_, index) => {
      const l = levels.get(refKey(c.address, index))!;
      (batches[l] ??= []).push({ address: c.address, index });
    });
  }
  return batches.map((b) => b.sort(compareRefs));
}

/** The changes in the order they start: by the batch of their first operation, then by address. */
export function orderChanges(changes: readonly Change[]): readonly Change[] {
  const levels = operationLevels(changes);
  const first = (c: Change): number => levels.get(refKey(c.address, 0)) ?? 0;
  return [...changes].sort((a, b) => first(a) - first(b) || compareAddresses(a.address, b.address));
}

function refKey(address: string, index: number): string {
  return `${index}#${address}`;
}

/** The batch of every operation: one more than the latest operation it waits for. */
function operationLevels(changes: readonly Change[]): ReadonlyMap<string, number> {
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const levels = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (address: string, index: number): number => {
    const key = refKey(address, index);
    const known = levels.get(key);
    if (known !== undefined) return known;
    const o = byAddress.get(address)?.operations[index];
    if (o === undefined) throw new Error(`operation ${index} of ${address} is waited for but not in the plan`);
    if (visiting.has(key)) throw new Error(`dependency cycle through operation ${index} of ${address}`);
    visiting.add(key);
    let level = index > 0 ? levelOf(address, index - 1) + 1 : 0;
    for (const w of o.waitsFor) level = Math.max(level, levelOf(w.address, w.index) + 1);
    visiting.delete(key);
    levels.set(key, level);
    return level;
  };
  for (const c of changes) c.operations.forEach((_, i) => levelOf(c.address, i));
  return levels;
}
