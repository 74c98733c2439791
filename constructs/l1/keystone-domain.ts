import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneDomainProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly enabled?: boolean;
}

/**
 * The record of a Keystone domain holding one workspace's projects and groups (`domain_per_workspace`).
 * @example keystoneDomain({ platform: 'os-prod', workspace: 'acme', name: 'acme', description: 'ACME', origin })
 */
export function keystoneDomain(props: RecordProps<KeystoneDomainProps>): KeystoneRecord<'domain'> {
  const { platform, workspace } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('domain', [platform, workspace]),
    attrs: { description: props.description, enabled: props.enabled ?? true, name: props.name },
    key: { workspace },
    kind: 'domain',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * A Keystone domain as a construct (see KeystoneResource).
 * @example new KeystoneDomain(scope, 'domain', { platform: 'os-prod', workspace: 'acme', name: 'acme', description: 'ACME' })
 */
export class KeystoneDomain extends KeystoneResource<'domain'> {
  /** @param props the domain's props, or a record `keystoneDomain()` made */
  constructor(scope: Construct, id: string, props: KeystoneDomainProps | KeystoneRecord<'domain'>) {
    super(scope, id, 'resource' in props ? props : keystoneDomain({ ...props, origin: callerOrigin(props.origin) }));
  }
}
