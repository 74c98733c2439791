import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { descriptionMarker, quotaKeyInfo, withDescriptionMarker, type QuotaResource } from '../../constructs/model/index.ts';
import * as ks from '../keystone/index.ts';
import { causeOf, type OpenStackSession } from '../openstack/index.ts';
import type { LimitCatalog, LimitHome } from './limit-catalog.ts';
import { quotaWriteFailed, type QuotaWriteError } from './quota-error.ts';

/**
 * The writes of the `unified-limits` backend, through the system-scoped limits session. The
 * plan has already refused a key with no registered limit in the region (it is absent from
 * the live state's defaults, made from the same `catalog`), so a key without a home here
 * means the plan is not this snapshot's: make a new one.
 */
export function createLimit(after: QuotaResource, projectId: string | undefined, catalog: LimitCatalog, region: string, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const fail = (m: string): ResultAsync<void, QuotaWriteError> => errAsync(quotaWriteFailed(after, m));
  const name = quotaKeyInfo(after.key.quotaKey)?.unifiedLimits?.resourceName;
  const home = catalog.get(after.key.quotaKey);
  if (name === undefined || home === undefined) return fail(`Keystone has no registered limit for it in region ${region}; make a new plan, which says what to do`);
  if (projectId === undefined) return fail(`the project of ${after.key.workspace}.${after.key.project} has no Keystone id; apply again after a new plan`);
  const description = limitDescription(after);
  const item = { service_id: home.serviceId, ...(home.regionId === null ? {} : { region_id: home.regionId }), project_id: projectId, resource_name: name, resource_limit: after.attrs.value, description };
  return ks.createLimits(s, [item]).map(() => undefined).orElse((e) =>
    e.kind === 'conflict' ? existingLimit(after, home, projectId, name, s) : errAsync(quotaWriteFailed(after, e.message, causeOf(e))),
  );
}

/** The description of a quota's project limit: the tenant and key, then the marker the snapshot claims it by. */
export function limitDescription(q: QuotaResource): string {
  const tenant = `${q.key.workspace}.${q.key.project}`;
  return withDescriptionMarker(`${tenant} ${q.key.quotaKey}`, { platform: q.platform, tenant });
}

/** A 409: the limit exists. Ours with the planned value is our own earlier create; anything else is left alone. */
function existingLimit(after: QuotaResource, home: LimitHome, projectId: string, resourceName: string, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const query = { project_id: projectId, service_id: home.serviceId, resource_name: resourceName, ...(home.regionId === null ? {} : { region_id: home.regionId }) };
  return ks.listLimits(s, query).mapErr((e) => quotaWriteFailed(after, e.message, causeOf(e))).andThen((ls) => {
    const l = ls[0];
    const m = descriptionMarker(l?.description);
    if (l === undefined) return errAsync(quotaWriteFailed(after, 'Keystone answered 409 for the limit, but none was found afterwards; apply again'));
    if (m?.platform !== after.platform || m.tenant !== `${after.key.workspace}.${after.key.project}`) {
      return errAsync(quotaWriteFailed(after, `a limit for ${resourceName} on this project exists already (id ${l.id}) and is not keyform's: keyform never adopts it. Delete it (it falls back to the registered default) and apply again`));
    }
    if (l.resource_limit !== after.attrs.value) {
      return errAsync(quotaWriteFailed(after, `keyform's limit ${l.id} exists already with value ${l.resource_limit}, not ${after.attrs.value}: it changed since the plan was made. Make a new plan and apply that`));
    }
    return okAsync(undefined);
  });
}

/** Writes a limit's new value. */
export function updateLimit(before: QuotaResource, value: number, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const id = before.ids?.['id'];
  if (id === undefined) return errAsync(quotaWriteFailed(before, 'the plan holds no limit id for it; make a new plan'));
  return ks.updateLimit(s, id, { resource_limit: value }).map(() => undefined).mapErr((e) => quotaWriteFailed(before, e.message, causeOf(e)));
}

/** Deletes a limit: the project falls back to the registered default, never to 0. Already gone is fine. */
export function deleteLimit(before: QuotaResource, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const id = before.ids?.['id'];
  if (id === undefined) return errAsync(quotaWriteFailed(before, 'the plan holds no limit id for it; make a new plan'));
  return ks.deleteLimit(s, id).orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(quotaWriteFailed(before, e.message, causeOf(e)))));
}
