import { err, ok, type Result } from 'neverthrow';
import type { DesiredState } from '../model/resource-set.ts';
import type {
  AssignmentResource, DomainResource, GroupResource, MembershipResource, ProjectResource, QuotaResource, Resource,
} from '../model/resource.ts';
import { deletionPolicyOf, withDescriptionMarker } from '../model/markers.ts';
import { tenantKey } from '../model/tenant-key.ts';
import { quotaKeyInfo, type QuotaKeyInfo, type QuotaService } from '../model/quota-keys.ts';
import { missingPlatformSettings, unsupportedQuota, type ExportError } from './export-error.ts';
import { providerAlias, terraformName } from './terraform-names.ts';
import {
  blockAddress, refTo, type BlockId, type ProviderConfig, type TerraformBlock, type TerraformBlueprint, type TerraformRef,
  type TerraformValue,
} from './terraform-blueprint.ts';
import { compareCodeUnits } from '../model/index.ts';

/**
 * What the export needs to know about a platform beyond its desired resources: how the
 * provider reaches it, and where the identity provider's users live. A subset of synth's
 * `PlatformSettings`, which can be passed as they are.
 */
export interface TerraformPlatformSettings {
  /** The clouds.yaml entry of the replicator account; null leaves the provider to OS_CLOUD and the OS_* variables, as keyform does. */
  readonly cloud: string | null;
  readonly region: string;
  /** The Keystone domain (by name) whose users are bound by euid. */
  readonly userDomain: string;
}

// Provider types, from terraform-provider-openstack's docs (docs/resources, docs/data-sources).
const PROJECT = 'openstack_identity_project_v3';
const GROUP = 'openstack_identity_group_v3';
const ASSIGNMENT = 'openstack_identity_role_assignment_v3';
const MEMBERSHIP = 'openstack_identity_user_membership_v3';
const LIMIT = 'openstack_identity_limit_v3';
const USER = 'openstack_identity_user_v3';
const ROLE = 'openstack_identity_role_v3';
const SERVICE = 'openstack_identity_service_v3';

/** The provider's quota-set resource per service quota API. */
const QUOTA_SETS: Readonly<Record<Exclude<QuotaService, 'load-balancer'>, string>> = {
  compute: 'openstack_compute_quotaset_v2',
  volume: 'openstack_blockstorage_quotaset_v3',
  network: 'openstack_networking_quota_v2',
};

/**
 * Maps the desired state of every platform onto blocks of the OpenStack provider:
 * domains and projects (`openstack_identity_project_v3`, domains with `is_domain`), groups,
 * role assignments, memberships, and quotas (Keystone limits or the service quota sets);
 * users, roles, services and shared domains are looked up with data sources, because
 * keyform never creates them. Every desired resource is in `addresses`.
 */
export function openStackBlueprint(
  desired: readonly DesiredState[],
  settings: Readonly<Record<string, TerraformPlatformSettings>>,
): Result<TerraformBlueprint, ExportError[]> {
  const states = [...desired].sort((a, b) => compareCodeUnits(a.platform, b.platform));
  const aliased = states.length > 1;
  const errors: ExportError[] = [];
  const providers: ProviderConfig[] = [];
  const blocks: TerraformBlock[] = [];
  const addresses: Record<string, string> = {};
  for (const state of states) {
    const s = Object.hasOwn(settings, state.platform) ? settings[state.platform] : undefined;
    if (!s) {
      errors.push(missingPlatformSettings(state.platform));
      continue;
    }
    const args: Record<string, string> = { ...(s.cloud === null ? {} : { cloud: s.cloud }), ...(s.region ? { region: s.region } : {}) };
    providers.push({ platform: state.platform, ...(aliased ? { alias: providerAlias(state.platform) } : {}), arguments: args });
    const mapped = new PlatformMapper(state.platform, s).map(state.resources);
    errors.push(...mapped.errors);
    blocks.push(...mapped.blocks);
    Object.assign(addresses, mapped.addresses);
  }
  return errors.length > 0 ? err(errors) : ok({ providers, blocks, addresses });
}

/** Collects one platform's blocks; data blocks are created once, on first use. */
class PlatformMapper {
  readonly blocks: TerraformBlock[] = [];
  readonly addresses: Record<string, string> = {};
  readonly errors: ExportError[] = [];
  private readonly lookups = new Map<string, TerraformBlock>();
  private readonly quotaSets = new Map<string, { id: BlockId; args: Record<string, TerraformValue> }>();
  /** Domains keyform creates on this platform, by Keystone name. */
  private readonly ownDomains = new Map<string, BlockId>();

  constructor(
    private readonly platform: string,
    private readonly settings: TerraformPlatformSettings,
  ) {}

  map(resources: readonly Resource[]): this {
    for (const r of resources) if (r.kind === 'domain') this.domain(r);
    for (const r of resources) {
      if (r.kind === 'project') this.project(r);
      else if (r.kind === 'group') this.group(r);
      else if (r.kind === 'assignment') this.assignment(r);
      else if (r.kind === 'membership') this.membership(r);
      else if (r.kind === 'quota') this.quota(r);
    }
    for (const { id, args } of this.quotaSets.values()) this.blocks.push({ ...id, platform: this.platform, arguments: args });
    return this;
  }

  private domain(r: DomainResource): void {
    const id = this.resource(r, PROJECT, terraformName('domain', [this.platform, r.key.workspace]), {
      name: r.attrs.name, description: r.attrs.description, enabled: r.attrs.enabled, is_domain: true,
    });
    this.ownDomains.set(r.attrs.name, id);
  }

