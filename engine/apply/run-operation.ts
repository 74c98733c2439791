import { errAsync, type ResultAsync } from 'neverthrow';
import type { Change } from '../../plans/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import { createNamed, deleteNamed, updateNamed } from './write-identity.ts';
import { createQuota, deleteQuota, updateQuota } from './write-quota.ts';
import { createRelation, deleteRelation } from './write-relations.ts';
import type { WriteContext } from './write-context.ts';

/**
 * Carries out operation `index` of `change` against Keystone, exactly as the plan says
 * (see the table on `Operation`): a create makes `after`, an update writes `set` onto the
 * live object `before`, a delete removes `before`. Nothing is re-derived from the config.
 */
export function runOperation(change: Change, index: number, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const o = change.operations[index];
  if (o === undefined) return errAsync(operationFailed(change.address, 'unknown', `the plan has no operation ${index} for it`));
  if (o.op === 'create') {
    const a = change.after;
    if (a === null) return errAsync(operationFailed(change.address, 'create', 'the plan creates it but holds no record of it'));
    if (a.kind === 'membership' || a.kind === 'assignment') return createRelation(a, ctx);
    if (a.kind === 'quota') return createQuota(a, ctx);
    return createNamed(a, ctx);
  }
  const b = change.before;
  if (b === null) return errAsync(operationFailed(change.address, o.op, 'the plan changes it but holds no live record of it'));
  if (o.op === 'update') {
    if (b.kind === 'quota') return updateQuota(b, o.set, ctx);
    if (b.kind === 'membership' || b.kind === 'assignment') return errAsync(operationFailed(change.address, 'update', `a ${b.kind} has nothing to update in place; make a new plan`));
    return updateNamed(b, o.set, ctx);
  }
  if (b.kind === 'membership' || b.kind === 'assignment') return deleteRelation(b, ctx);
  if (b.kind === 'quota') return deleteQuota(b, ctx);
  return deleteNamed(b, ctx);
}
