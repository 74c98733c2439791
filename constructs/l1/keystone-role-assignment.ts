import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

export interface KeystoneRoleAssignmentProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  /** The project role alias whose group gets the role. */
  readonly role: string;
  /** The Keystone role's name, e.g. `member`. */
  readonly keystoneRole: string;
}

/**
 * A role group's Keystone role on its project.
 * @example new KeystoneRoleAssignment(scope, 'grant', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', keystoneRole: 'member' })
 */
export class KeystoneRoleAssignment extends KeystoneResource<'assignment'> {
  constructor(scope: Construct, id: string, props: KeystoneRoleAssignmentProps) {
    const { platform, workspace, project, role } = props;
    super(scope, id, {
      kind: 'assignment',
      address: address('assignment', [platform, workspace, project, role]),
      platform,
      key: { workspace, project, role },
      attrs: { keystoneRole: props.keystoneRole },
    }, props.origin);
  }
}