  private project(r: ProjectResource): void {
    const { workspace, project } = r.key;
    this.resource(r, PROJECT, terraformName('project', [this.platform, workspace, project]), {
      name: r.attrs.name, domain_id: this.domainId(r.attrs.domain), description: r.attrs.description,
      enabled: r.attrs.enabled, tags: r.attrs.tags,
    }, deletionPolicyOf(r.attrs.tags) === 'retain');
  }

  private group(r: GroupResource): void {
    const { workspace, project, role } = r.key;
    this.resource(r, GROUP, terraformName('group', [this.platform, workspace, project, role]), {
      name: r.attrs.name, domain_id: this.domainId(r.attrs.domain), description: r.attrs.description,
    });
  }

  private assignment(r: AssignmentResource): void {
    const { workspace, project, role } = r.key;
    this.resource(r, ASSIGNMENT, terraformName('grant', [this.platform, workspace, project, role]), {
      group_id: this.groupId(workspace, project, role), project_id: this.projectId(workspace, project),
      role_id: refTo(this.lookup(ROLE, terraformName('role', [this.platform, r.attrs.keystoneRole]), { name: r.attrs.keystoneRole })),
    });
  }

  private membership(r: MembershipResource): void {
    const { workspace, project, role, euid } = r.key;
    const user = this.lookup(USER, terraformName('user', [this.platform, euid]), {
      name: euid, domain_id: this.domainId(this.settings.userDomain),
    });
    this.resource(r, MEMBERSHIP, terraformName('member', [this.platform, workspace, project, role, euid]), {
      user_id: refTo(user), group_id: this.groupId(workspace, project, role),
    });
  }

  private quota(r: QuotaResource): void {
    const info = quotaKeyInfo(r.key.quotaKey);
    if (!info) {
      this.errors.push(unsupportedQuota(this.platform, r.address, `keyform does not know the quota key ${JSON.stringify(r.key.quotaKey)}.`));
    } else if (r.attrs.backend === 'unified-limits') {
      this.limit(r, info);
    } else {
      this.quotaSetArgument(r, info);
    }
  }

  private limit(r: QuotaResource, info: QuotaKeyInfo): void {
    const { workspace, project, quotaKey } = r.key;
    if (!info.unifiedLimits) {
      this.errors.push(unsupportedQuota(this.platform, r.address,
        `the ${info.serviceApi.service} service does not read Keystone unified limits. Use quota_backend = "service-apis" on this platform.`));
      return;
    }
    const { serviceType, resourceName } = info.unifiedLimits;
    const service = this.lookup(SERVICE, terraformName('service', [this.platform, serviceType]), { type: serviceType });
    this.resource(r, LIMIT, terraformName('limit', [this.platform, workspace, project, quotaKey]), {
      project_id: this.projectId(workspace, project), service_id: refTo(service), resource_name: resourceName,
      resource_limit: r.attrs.value, description: withDescriptionMarker('', { platform: this.platform, tenant: tenantKey({ workspace, project }) }),
    });
  }

  /** Service-API quotas of one project and service share one quota-set block, one argument per key. */
  private quotaSetArgument(r: QuotaResource, info: QuotaKeyInfo): void {
    const { workspace, project } = r.key;
    const { service, name } = info.serviceApi;
    if (service === 'load-balancer') {
      // keyform leaves undeclared keys at the cloud's default; this resource would zero them.
      this.errors.push(unsupportedQuota(this.platform, r.address,
        "the provider's openstack_lb_quota_v2 sets every load-balancer quota it is not given to 0. Remove the loadbalancer.* " +
        'quota keys from this platform before exporting, and write that quota set by hand with all of its arguments.'));
      return;
    }
    const id: BlockId = { mode: 'resource', type: QUOTA_SETS[service], name: terraformName('quota', [this.platform, workspace, project, service]) };
    const set = this.quotaSets.get(id.name) ?? { id, args: { project_id: this.projectId(workspace, project) } };
    set.args[name] = r.attrs.value;
    this.quotaSets.set(id.name, set);
    this.addresses[r.address] = `${blockAddress(id)}.${name}`;
  }

  private resource(r: Resource, type: string, name: string, args: Record<string, TerraformValue>, preventDestroy = false): BlockId {
    const block: TerraformBlock = { mode: 'resource', type, name, platform: this.platform, arguments: args, ...(preventDestroy ? { preventDestroy } : {}) };
    this.blocks.push(block);
    this.addresses[r.address] = blockAddress(block);
    return block;
  }

  private lookup(type: string, name: string, args: Record<string, TerraformValue>): TerraformBlock {
    const key = `${type}.${name}`;
    const found = this.lookups.get(key);
    if (found) return found;
    const block: TerraformBlock = { mode: 'data', type, name, platform: this.platform, arguments: args };
    this.lookups.set(key, block);
    this.blocks.push(block);
    return block;
  }

  /** A domain keyform creates is referenced as a resource; any other is looked up by name. */
  private domainId(domain: string): TerraformRef {
    const own = this.ownDomains.get(domain);
    return refTo(own ?? this.lookup(PROJECT, terraformName('domain', [this.platform, domain]), { name: domain, is_domain: true }));
  }

  private projectId(workspace: string, project: string): TerraformRef {
    return refTo({ mode: 'resource', type: PROJECT, name: terraformName('project', [this.platform, workspace, project]) });
  }

  private groupId(workspace: string, project: string, role: string): TerraformRef {
    return refTo({ mode: 'resource', type: GROUP, name: terraformName('group', [this.platform, workspace, project, role]) });
  }
}
