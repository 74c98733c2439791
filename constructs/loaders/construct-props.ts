import type { Source } from '../problems/source.ts';
import type { PlatformProps } from '../l2/platform.ts';
import type { LandingZoneProps } from '../l2/landing-zone.ts';
import type { WorkspaceProps } from '../l2/workspace.ts';
import type { TenantProps } from '../l2/tenant.ts';
import type { UserBindingProps } from '../l2/user-binding.ts';
import type { MeteringCollectorProps } from '../l2/metering-collector.ts';
import type { LandingZoneBlock, MeteringBlock, PlatformBlock, TenantBlock, WorkspaceBlock } from './config-schema.ts';

/**
 * The config-to-construct mapping, written once: each function turns the decoded fields of
 * one block (HCL names, snake_case, already checked against `config-schema.ts`) into the
 * props of its construct. The loaders use it for every config file, the building-block mode
 * for the tenant of its inputs file; a building block copies the platform and landing zones
 * from the loaded constructs' own props, so a new setting is added here, in the schema and
 * on the construct, and nowhere else.
 */

/**
 * The props of a `platform` block.
 * @example platformProps({ region: 'RegionOne', domain_per_workspace: true }, source) // { region: 'RegionOne', domainPerWorkspace: true, … }
 */
export function platformProps(f: PlatformBlock, source: Source): PlatformProps {
  return {
    cloud: f.cloud,
    meteringCloud: f.metering_cloud,
    limitsCloud: f.limits_cloud,
    // A missing region is a schema problem already reported; the construct still needs a string.
    region: f.region ?? '',
    userDomain: f.user_domain,
    domain: f.domain,
    domainPerWorkspace: f.domain_per_workspace,
    domainNamePattern: f.domain_name_pattern,
    projectNamePattern: f.project_name_pattern,
    groupNamePattern: f.group_name_pattern,
    roleMapping: f.role_mapping,
    tagPrefix: f.tag_prefix,
    quotaBackend: f.quota_backend as PlatformProps['quotaBackend'],
    source,
  };
}

/** The props of a `landing_zone` block. */
export function landingZoneProps(f: LandingZoneBlock, source: Source): LandingZoneProps {
  return { platform: f.platform ?? '', quota: f.quota, tags: f.tags, roleMapping: f.role_mapping, source };
}

/** The props of a `workspace` block (its projects are constructs of their own). */
export function workspaceProps(f: Pick<WorkspaceBlock, 'name' | 'tags'>, source: Source): WorkspaceProps {
  return { name: f.name, tags: f.tags, source };
}

/**
 * The props of a `tenant` block; the building-block inputs' `tenant` object has the same fields.
 * @example tenantProps({ landing_zone: 'standard', deletion_policy: 'delete' }, source) // { landingZone: 'standard', deletionPolicy: 'delete', … }
 */
export function tenantProps(f: TenantBlock, source: Source): TenantProps {
  return {
    landingZone: f.landing_zone,
    quota: f.quota,
    tags: f.tags,
    deletionPolicy: f.deletion_policy as TenantProps['deletionPolicy'],
    adopt: f.adopt,
    platformNumber: f.platform_number,
    source,
  };
}

/** The props of a `user` block; the building-block inputs' `user_permissions` entries have the same `roles`. */
export function userBindingProps(f: { readonly roles?: readonly string[] }, source: Source): UserBindingProps {
  return { roles: f.roles ?? [], source };
}

/** The props of a `metering` block. */
export function meteringProps(f: MeteringBlock, source: Source): MeteringCollectorProps {
  return { interval: f.interval, currency: f.currency, store: f.store, prices: f.prices, source };
}
