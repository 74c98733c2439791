import type { Resource, ProjectResource } from '../constructs/model/index.ts';
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

/**
 * A new object takes the place of `before`. With `retire` (projects under deletion policy
 * `retain`), the old project is kept: disabled, tagged `keyform.retired` and released (its
 * markers removed, so the tenant's address names only the new project); otherwise it is
 * deleted first.
 */
export function replaceChange(
  before: Resource, after: Resource, diff: { changed: readonly string[]; replacePaths: readonly string[] }, reason: string, retire: boolean,
): Change {
  const first = retire && before.kind === 'project' ? retireOps(before) : [...disableFirst(before), { op: 'delete' } as const];
  return change({ kind: after.kind, address: after.address, action: 'replace', before, after, changed: diff.changed, replacePaths: diff.replacePaths, reason }, [...first, { op: 'create' }]);
}

/**
 * A role assignment whose Keystone role changes, create-before-destroy (as Terraform's
 * `create_before_destroy`): the new grant is made before the old one is revoked, so the
 * group's members never hold neither. Only for a grant whose group and project stay: a
 * relation has no children, so its revoke waits for nothing and the order has no cycle.
 */
export function swapChange(before: Resource, after: Resource, diff: { changed: readonly string[]; replacePaths: readonly string[] }, reason: string): Change {
  return change({ kind: after.kind, address: after.address, action: 'replace', before, after, changed: diff.changed, replacePaths: diff.replacePaths, reason }, [{ op: 'create' }, { op: 'delete' }]);
}

function retireOps(before: ProjectResource): readonly Draft[] {
  return [{ op: 'update', set: { enabled: false, tags: retiredTags(before.attrs.tags, true) } }];
}
