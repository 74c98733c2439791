import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import type { KeystoneRecord } from './keystone-record.ts';
import { callerOrigin, KeystoneResource, type KeystoneResourceProps, type RecordProps } from './keystone-resource.ts';

export interface KeystoneProjectProps extends KeystoneResourceProps {
  readonly workspace: string;
  readonly project: string;
  readonly name: string;
  /** The domain's name. */
  readonly domain: string;
  readonly description: string;
  /** @default true */
  readonly enabled?: boolean;
  /** Every tag, markers included; stored sorted. */
  readonly tags: readonly string[];
  /** @default false */
  readonly adopt?: boolean;
}

/**
 * The record of a Keystone project: one tenant on one platform.
 * @example keystoneProject({ platform: 'os-prod', workspace: 'acme', project: 'webshop', name: 'acme.webshop', domain: 'default', description: '', tags: [], origin })
 */
export function keystoneProject(props: RecordProps<KeystoneProjectProps>): KeystoneRecord<'project'> {
  const { platform, workspace, project } = props;
  // Keys in sorted order at every level (see KeystoneRecord).
  const resource = {
    address: address('project', [platform, workspace, project]),
    adopt: props.adopt ?? false,
    attrs: { description: props.description, domain: props.domain, enabled: props.enabled ?? true, name: props.name, tags: [...props.tags].sort() },
    key: { project, workspace },
    kind: 'project',
    platform,
  } as const;
  return { resource, origin: props.origin };
}

/**
 * A Keystone project as a construct (see KeystoneResource).
 * @example new KeystoneProject(scope, 'project', { platform: 'os-prod', workspace: 'acme', project: 'webshop', name: 'acme.webshop', domain: 'default', description: '', tags: [] })
 */
export class KeystoneProject extends KeystoneResource<'project'> {
  /** @param props the project's props, or a record `keystoneProject()` made */
  constructor(scope: Construct, id: string, props: KeystoneProjectProps | KeystoneRecord<'project'>) {
    super(scope, id, 'resource' in props ? props : keystoneProject({ ...props, origin: callerOrigin(props.origin) }));
  }
}
