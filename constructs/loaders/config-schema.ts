import { QUOTA_BACKENDS } from '../l2/platform.ts';
import { DELETION_POLICIES } from '../l2/tenant.ts';
import { block, blocks, boolean, integer, listOf, mapOf, number, string, type Decoded } from './schema.ts';

/**
 * The config document, the same for every format. HCL blocks (`workspace "acme" { ... }`)
 * are, in YAML/JSON, maps from label to body (`workspace: { acme: { ... } }`); attributes
 * are keys. Field names are the HCL names; see design.md "The user-facing contract".
 */

export const USER_BLOCK = block('user', { roles: listOf(string(), { required: true }) });

export const TENANT_BLOCK = block('tenant', {
  landing_zone: string(),
  quota: mapOf(integer()),
  tags: mapOf(string()),
  deletion_policy: string({ oneOf: DELETION_POLICIES }),
  adopt: boolean(),
  platform_number: integer(),
});

export const PROJECT_BLOCK = block('project', { tenant: blocks(TENANT_BLOCK), user: blocks(USER_BLOCK) });

export const WORKSPACE_BLOCK = block('workspace', { name: string(), tags: mapOf(string()), project: blocks(PROJECT_BLOCK) });

export const PLATFORM_BLOCK = block('platform', {
  cloud: string(),
  metering_cloud: string(),
  limits_cloud: string(),
  region: string({ required: true }),
  user_domain: string(),
  domain: string(),
  domain_per_workspace: boolean(),
  domain_name_pattern: string(),
  project_name_pattern: string(),
  group_name_pattern: string(),
  role_mapping: mapOf(string()),
  tag_prefix: string(),
  quota_backend: string({ oneOf: QUOTA_BACKENDS }),
});

export const LANDING_ZONE_BLOCK = block('landing_zone', { platform: string({ required: true }), quota: mapOf(integer()), tags: mapOf(string()), role_mapping: mapOf(string()) });

export const METERING_BLOCK = block('metering', { interval: string(), currency: string(), store: string(), prices: mapOf(number()) });

/** The whole document: top-level blocks only. */
export const CONFIG_DOCUMENT = block('config', {
  platform: blocks(PLATFORM_BLOCK),
  landing_zone: blocks(LANDING_ZONE_BLOCK),
  workspace: blocks(WORKSPACE_BLOCK),
  metering: blocks(METERING_BLOCK),
});

/** Block types and the block types nested in them, for HCL's list-wrapped blocks. */
export const NESTED_BLOCKS: Readonly<Record<string, readonly string[]>> = {
  config: ['platform', 'landing_zone', 'workspace', 'metering'],
  workspace: ['project'],
  project: ['tenant', 'user'],
};

export type ConfigDocument = Decoded<typeof CONFIG_DOCUMENT.fields>;
/** The decoded fields of each block type (a labelled block's label is its key in the map above it). */
export type PlatformBlock = Decoded<typeof PLATFORM_BLOCK.fields>;
export type LandingZoneBlock = Decoded<typeof LANDING_ZONE_BLOCK.fields>;
export type WorkspaceBlock = Decoded<typeof WORKSPACE_BLOCK.fields>;
export type ProjectBlock = Decoded<typeof PROJECT_BLOCK.fields>;
export type TenantBlock = Decoded<typeof TENANT_BLOCK.fields>;
export type UserBlock = Decoded<typeof USER_BLOCK.fields>;
export type MeteringBlock = Decoded<typeof METERING_BLOCK.fields>;
