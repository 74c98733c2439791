import { MAX_NAME_LENGTH, type Resource, type ProjectResource } from '../constructs/model/index.ts';
import type { AttributeValue, Change, Operation } from './change.ts';
import { retiredTags } from './tags.ts';

/**
 * Small constructors for changes, before `order.ts` links their operations: every
 * `waitsFor` and `dependsOn` here is empty. They keep the invariants of the `Change` table
 * in one place (which side is null, which operations run, in what order).
 */

/** An operation before it is linked: `Operation` without `waitsFor`. */
type Draft = Operation extends infer O ? (O extends Operation ? Omit<O, 'waitsFor'> : never) : never;

function change(c: Omit<Change, 'operations' | 'dependsOn'>, ops: readonly Draft[]): Change {
  return { ...c, operations: ops.map((o) => ({ ...o, waitsFor: [] }) as Operation), dependsOn: [] };
}

/** Keystone refuses to delete an enabled domain; keyform disables projects the same way, so a half-done delete leaves nothing usable. */
function disableFirst(before: Resource): readonly Draft[] {
  const enabled = (before.kind === 'project' || before.kind === 'domain') && before.attrs.enabled;
  return enabled ? [{ op: 'update', set: { enabled: false } }] : [];
}

/** The attributes of `after` named in `changed`, as an update operation writes them. */
export function setOf(after: Resource, changed: readonly string[]): Readonly<Record<string, AttributeValue>> {
  const attrs = after.attrs as Readonly<Record<string, AttributeValue>>;
  return Object.fromEntries(changed.map((n) => [n, attrs[n]!]));
}

/** A new object: `after` is created. */
export function createChange(after: Resource, reason: string): Change {
  return change({ kind: after.kind, address: after.address, action: 'create', before: null, after, changed: [], replacePaths: [], reason }, [{ op: 'create' }]);
}

/** `before` is brought to `after` by writing the `changed` attributes. */
export function updateChange(before: Resource, after: Resource, changed: readonly string[], reason: string): Change {
  return change({ kind: after.kind, address: after.address, action: 'update', before, after, changed, replacePaths: [], reason }, [{ op: 'update', set: setOf(after, changed) }]);
}

/** `before` is deleted (disabled first when it is an enabled project or domain). */
export function deleteChange(before: Resource, reason: string): Change {
  return change({ kind: before.kind, address: before.address, action: 'delete', before, after: null, changed: [], replacePaths: [], reason }, [...disableFirst(before), { op: 'delete' }]);
}

/** How a replace runs: which comes first, and whether the old object must give up its name. */
export interface ReplaceOrder {
  /** Projects under deletion policy `retain` keep the old project, retired; everything else is deleted. */
  readonly retire: boolean;
  /**
   * Create-before-destroy (Terraform's `create_before_destroy`): the new object is made first
   * and the old one goes last, after its children (grants, memberships) moved to the new one.
   * Otherwise the old object goes first and the new one is created after.
   */
  readonly createFirst: boolean;
  /** A name the old object takes before the new one is created, when both would hold the same name in one domain. */
  readonly retiredName?: string;
}

/**
 * A new object takes the place of `before`. With `retire` (projects under deletion policy
 * `retain`), the old project is kept: disabled, tagged `keyform.retired` and released (its
 * markers removed, so the tenant's address names only the new project); otherwise it is
 * deleted. With `createFirst` the new object exists before the old one is touched (renamed
 * first to `retiredName` when the new one needs its name); otherwise the old one goes first.
 */
export function replaceChange(
  before: Resource, after: Resource, diff: { changed: readonly string[]; replacePaths: readonly string[] }, reason: string, order: ReplaceOrder,
): Change {
  const removal = order.retire && before.kind === 'project' ? retireOps(before) : [...disableFirst(before), { op: 'delete' } as const];
  const rename: readonly Draft[] = order.retiredName === undefined ? [] : [{ op: 'update', set: { name: order.retiredName } }];
  const ops: readonly Draft[] = order.createFirst ? [...rename, { op: 'create' }, ...removal] : [...removal, { op: 'create' }];
  return change({ kind: after.kind, address: after.address, action: 'replace', before, after, changed: diff.changed, replacePaths: diff.replacePaths, reason }, ops);
}

/**
 * The name an object keyform retires takes so that its replacement can have its own: the
 * name, cut to leave room within Keystone's 64 characters, and `~retired-` with the start
 * of the object's id (unique: two retired objects of one name never clash).
 * @example retiredName('acme.webshop', '4f1c9a0e7b…') // 'acme.webshop~retired-4f1c9a0e'
 */
export function retiredName(name: string, id: string): string {
  const suffix = `~retired-${id.slice(0, 8)}`;
  return [...name].slice(0, MAX_NAME_LENGTH - suffix.length).join('') + suffix;
}

/**
 * True when the replace `c` creates the new object before it removes the old one: its create
 * comes before any delete or disable (the JSON plan's `actions: ["create", "delete"]`).
 */
export function createsFirst(c: Change): boolean {
  const create = c.operations.findIndex((o) => o.op === 'create');
  const removal = c.operations.findIndex((o) => o.op === 'delete' || (o.op === 'update' && o.set['enabled'] === false));
  return create >= 0 && (removal < 0 || create < removal);
}

/**
 * A role assignment whose Keystone role changes, create-before-destroy (as Terraform's
 * `create_before_destroy`): the new grant is made before the old one is revoked, so the
 * group's members never hold neither.
 */
export function swapChange(before: Resource, after: Resource, diff: { changed: readonly string[]; replacePaths: readonly string[] }, reason: string): Change {
  return replaceChange(before, after, diff, reason, { retire: false, createFirst: true });
}

function retireOps(before: ProjectResource): readonly Draft[] {
  return [{ op: 'update', set: { enabled: false, tags: retiredTags(before.attrs.tags, true) } }];
}
