import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

export interface KeystoneGroupMembershipProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  readonly role: string;
  /** The user's external id (Keystone `User.name`). */
  readonly euid: string;
}

/**
 * A user's membership in a role group.
 * @example new KeystoneGroupMembership(scope, 'member', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', euid: 'alice@acme.example' })
 */
export class KeystoneGroupMembership extends KeystoneResource<'membership'> {
  constructor(scope: Construct, id: string, props: KeystoneGroupMembershipProps) {
    const { platform, workspace, project, role, euid } = props;
    super(scope, id, {
      kind: 'membership',
      address: address('membership', [platform, workspace, project, role, euid]),
      platform,
      key: { workspace, project, role, euid },
      attrs: {},
    }, props.origin);
  }
}
