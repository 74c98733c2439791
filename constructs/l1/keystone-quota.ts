import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { QuotaAttrs, QuotaBackendName } from '../model/resource.ts';
import { MAX_SHARED, type KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneQuotaProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  /** `service.resource`, a key of QUOTA_KEYS. */
  readonly quotaKey: string;
  /** -1 unlimited. */
  readonly value: number;
  readonly backend: QuotaBackendName;
}

/**
 * The record of one quota limit of a project, in the platform's quota backend.
 * @example keystoneQuota({ platform: 'os-prod', workspace: 'acme', project: 'webshop', quotaKey: 'compute.cores', value: 40, backend: 'unified-limits', origin })
 */
export function keystoneQuota(props: RecordProps<KeystoneQuotaProps>): KeystoneRecord<'quota'> {
  const { platform, workspace, project, quotaKey } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('quota', [platform, workspace, project, quotaKey]),
    attrs: attrsOf(props.backend, props.value),
    key: { project, quotaKey, workspace },
    kind: 'quota',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * Quotas of one backend and value share one (read-only) attrs object: most tenants take their
 * landing zone's values.
 */
const ATTRS = new Map<QuotaBackendName, Map<number, QuotaAttrs>>();

function attrsOf(backend: QuotaBackendName, value: number): QuotaAttrs {
  let byValue = ATTRS.get(backend);
  if (byValue === undefined) ATTRS.set(backend, (byValue = new Map()));
  let attrs = byValue.get(value);
  if (attrs === undefined) {
    attrs = Object.freeze({ backend, value });
    if (byValue.size < MAX_SHARED) byValue.set(value, attrs);
  }
  return attrs;
}

/**
 * A quota limit as a construct (see KeystoneResource).
 * @example new KeystoneQuota(scope, 'quota', { platform: 'os-prod', workspace: 'acme', project: 'webshop', quotaKey: 'compute.cores', value: 40, backend: 'unified-limits' })
 */
export class KeystoneQuota extends KeystoneResource<'quota'> {
  /** @param props the quota's props, or a record `keystoneQuota()` made */
  constructor(scope: Construct, id: string, props: KeystoneQuotaProps | KeystoneRecord<'quota'>) {
    super(scope, id, 'resource' in props ? props : keystoneQuota({ ...props, origin: callerOrigin(props.origin) }));
  }
}
