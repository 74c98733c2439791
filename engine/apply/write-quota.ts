import { okAsync, type ResultAsync } from 'neverthrow';
import { parentAddress, type QuotaResource } from '../../constructs/model/index.ts';
import type { AttributeValue } from '../../plans/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import type { WriteContext } from './write-context.ts';

/**
 * Quotas are written by the platform's quota backend (`engine/quota`), as the snapshot this
 * apply runs against read it; here they only get the project ids the apply has made.
 */
export function createQuota(after: QuotaResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  return ctx.quotas.create(after, ctx.book.idOf(parentAddress(after, 'project')), ctx).mapErr((e) => operationFailed(after.address, 'create', e.message, e.cause));
}

/** Writes a quota's new value. */
export function updateQuota(before: QuotaResource, set: Readonly<Record<string, AttributeValue>>, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const value = set['value'];
  if (typeof value !== 'number') return okAsync(undefined);
  return ctx.quotas.update(before, value, ctx).mapErr((e) => operationFailed(before.address, 'update', e.message, e.cause));
}

/** Lets a quota fall back to the cloud's default, never to 0. */
export function deleteQuota(before: QuotaResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  return ctx.quotas.delete(before, ctx).mapErr((e) => operationFailed(before.address, 'delete', e.message, e.cause));
}
