import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { quotaKeyInfo, quotaMarkerTag, tenantKey, type QuotaKeyInfo, type QuotaResource } from '../../constructs/model/index.ts';
import { causeOf, type OpenStackError, type OpenStackSession } from '../openstack/index.ts';
import { addProjectTag, removeProjectTag } from '../keystone/index.ts';
import { quotaWriteFailed, type QuotaWriteError } from './quota-error.ts';
import { SERVICE_QUOTA_APIS, getQuotaSet, limitValue, putQuotaSet } from './service-quota-api.ts';

/**
 * The writes of the `service-apis` backend. Each touches one key of one project and nothing
 * else, and keeps the project's record of the keys keyform manages (`keyform.quota=KEY`)
 * such that an interrupted write always leaves the key recorded, so the next plan sees it
 * and converges:
 *
 * | operation | first                      | then                              |
 * |-----------|----------------------------|-----------------------------------|
 * | create    | record the key (tag)       | write the value                   |
 * | update    | write the value            |                                   |
 * | delete    | write the cloud's default  | forget the key (remove the tag)   |
 *
 * A removed key goes back to the default the service reports at apply time, never to 0. The
 * APIs have no "unset one key" (nova's and neutron's DELETE reset every key of the project,
 * undeclared ones included), so the default is written as a value: should the operator
 * change the default later, this project keeps the old one until keyform sets the key again.
 */

/** Sets a new key: records it on the project, then writes its value. */
export function createServiceQuota(after: QuotaResource, projectId: string | undefined, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const where = quotaKeyInfo(after.key.quotaKey)?.serviceApi;
  if (where === undefined) return errAsync(unknownKey(after));
  if (projectId === undefined) return errAsync(quotaWriteFailed(after, `the project of ${tenantKey(after.key)} has no Keystone id; apply again after a new plan`));
  return addQuotaMarker(s, projectId, after.key.quotaKey)
    .mapErr((e) => quotaWriteFailed(after, `could not record the key on the project: ${e.message}`, causeOf(e)))
    .andThen(() => writeValue(after, projectId, where, after.attrs.value, s));
}

/** Writes a recorded key's new value. */
export function updateServiceQuota(before: QuotaResource, value: number, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const projectId = before.ids?.projectId;
  const where = quotaKeyInfo(before.key.quotaKey)?.serviceApi;
  if (where === undefined) return errAsync(unknownKey(before));
  if (projectId === undefined) return errAsync(quotaWriteFailed(before, 'the plan holds no project id for it; make a new plan'));
  return writeValue(before, projectId, where, value, s);
}

/** Puts a key keyform no longer manages back to the service's default, then forgets it. */
export function deleteServiceQuota(before: QuotaResource, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const projectId = before.ids?.projectId;
  const where = quotaKeyInfo(before.key.quotaKey)?.serviceApi;
  if (projectId === undefined || where === undefined) return errAsync(quotaWriteFailed(before, 'the plan holds no project id or known quota key for it; make a new plan'));
  const api = SERVICE_QUOTA_APIS[where.service];
  return getQuotaSet(s, api, api.defaultsPath(projectId))
    .mapErr((e) => quotaWriteFailed(before, `could not read ${api.label}'s default to restore: ${e.message}`, causeOf(e)))
    .andThen((defaults) => {
      const value = limitValue(defaults[where.name]);
      if (typeof value !== 'number') return errAsync(quotaWriteFailed(before, `${api.label} reports no default for ${where.name}, so keyform cannot restore it; set the key in the configuration instead`));
      return writeValue(before, projectId, where, value, s);
    })
    .andThen(() => removeQuotaMarker(s, projectId, before.key.quotaKey).mapErr((e) => quotaWriteFailed(before, `the default was restored, but the record tag could not be removed: ${e.message}`, causeOf(e))));
}

/** The plan names a key outside the catalog (the configuration never does: synth refuses it). */
function unknownKey(q: QuotaResource): QuotaWriteError {
  return quotaWriteFailed(q, `${q.key.quotaKey} is not a quota key keyform knows; make a new plan`);
}

function writeValue(q: QuotaResource, projectId: string, where: QuotaKeyInfo['serviceApi'], value: number, s: OpenStackSession): ResultAsync<void, QuotaWriteError> {
  const api = SERVICE_QUOTA_APIS[where.service];
  return putQuotaSet(s, api, projectId, { [where.name]: value }).mapErr((e) => quotaWriteFailed(q, `${api.label} refused ${where.name} = ${value}: ${e.message}`, causeOf(e)));
}

/** Adds `keyform.quota=KEY` to the project; already there (an earlier, interrupted create) is fine. */
export function addQuotaMarker(s: OpenStackSession, projectId: string, quotaKey: string): ResultAsync<void, OpenStackError> {
  return addProjectTag(s, projectId, quotaMarkerTag(quotaKey)).mapErr((e) => (e.status === 400 ? { ...e, message: `${e.message} Or declare fewer quota keys.` } : e));
}

/** Removes `keyform.quota=KEY` from the project; already gone is fine. */
export function removeQuotaMarker(s: OpenStackSession, projectId: string, quotaKey: string): ResultAsync<void, OpenStackError> {
  return removeProjectTag(s, projectId, quotaMarkerTag(quotaKey)).orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(e)));
}
