import { ResultAsync } from 'neverthrow';
import { quotaKeyOfService, type QuotaService } from '../../constructs/model/index.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { QUOTA_SERVICES, SERVICE_QUOTA_APIS, getQuotaSet, hasService, limitValue } from './service-quota-api.ts';

/** Quota key → the cloud's default limit (-1 unlimited), keys sorted. */
export type QuotaDefaults = Readonly<Record<string, number>>;

/**
 * The defaults of the service quota APIs of every service the session's catalog has (one
 * call each). Every one needs *some* project id in its path and ignores which: the same
 * defaults apply to all projects. Keys of services the cloud lacks are absent.
 */
export function serviceDefaults(s: OpenStackSession, anyProjectId: string, only?: ReadonlySet<QuotaService>): ResultAsync<QuotaDefaults, OpenStackError> {
  const apis = QUOTA_SERVICES.map((q) => SERVICE_QUOTA_APIS[q]).filter((api) => (only === undefined || only.has(api.service)) && hasService(s, api));
  return ResultAsync.combine(apis.map((api) => getQuotaSet(s, api, api.defaultsPath(anyProjectId)).map((set) => ({ api, set })))).map((sets) => {
    const entries: [string, number][] = [];
    for (const { api, set } of sets) {
      for (const [name, raw] of Object.entries(set)) {
        const key = quotaKeyOfService(api.service, name);
        const v = limitValue(raw);
        if (key !== undefined && typeof v === 'number') entries.push([key, v]);
      }
    }
    return sortedRecord(entries);
  });
}

function sortedRecord(entries: readonly (readonly [string, number])[]): QuotaDefaults {
  return Object.fromEntries([...entries].sort(([a], [b]) => compareCodeUnits(a, b)));
}
