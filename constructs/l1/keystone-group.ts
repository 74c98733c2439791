import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

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
 * A Keystone group: the members of one project role on one tenant.
 * @example new KeystoneGroup(scope, 'group.admin', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', name: 'acme.webshop-admin', domain: 'default', description: '' })
 */
export class KeystoneGroup extends KeystoneResource<'group'> {
  constructor(scope: Construct, id: string, props: KeystoneGroupProps) {
    const { platform, workspace, project, role } = props;
    super(scope, id, {
      kind: 'group',
      address: address('group', [platform, workspace, project, role]),
      platform,
      key: { workspace, project, role },
      attrs: { name: props.name, domain: props.domain, description: props.description },
    }, props.origin);
  }
}
