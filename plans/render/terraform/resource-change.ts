import type { Resource } from '../../../constructs/model/index.ts';
import type { Action } from '../../action.ts';
import type { Change } from '../../change.ts';
import { createsFirst } from '../../change-builders.ts';
import { snakeCase, terraformIdentity, terraformValues } from './values.ts';

/** Terraform's action lists: a replace that deletes first is `["delete", "create"]`, one that creates first (`create_before_destroy`) `["create", "delete"]`. */
const TERRAFORM_ACTIONS: Readonly<Record<Action, readonly string[]>> = {
  'no-op': ['no-op'],
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
};

/**
 * A change as a `resource_changes[]` entry, the way `terraform show -json` writes one:
 *
 * | action  | before        | after                                   | after_unknown   | before_/after_sensitive |
 * |---------|---------------|-----------------------------------------|-----------------|-------------------------|
 * | create  | null          | the desired values                      | `{ids: true}`   | false / {}              |
 * | update  | live values   | live values with the change applied     | {}              | {} / {}                 |
 * | replace | live values   | the new object's values, ids unknown    | `{ids: true}`   | {} / {}                 |
 * | delete  | live values   | null                                    | {}              | {} / false              |
 * | no-op   | live values   | the same live values                    | {}              | {} / {}                 |
 *
 * An update's `after` keeps every attribute of `before` the change does not touch (its ids
 * above all), so a diff of before and after shows only what changes. Ids Keystone assigns
 * on create are unknown until apply, as Terraform marks a computed attribute.
 */
export function resourceChange(c: Change): Record<string, unknown> {
  const before = c.before === null ? null : terraformValues(c.before);
  const after = afterValues(c.action, c.before, c.after);
  const unknown = c.action === 'create' || c.action === 'replace';
  return {
    ...terraformIdentity(c.address, c.kind),
    change: {
      actions: c.action === 'replace' && createsFirst(c) ? ['create', 'delete'] : TERRAFORM_ACTIONS[c.action],
      before,
      after,
      after_unknown: unknown ? { ids: true } : {},
      before_sensitive: before === null ? false : {},
      after_sensitive: after === null ? false : {},
      ...(c.replacePaths.length > 0 ? { replace_paths: c.replacePaths.map((p) => p.split('.').map(snakeCase)) } : {}),
    },
    ...(c.action === 'replace' ? { action_reason: 'replace_because_cannot_update' } : {}),
  };
}

/** A live object no change touches: `["no-op"]` with the same values (`terraformValues(r)`) on both sides. */
export function noOpChange(r: Resource, values: Record<string, unknown>): Record<string, unknown> {
  return {
    ...terraformIdentity(r.address, r.kind),
    change: { actions: TERRAFORM_ACTIONS['no-op'], before: values, after: values, after_unknown: {}, before_sensitive: {}, after_sensitive: {} },
  };
}

function afterValues(action: Action, before: Resource | null, after: Resource | null): Record<string, unknown> | null {
  if (after === null) return null;
  const values = terraformValues(after);
  if (action === 'create' || action === 'replace') {
    delete values['ids'];
    return values;
  }
  // Untouched attributes stay as they are: the live record is the base, the change written over it.
  return before === null ? values : { ...terraformValues(before), ...values };
}
