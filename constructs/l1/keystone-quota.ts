import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { QuotaBackendName } from '../model/resource.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

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
 * One quota limit of a project, in the platform's quota backend.
 * @example new KeystoneQuota(scope, 'quota', { platform: 'os-prod', workspace: 'acme', project: 'webshop', quotaKey: 'compute.cores', value: 40, backend: 'unified-limits' })
 */
export class KeystoneQuota extends KeystoneResource<'quota'> {
  constructor(scope: Construct, id: string, props: KeystoneQuotaProps) {
    const { platform, workspace, project, quotaKey } = props;
    super(scope, id, {
      kind: 'quota',
      address: address('quota', [platform, workspace, project, quotaKey]),
      platform,
      key: { workspace, project, quotaKey },
      attrs: { value: props.value, backend: props.backend },
    }, props.origin);
  }
}
