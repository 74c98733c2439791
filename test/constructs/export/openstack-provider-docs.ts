/**
 * The arguments terraform-provider-openstack documents for the block types keyform exports,
 * written by hand from the provider's docs (repository terraform-provider-openstack/
 * terraform-provider-openstack, 3.x docs tree), so that a test can check the exported JSON
 * against what the provider accepts without downloading it:
 *
 *   docs/index.md                                   provider "openstack"
 *   docs/resources/identity_project_v3.md           (domains too: is_domain = true)
 *   docs/resources/identity_group_v3.md
 *   docs/resources/identity_role_assignment_v3.md
 *   docs/resources/identity_user_membership_v3.md
 *   docs/resources/identity_limit_v3.md
 *   docs/resources/compute_quotaset_v2.md
 *   docs/resources/blockstorage_quotaset_v3.md
 *   docs/resources/networking_quota_v2.md
 *   docs/data-sources/identity_project_v3.md
 *   docs/data-sources/identity_user_v3.md
 *   docs/data-sources/identity_role_v3.md
 *   docs/data-sources/identity_service_v3.md
 *
 * Types follow the docs' wording ("Valid values are `true` and `false`" → bool, "Integer
 * for …" / "Quota value for …" → number, "Tags for the project" → list of strings).
 */

export type ArgumentType = 'string' | 'bool' | 'number' | 'list' | 'map';

export interface BlockSchema {
  /** Arguments marked "(Required)". */
  readonly required: Readonly<Record<string, ArgumentType>>;
  /** Arguments marked "(Optional)". */
  readonly optional: Readonly<Record<string, ArgumentType>>;
  /** Groups of which exactly one argument must be set ("Required if `x` is empty"). */
  readonly oneOf?: readonly (readonly string[])[];
}

/** Meta-arguments Terraform itself accepts in every resource or data block. */
export const META_ARGUMENTS = ['provider', 'lifecycle', 'depends_on', 'count', 'for_each'] as const;

const quotaValues = (names: readonly string[]): Record<string, ArgumentType> =>
  Object.fromEntries([['region', 'string'], ...names.map((n) => [n, 'number'])]);

export const PROVIDER_SCHEMA: BlockSchema = {
  required: {},
  optional: {
    auth_url: 'string', cloud: 'string', region: 'string', user_name: 'string', user_id: 'string',
    application_credential_id: 'string', application_credential_name: 'string', application_credential_secret: 'string',
    tenant_id: 'string', tenant_name: 'string', password: 'string', token: 'string', user_domain_name: 'string',
    user_domain_id: 'string', project_domain_name: 'string', project_domain_id: 'string', domain_id: 'string',
    domain_name: 'string', default_domain: 'string', system_scope: 'bool', insecure: 'bool', cacert_file: 'string',
    cert: 'string', key: 'string', endpoint_type: 'string', endpoint_overrides: 'map', swauth: 'bool', use_mutex: 'bool',
    disable_no_cache_header: 'bool', delayed_auth: 'bool', allow_reauth: 'bool', max_retries: 'number',
    enable_logging: 'bool', alias: 'string',
  },
};

export const RESOURCE_SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  openstack_identity_project_v3: {
    required: {},
    optional: {
      description: 'string', domain_id: 'string', enabled: 'bool', is_domain: 'bool', name: 'string', parent_id: 'string',
      region: 'string', tags: 'list', extra: 'map',
    },
  },
  // The docs list `name` without "(Optional)": the provider requires it.
  openstack_identity_group_v3: {
    required: { name: 'string' },
    optional: { description: 'string', domain_id: 'string', region: 'string' },
  },
  openstack_identity_role_assignment_v3: {
    required: { role_id: 'string' },
    optional: { region: 'string', domain_id: 'string', group_id: 'string', project_id: 'string', user_id: 'string' },
    oneOf: [['group_id', 'user_id'], ['project_id', 'domain_id']],
  },
  openstack_identity_user_membership_v3: {
    required: { user_id: 'string', group_id: 'string' },
    optional: { region: 'string' },
  },
  openstack_identity_limit_v3: {
    required: { service_id: 'string', resource_name: 'string', resource_limit: 'number' },
    optional: { region: 'string', project_id: 'string', domain_id: 'string', description: 'string' },
    oneOf: [['project_id', 'domain_id']],
  },
  openstack_compute_quotaset_v2: {
    required: { project_id: 'string' },
    optional: quotaValues([
      'fixed_ips', 'floating_ips', 'injected_file_content_bytes', 'injected_file_path_bytes', 'injected_files', 'key_pairs',
      'metadata_items', 'ram', 'security_group_rules', 'security_groups', 'cores', 'instances', 'server_groups',
      'server_group_members',
    ]),
  },
  openstack_blockstorage_quotaset_v3: {
    required: { project_id: 'string' },
    optional: {
      ...quotaValues(['volumes', 'snapshots', 'gigabytes', 'per_volume_gigabytes', 'backups', 'backup_gigabytes', 'groups']),
      volume_type_quota: 'map',
    },
  },
  openstack_networking_quota_v2: {
    required: { project_id: 'string' },
    optional: quotaValues([
      'floatingip', 'network', 'port', 'rbac_policy', 'router', 'security_group', 'security_group_rule', 'subnet', 'subnetpool',
    ]),
  },
};

export const DATA_SOURCE_SCHEMAS: Readonly<Record<string, BlockSchema>> = {
  openstack_identity_project_v3: {
    required: {},
    optional: {
      region: 'string', domain_id: 'string', enabled: 'bool', is_domain: 'bool', name: 'string', parent_id: 'string',
      tags: 'list', project_id: 'string',
    },
  },
  openstack_identity_user_v3: {
    required: {},
    optional: {
      region: 'string', default_project_id: 'string', domain_id: 'string', enabled: 'bool', idp_id: 'string', name: 'string',
      password_expires_at: 'string', protocol_id: 'string', unique_id: 'string',
    },
  },
  openstack_identity_role_v3: {
    required: { name: 'string' },
    optional: { region: 'string', domain_id: 'string' },
  },
  openstack_identity_service_v3: {
    required: {},
    optional: { region: 'string', name: 'string', type: 'string', enabled: 'bool' },
  },
};

/** Problems of one block's arguments against its schema, as sentences; empty when it conforms. */
export function schemaProblems(where: string, schema: BlockSchema, args: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const known: Record<string, ArgumentType> = { ...schema.required, ...schema.optional };
  for (const name of Object.keys(schema.required)) if (!(name in args)) out.push(`${where}: required argument ${name} is missing`);
  for (const [name, value] of Object.entries(args)) {
    if ((META_ARGUMENTS as readonly string[]).includes(name)) continue;
    const type = known[name];
    if (!type) out.push(`${where}: ${name} is not a documented argument`);
    else if (!hasType(value, type)) out.push(`${where}: ${name} = ${JSON.stringify(value)} is not a ${type}`);
  }
  for (const group of schema.oneOf ?? []) {
    const set = group.filter((g) => g in args);
    if (set.length !== 1) out.push(`${where}: exactly one of ${group.join(', ')} must be set, found ${set.length}`);
  }
  return out;
}

// References (`${TYPE.NAME.id}`) are strings, and keyform only refers to ids, which are strings.
function hasType(value: unknown, type: ArgumentType): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'bool': return typeof value === 'boolean';
    case 'number': return typeof value === 'number' && Number.isInteger(value);
    case 'list': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'map': return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}
