import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { QuotaBackendName } from '../model/resource.ts';
import type { KeystoneRecord } from './keystone-record.ts';
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
    attrs: { backend: props.backend, value: props.value },
    key: { project, quotaKey, workspace },
    kind: 'quota',
    platform,
  } as const;
  return { resource, origin: props.origin };
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
