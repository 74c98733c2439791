/**
 * A JSON Schema of Terraform's JSON plan, written from hashicorp/terraform-json's Go structs
 * (`Plan`, `ResourceChange`, `Change`, `State`, `StateValues`, `StateModule`,
 * `StateResource`, `Config`, `ProviderConfig`, `ConfigModule`, `ConfigResource`,
 * `Expression`, `ResourceAttribute`): each struct's json tags are its properties, with the
 * Go type of each field. `additionalProperties` is left open at the top, as Terraform's
 * format promises consumers must ignore unknown keys, and closed on the structs themselves
 * so a misspelt field (`provider`, `afterUnknown`) fails.
 */
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const uint = { type: 'integer', minimum: 0 } as const;
/** `interface{}` values that Terraform writes as JSON objects or null (before/after) or as bool/object (sensitive, unknown). */
const objectOrNull = { type: ['object', 'null'] } as const;
const objectOrBool = { type: ['object', 'boolean'] } as const;
const actions = { type: 'array', minItems: 1, items: { enum: ['no-op', 'create', 'read', 'update', 'delete', 'forget'] } } as const;

const expression = {
  type: 'object', additionalProperties: false,
  properties: { constant_value: {}, references: { type: 'array', items: str } },
} as const;
const expressions = { type: 'object', additionalProperties: { $ref: '#/$defs/expression' } } as const;

const stateResource = {
  type: 'object', additionalProperties: false, required: ['address', 'mode', 'type', 'name', 'provider_name', 'schema_version'],
  properties: {
    address: str, mode: { enum: ['managed', 'data'] }, type: str, name: str, index: { type: ['string', 'integer'] },
    provider_name: str, schema_version: uint, values: { type: 'object' }, sensitive_values: objectOrBool,
    depends_on: { type: 'array', items: str }, tainted: bool, deposed_key: str,
  },
} as const;
const stateModule = {
  type: 'object', additionalProperties: false,
  properties: { resources: { type: 'array', items: { $ref: '#/$defs/stateResource' } }, address: str, child_modules: { type: 'array', items: { $ref: '#/$defs/stateModule' } } },
} as const;
const stateValues = {
  type: 'object', additionalProperties: false,
  properties: { outputs: { type: 'object' }, root_module: { $ref: '#/$defs/stateModule' } },
} as const;

const change = {
  type: 'object', additionalProperties: false, required: ['actions', 'before'],
  properties: {
    actions, before: objectOrNull, after: objectOrNull, after_unknown: objectOrBool, before_sensitive: objectOrBool, after_sensitive: objectOrBool,
    importing: { type: 'object' }, generated_config: str, replace_paths: { type: 'array', items: { type: 'array' } },
  },
} as const;
const resourceChange = {
  type: 'object', additionalProperties: false, required: ['address', 'mode', 'type', 'name', 'provider_name', 'change'],
  properties: {
    address: str, previous_address: str, module_address: str, mode: { enum: ['managed', 'data'] }, type: str, name: str,
    index: { type: ['string', 'integer'] }, provider_name: str, deposed: str, change: { $ref: '#/$defs/change' },
    action_reason: { enum: ['replace_because_tainted', 'replace_because_cannot_update', 'replace_by_request', 'replace_by_triggers', 'delete_because_no_resource_config', 'delete_because_wrong_repetition', 'delete_because_count_index', 'delete_because_each_key', 'delete_because_no_module', 'delete_because_no_move_target', 'read_because_config_unknown', 'read_because_dependency_pending'] },
  },
} as const;

const providerConfig = {
  type: 'object', additionalProperties: false, required: ['name'],
  properties: { name: str, full_name: str, alias: str, module_address: str, expressions, version_constraint: str },
} as const;
const configResource = {
  type: 'object', additionalProperties: false, required: ['address', 'mode', 'type', 'name', 'schema_version'],
  properties: {
    address: str, mode: { enum: ['managed', 'data'] }, type: str, name: str, provider_config_key: str, provisioners: { type: 'array' },
    expressions, schema_version: uint, count_expression: { $ref: '#/$defs/expression' }, for_each_expression: { $ref: '#/$defs/expression' },
    depends_on: { type: 'array', items: str },
  },
} as const;

/** Terraform's JSON plan, as terraform-json reads it, with the fields of Terraform ≥ 1.8 (`applyable`, `complete`, `errored`) required. */
export const TERRAFORM_PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['format_version', 'terraform_version', 'planned_values', 'resource_changes', 'prior_state', 'configuration', 'applyable', 'complete', 'errored', 'timestamp'],
  properties: {
    format_version: { type: 'string', pattern: '^1\\.[0-9]+$' },
    terraform_version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$' },
    variables: { type: 'object' },
    planned_values: { $ref: '#/$defs/stateValues' },
    resource_drift: { type: 'array', items: { $ref: '#/$defs/resourceChange' } },
    resource_changes: { type: 'array', items: { $ref: '#/$defs/resourceChange' } },
    output_changes: { type: 'object', additionalProperties: { $ref: '#/$defs/change' } },
    prior_state: {
      type: 'object', additionalProperties: false, required: ['format_version'],
      properties: { format_version: str, terraform_version: str, values: { $ref: '#/$defs/stateValues' }, checks: { type: 'array' } },
    },
    configuration: {
      type: 'object', additionalProperties: false,
      properties: {
        provider_config: { type: 'object', additionalProperties: { $ref: '#/$defs/providerConfig' } },
        root_module: {
          type: 'object', additionalProperties: false,
          properties: { outputs: { type: 'object' }, resources: { type: 'array', items: { $ref: '#/$defs/configResource' } }, module_calls: { type: 'object' }, variables: { type: 'object' } },
        },
      },
    },
    relevant_attributes: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['resource', 'attribute'], properties: { resource: str, attribute: { type: 'array', items: { type: ['string', 'integer'] } } } },
    },
    checks: { type: 'array' },
    timestamp: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' },
    applyable: bool,
    complete: bool,
    errored: bool,
  },
  $defs: { expression, stateResource, stateModule, stateValues, change, resourceChange, providerConfig, configResource },
} as const;
