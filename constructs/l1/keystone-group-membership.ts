import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { NO_MEMBERSHIP_ATTRS } from '../model/resource.ts';
import type { KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneGroupMembershipProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  readonly role: string;
  /** The user's external id (Keystone `User.name`). */
  readonly euid: string;
}

/**
 * The record of a user's membership in a role group.
 * @example keystoneGroupMembership({ platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', euid: 'alice@acme.example', origin })
 */
export function keystoneGroupMembership(props: RecordProps<KeystoneGroupMembershipProps>): KeystoneRecord<'membership'> {
  const { platform, workspace, project, role, euid } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('membership', [platform, workspace, project, role, euid]),
    attrs: NO_MEMBERSHIP_ATTRS,
    key: { euid, project, role, workspace },
    kind: 'membership',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * A group membership as a construct (see KeystoneResource).
 * @example new KeystoneGroupMembership(scope, 'member', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', euid: 'alice@acme.example' })
 */
export class KeystoneGroupMembership extends KeystoneResource<'membership'> {
  /** @param props the membership's props, or a record `keystoneGroupMembership()` made */
  constructor(scope: Construct, id: string, props: KeystoneGroupMembershipProps | KeystoneRecord<'membership'>) {
    super(scope, id, 'resource' in props ? props : keystoneGroupMembership({ ...props, origin: callerOrigin(props.origin) }));
  }
}
