import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneGroupProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  /** The project role alias the group stands for. */
  readonly role: string;
  readonly name: string;
  /** The domain's name. */
  readonly domain: string;
  readonly description: string;
}

/**
 * The record of a Keystone group: the members of one project role on one tenant.
 * @example keystoneGroup({ platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', name: 'acme.webshop-admin', domain: 'default', description: '', origin })
 */
export function keystoneGroup(props: RecordProps<KeystoneGroupProps>): KeystoneRecord<'group'> {
  const { platform, workspace, project, role } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('group', [platform, workspace, project, role]),
    attrs: { description: props.description, domain: props.domain, name: props.name },
    key: { project, role, workspace },
    kind: 'group',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * A Keystone group as a construct (see KeystoneResource).
 * @example new KeystoneGroup(scope, 'group.admin', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', name: 'acme.webshop-admin', domain: 'default', description: '' })
 */
export class KeystoneGroup extends KeystoneResource<'group'> {
  /** @param props the group's props, or a record `keystoneGroup()` made */
  constructor(scope: Construct, id: string, props: KeystoneGroupProps | KeystoneRecord<'group'>) {
    super(scope, id, 'resource' in props ? props : keystoneGroup({ ...props, origin: callerOrigin(props.origin) }));
  }
}
