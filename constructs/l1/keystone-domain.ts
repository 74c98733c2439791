import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

export interface KeystoneDomainProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly enabled?: boolean;
}

/**
 * A Keystone domain holding one workspace's projects and groups (`domain_per_workspace`).
 * @example new KeystoneDomain(scope, 'domain', { platform: 'os-prod', workspace: 'acme', name: 'acme', description: 'ACME' })
 */
export class KeystoneDomain extends KeystoneResource<'domain'> {
  constructor(scope: Construct, id: string, props: KeystoneDomainProps) {
    const { platform, workspace } = props;
    super(scope, id, {
      kind: 'domain',
      address: address('domain', [platform, workspace]),
      platform,
      key: { workspace },
      attrs: { name: props.name, description: props.description, enabled: props.enabled ?? true },
    }, props.origin);
  }
}
