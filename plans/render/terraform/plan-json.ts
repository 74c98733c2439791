import { ADDRESS_TYPES, compareAddresses, jsonChunks, RESOURCE_KINDS, type ChunkOptions, type Resource } from '../../../constructs/model/index.ts';
import type { Plan, PlatformPlan } from '../../plan.ts';
import { noOpChange, resourceChange } from './resource-change.ts';
import { snakeCase, stateResource, TERRAFORM_PROVIDER_NAME, terraformValues } from './values.ts';

/**
 * Terraform's JSON plan representation (`terraform show -json PLANFILE`), format 1.2:
 * https://developer.hashicorp.com/terraform/internals/json-format, with the fields of
 * hashicorp/terraform-json's `Plan`.
 */
export const TERRAFORM_JSON_FORMAT_VERSION = '1.2';

/**
 * The Terraform release whose `terraform show -json` writes what this document holds:
 * format 1.2 with `applyable` and `complete` (added in 1.8.0), so tools that gate on the
 * Terraform version accept it; keyform's own version is under `keyform.version`.
 */
export const TERRAFORM_VERSION = '1.8.0';

/**
 * The plan as Terraform's JSON plan, on one line as Terraform writes it: `jsonPlanChunks`
 * as one string, for a plan small enough to be one.
 */
export function renderJson(plan: Plan): string {
  let text = '';
  for (const chunk of jsonPlanChunks(plan)) text += chunk;
  return text;
}

/**
 * The plan as Terraform's JSON plan, on one line as Terraform writes it, in chunks: the JSON
 * of a hundred thousand tenants is longer than V8's longest string, so it is never one.
 * `resource_changes` lists every object: each change, and every managed object nothing
 * changes as `["no-op"]` (a targeted plan leaves out the changes its targets did not select,
 * as Terraform does).
 * What Terraform has no field for (reasons, remarks, errors, warnings, per-platform digests,
 * targets) is under `keyform`, a key Terraform tools ignore.
 */
export function* jsonPlanChunks(plan: Plan, options: ChunkOptions = {}): Generator<string, void, undefined> {
  const platforms = plan.platforms.map(platformDoc);
  const byAddress = (xs: Record<string, unknown>[]): Record<string, unknown>[] => xs.sort((a, b) => compareAddresses(String(a['address']), String(b['address'])));
  const doc = {
    format_version: TERRAFORM_JSON_FORMAT_VERSION,
    terraform_version: TERRAFORM_VERSION,
    planned_values: { root_module: { resources: byAddress(platforms.flatMap((p) => p.planned)) } },
    resource_changes: byAddress(platforms.flatMap((p) => p.changes)),
    output_changes: {},
    prior_state: {
      format_version: TERRAFORM_JSON_FORMAT_VERSION, terraform_version: TERRAFORM_VERSION,
      values: { root_module: { resources: byAddress(platforms.flatMap((p) => p.prior)) } },
    },
    configuration: configuration(plan),
    relevant_attributes: platforms.flatMap((p) => p.relevant).sort((a, b) => compareAddresses(a.resource, b.resource)),
    timestamp: plan.createdAt,
    applyable: plan.applyable,
    complete: plan.targets.length === 0,
    errored: plan.errored,
    keyform: {
      version: plan.toolVersion,
      targets: plan.targets,
      summary: plan.summary,
      platforms: plan.platforms.map((p) => ({
        platform: p.platform, endpoint: p.endpoint, region: p.region, live_digest: p.liveDigest, summary: p.summary,
        reasons: Object.fromEntries(p.changes.map((c) => [c.address, c.reason])),
        warnings: Object.fromEntries(p.changes.filter((c) => (c.warnings ?? []).length > 0).map((c) => [c.address, c.warnings])),
        left_out: p.leftOut, remarks: p.remarks, errors: p.errors,
      })),
    },
  };
  yield* jsonChunks(doc, options);
  yield '\n';
}

/** One platform's share of each list. */
function platformDoc(p: PlatformPlan): {
  changes: Record<string, unknown>[];
  planned: Record<string, unknown>[];
  prior: Record<string, unknown>[];
  relevant: { resource: string; attribute: string[] }[];
} {
  const changed = new Set(p.changes.map((c) => c.address));
  const leftOut = new Set(p.leftOut);
  // Each live object's values are computed once and shared by prior_state, planned_values and its no-op.
  const prior = p.prior.map((r) => ({ r, values: terraformValues(r) }));
  const untouched = prior.filter(({ r }) => !changed.has(r.address));
  const changes = p.changes.map((c) => ({ c, doc: resourceChange(c) }));
  return {
    changes: [...changes.map((x) => x.doc), ...untouched.filter(({ r }) => !leftOut.has(r.address)).map(({ r, values }) => noOpChange(r, values))],
    // What Keystone will hold after apply: each change's result, and every object left as it is.
    planned: [...changes.flatMap(({ c, doc }) => (c.after === null ? [] : [plannedResource(c.after, doc)])), ...untouched.map(({ r, values }) => stateResource(r, values))],
    prior: prior.map(({ r, values }) => stateResource(r, values)),
    relevant: p.changes.flatMap((c) => c.changed.map((a) => ({ resource: c.address, attribute: [snakeCase(a)] }))),
  };
}

/** An object as it will be: its change's `after` (the live record under the change; ids unknown for a new object). */
function plannedResource(after: Resource, doc: Record<string, unknown>): Record<string, unknown> {
  return stateResource(after, (doc['change'] as { after: Record<string, unknown> }).after);
}

/**
 * The configuration as Terraform describes it: one provider config per platform (aliased by
 * platform id) and one resource block per address type, instantiated `for_each` entry of
 * the config, each attribute taken from its entry.
 */
function configuration(plan: Plan): Record<string, unknown> {
  const provider_config: Record<string, unknown> = {};
  for (const p of plan.platforms) {
    provider_config[`${TERRAFORM_PROVIDER_NAME}.${p.platform}`] = {
      name: TERRAFORM_PROVIDER_NAME, alias: p.platform,
      expressions: { endpoint: { constant_value: p.endpoint }, region: { constant_value: p.region }, tag_prefix: { constant_value: p.desired.tagPrefix } },
    };
  }
  const samples = new Map<string, Resource>();
  for (const p of plan.platforms) for (const r of p.desired.resources) if (!samples.has(r.kind)) samples.set(r.kind, r);
  const resources = RESOURCE_KINDS.flatMap((kind) => {
    const sample = samples.get(kind);
    if (sample === undefined) return [];
    const t = ADDRESS_TYPES[kind];
    const expressions = Object.fromEntries(Object.keys(terraformValues(sample)).filter((k) => k !== 'ids').map((k) => [k, { references: [`each.value.${k}`, 'each.value'] }]));
    return [{
      address: `${t.type}.${t.name}`, mode: 'managed', type: t.type, name: t.name, provider_config_key: TERRAFORM_PROVIDER_NAME,
      expressions, schema_version: 0, for_each_expression: { references: ['local.keyform_config'] },
    }];
  });
  return { provider_config, root_module: { resources } };
}
