import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { AssignmentAttrs } from '../model/resource.ts';
import { MAX_SHARED, type KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneRoleAssignmentProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  /** The project role alias whose group gets the role. */
  readonly role: string;
  /** The Keystone role's name, e.g. `member`. */
  readonly keystoneRole: string;
}

/**
 * The record of a role group's Keystone role on its project.
 * @example keystoneRoleAssignment({ platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', keystoneRole: 'member', origin })
 */
export function keystoneRoleAssignment(props: RecordProps<KeystoneRoleAssignmentProps>): KeystoneRecord<'assignment'> {
  const { platform, workspace, project, role } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('assignment', [platform, workspace, project, role]),
    attrs: attrsOf(props.keystoneRole),
    key: { project, role, workspace },
    kind: 'assignment',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * Assignments to one Keystone role share one (read-only) attrs object: a config maps to a few
 * roles, and 10,000 tenants have 30,000 assignments.
 */
const ATTRS = new Map<string, AssignmentAttrs>();

function attrsOf(keystoneRole: string): AssignmentAttrs {
  let attrs = ATTRS.get(keystoneRole);
  if (attrs === undefined) {
    attrs = Object.freeze({ keystoneRole });
    if (ATTRS.size < MAX_SHARED) ATTRS.set(keystoneRole, attrs);
  }
  return attrs;
}

/**
 * A role assignment as a construct (see KeystoneResource).
 * @example new KeystoneRoleAssignment(scope, 'grant', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', keystoneRole: 'member' })
 */
export class KeystoneRoleAssignment extends KeystoneResource<'assignment'> {
  /** @param props the assignment's props, or a record `keystoneRoleAssignment()` made */
  constructor(scope: Construct, id: string, props: KeystoneRoleAssignmentProps | KeystoneRecord<'assignment'>) {
    super(scope, id, 'resource' in props ? props : keystoneRoleAssignment({ ...props, origin: callerOrigin(props.origin) }));
  }
}
