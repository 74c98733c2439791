import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { parentAddress, type AssignmentResource, type MembershipResource } from '../../constructs/model/index.ts';
import * as ks from '../keystone/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import { fromKeystone, type WriteContext } from './write-context.ts';

/**
 * Group memberships and role assignments: PUT to create (idempotent: Keystone answers 204
 * again when it already holds), DELETE to remove (404, already gone, counts as done).
 */
export function createRelation(after: MembershipResource | AssignmentResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const fail = (m: string): ResultAsync<void, OperationFailure> => errAsync(operationFailed(after.address, 'create', m));
  const groupId = ctx.book.idOf(parentAddress(after, 'group'));
  if (groupId === undefined) return fail(`its group ${parentAddress(after, 'group')} has no Keystone id; make a new plan`);
  if (after.kind === 'membership') {
    const userId = ctx.book.userId(after.key.euid);
    if (userId === undefined) return fail(`user ${JSON.stringify(after.key.euid)} does not exist in Keystone (any more); make a new plan`);
    return ks.addGroupUser(ctx.session, groupId, userId).mapErr((e) => fromKeystone(after.address, 'create', e));
  }
  const projectId = ctx.book.idOf(parentAddress(after, 'project'));
  const roleId = ctx.book.roleId(after.attrs.keystoneRole);
  if (projectId === undefined) return fail(`its project ${parentAddress(after, 'project')} has no Keystone id; make a new plan`);
  if (roleId === undefined) return fail(`Keystone has no role ${JSON.stringify(after.attrs.keystoneRole)}: create it, or map the project role to an existing one (role_mapping)`);
  return ks.grantRole(ctx.session, { actor: { group: groupId }, target: { project: projectId }, roleId }).mapErr((e) => fromKeystone(after.address, 'create', e));
}

/** Removes a membership or role assignment found live (its ids are the snapshot's). */
export function deleteRelation(before: MembershipResource | AssignmentResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  if (before.ids === undefined) return errAsync(operationFailed(before.address, 'delete', 'the plan names no Keystone ids for it; make a new plan'));
  const sent = before.kind === 'membership'
    ? ks.removeGroupUser(ctx.session, before.ids.groupId, before.ids.userId)
    : ks.revokeRole(ctx.session, { actor: { group: before.ids.groupId }, target: { project: before.ids.projectId }, roleId: before.ids.roleId });
  return sent.orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(fromKeystone(before.address, 'delete', e))));
}
