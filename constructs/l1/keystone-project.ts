import type { Construct } from 'constructs';
import { address } from '../model/address.ts';
import { tagListProblems } from '../model/constraints.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { KeystoneResource, type KeystoneResourceProps } from './keystone-resource.ts';

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
 * A Keystone project: one tenant on one platform.
 * @example new KeystoneProject(scope, 'project', { platform: 'os-prod', workspace: 'acme', project: 'webshop', name: 'acme.webshop', domain: 'default', description: '', tags: [] })
 */
export class KeystoneProject extends KeystoneResource<'project'> {
  constructor(scope: Construct, id: string, props: KeystoneProjectProps) {
    const { platform, workspace, project } = props;
    super(scope, id, {
      kind: 'project',
      address: address('project', [platform, workspace, project]),
      platform,
      key: { workspace, project },
      attrs: {
        name: props.name,
        domain: props.domain,
        description: props.description,
        enabled: props.enabled ?? true,
        tags: [...props.tags].sort(),
      },
      adopt: props.adopt ?? false,
    }, props.origin);
  }

  override problems(): ConfigProblem[] {
    const hint = 'remove or shorten landing-zone, workspace or tenant tags';
    const tags = tagListProblems(this.resource.attrs.tags).map((p) => this.problem(`project ${JSON.stringify(this.resource.attrs.name)} ${p}`, hint));
    return [...super.problems(), ...tags];
  }
}
