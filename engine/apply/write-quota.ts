import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { tenantKey, descriptionMarker, parentAddress, quotaKeyInfo, withDescriptionMarker, type QuotaResource } from '../../constructs/model/index.ts';
import type { AttributeValue } from '../../plans/index.ts';
import * as ks from '../keystone/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import { limitKey, type LimitHome } from './limit-catalog.ts';
import { fromKeystone, type WriteContext } from './write-context.ts';
import { createServiceQuota, deleteServiceQuota, updateServiceQuota } from '../quota/index.ts';

/**
 * Quotas in Keystone unified limits: one project limit per quota key, its description
 * carrying the marker `[keyform platform=P tenant=W.P]` that the snapshot claims it by.
 * The service quota APIs (`quota_backend = "service-apis"`) are written by `engine/quota`
 * (`write-service-quota.ts`), through the identity session, whose catalog leads to them.
 */
export function createQuota(after: QuotaResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const fail = (m: string): ResultAsync<void, OperationFailure> => errAsync(operationFailed(after.address, 'create', m));
  if (after.attrs.backend === 'service-apis') return createServiceQuota(after, ctx.book.idOf(parentAddress(after, 'project')), ctx.session).mapErr((e) => operationFailed(after.address, 'create', e.message));
  const info = quotaKeyInfo(after.key.quotaKey)?.unifiedLimits;
  if (info === undefined) return fail(`quota ${after.key.quotaKey} has no Keystone unified limit (its service does not read them): use quota_backend = "service-apis" for it`);
  const projectId = ctx.book.idOf(parentAddress(after, 'project'));
  if (projectId === undefined) return fail(`the project of ${tenantKey(after.key)} has no Keystone id; apply again after a new plan`);
  const tenant = tenantKey(after.key);
  const description = withDescriptionMarker(`${tenant} ${after.key.quotaKey}`, { platform: after.platform, tenant });
  return ctx.limits().mapErr((e) => fromKeystone(after.address, 'create', e)).andThen((catalog) => {
    const home = catalog.get(limitKey(info.serviceType, info.resourceName));
    if (home === undefined) return fail(noRegisteredLimit(info.serviceType, info.resourceName, ctx.region));
    const item = { service_id: home.serviceId, ...(home.regionId === null ? {} : { region_id: home.regionId }), project_id: projectId, resource_name: info.resourceName, resource_limit: after.attrs.value, description };
    return ks.createLimits(ctx.limitsSession, [item]).map(() => undefined).orElse((e) =>
      e.kind === 'Conflict' ? existingLimit(after, home, projectId, info.resourceName, ctx) : errAsync(fromKeystone(after.address, 'create', e)),
    );
  });
}

/** A 409: the limit exists. Ours with the planned value is our own earlier create; anything else is left alone. */
function existingLimit(after: QuotaResource, home: LimitHome, projectId: string, resourceName: string, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const query = { project_id: projectId, service_id: home.serviceId, resource_name: resourceName, ...(home.regionId === null ? {} : { region_id: home.regionId }) };
  return ks.listLimits(ctx.limitsSession, query).mapErr((e) => fromKeystone(after.address, 'create', e)).andThen((ls) => {
    const l = ls[0];
    const m = descriptionMarker(l?.description);
    if (l === undefined) return errAsync(operationFailed(after.address, 'create', 'Keystone answered 409 for the limit, but none was found afterwards; apply again'));
    if (m?.platform !== after.platform || m.tenant !== tenantKey(after.key)) {
      return errAsync(operationFailed(after.address, 'create', `a limit for ${resourceName} on this project exists already (id ${l.id}) and is not keyform's: keyform never adopts it. Delete it (it falls back to the registered default) and apply again`));
    }
    if (l.resource_limit !== after.attrs.value) {
      return errAsync(operationFailed(after.address, 'create', `keyform's limit ${l.id} exists already with value ${l.resource_limit}, not ${after.attrs.value}: it changed since the plan was made. Make a new plan and apply that`));
    }
    return okAsync(undefined);
  });
}

/** Writes a quota's new value. */
export function updateQuota(before: QuotaResource, set: Readonly<Record<string, AttributeValue>>, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const id = before.ids?.id;
  if (typeof set['value'] !== 'number') return okAsync(undefined);
  if (before.attrs.backend === 'service-apis') return updateServiceQuota(before, set['value'], ctx.session).mapErr((e) => operationFailed(before.address, 'update', e.message));
  if (id === undefined) return errAsync(operationFailed(before.address, 'update', 'the plan holds no limit id for it; make a new plan'));
  return ks.updateLimit(ctx.limitsSession, id, { resource_limit: set['value'] }).map(() => undefined).mapErr((e) => fromKeystone(before.address, 'update', e));
}

/** Deletes a quota's limit: the project falls back to the registered default, never to 0. */
export function deleteQuota(before: QuotaResource, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const id = before.ids?.id;
  if (before.attrs.backend === 'service-apis') return deleteServiceQuota(before, ctx.session).mapErr((e) => operationFailed(before.address, 'delete', e.message));
  if (id === undefined) return errAsync(operationFailed(before.address, 'delete', 'the plan holds no limit id for it; make a new plan'));
  return ks.deleteLimit(ctx.limitsSession, id).orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(fromKeystone(before.address, 'delete', e))));
}

function noRegisteredLimit(serviceType: string, resourceName: string, region: string): string {
  return `Keystone has no registered limit for ${serviceType} ${resourceName} in region ${region}, and refuses project limits without one. ` +
    `Have the cloud operator register the default first: \`openstack registered limit create --service ${serviceType} --region ${region} --default-limit N ${resourceName}\``;
}
