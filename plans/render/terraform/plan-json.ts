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
  const lists = plan.platforms.map(platformLists);
  const list = (refs: Ref[]): Part => items(refs.sort((a, b) => compareAddresses(a.address, b.address)), options);
  const object = (members: readonly (readonly [string, unknown])[]): Part => objectOf(members, options);
  const doc = object([
    ['format_version', TERRAFORM_JSON_FORMAT_VERSION],
    ['terraform_version', TERRAFORM_VERSION],
    ['planned_values', object([['root_module', object([['resources', list(lists.flatMap((p) => p.planned))]])]])],
    ['resource_changes', list(lists.flatMap((p) => p.changes))],
    ['output_changes', {}],
    ['prior_state', object([
      ['format_version', TERRAFORM_JSON_FORMAT_VERSION], ['terraform_version', TERRAFORM_VERSION],
      ['values', object([['root_module', object([['resources', list(lists.flatMap((p) => p.prior))]])]])],
    ])],
    ['configuration', configuration(plan)],
    ['relevant_attributes', lists.flatMap((p) => p.relevant).sort((a, b) => compareAddresses(a.resource, b.resource))],
    ['timestamp', plan.createdAt],
    ['applyable', plan.applyable],
    ['complete', plan.targets.length === 0],
    ['errored', plan.errored],
    ['keyform', {
      version: plan.toolVersion,
      targets: plan.targets,
      summary: plan.summary,
      platforms: plan.platforms.map((p) => ({
        platform: p.platform, endpoint: p.endpoint, region: p.region, live_digest: p.liveDigest, summary: p.summary,
        reasons: Object.fromEntries(p.changes.map((c) => [c.address, c.reason])),
        warnings: Object.fromEntries(p.changes.filter((c) => (c.warnings ?? []).length > 0).map((c) => [c.address, c.warnings])),
        left_out: p.leftOut, remarks: p.remarks, errors: p.errors,
      })),
    }],
  ]);
  yield* doc.chunks();
  yield '\n';
}

/**
 * An entry of one of the document's three lists of objects, made when it is written: the
 * lists hold three entries per Keystone object, the bulk of the document, and are never held
 * whole (measured at 10,000 tenants: ~3x the plan's own memory when they were).
 */
interface Ref {
  readonly address: string;
  readonly make: () => Record<string, unknown>;
}

/** Part of the document written by its own chunks: a list of `Ref`s, or an object holding one. */
class Part {
  constructor(readonly chunks: () => Iterable<string>) {}
}

/** An object of `members` in their order, as `JSON.stringify` writes it; a member is a `Part` or a plain value. */
function objectOf(members: readonly (readonly [string, unknown])[], options: ChunkOptions): Part {
  return new Part(function* () {
    if (members.length === 0) return yield '{}';
    for (const [i, [key, value]] of members.entries()) {
      yield `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`;
      yield* value instanceof Part ? value.chunks() : jsonChunks(value, options);
    }
    yield '}';
  });
}

/** Entries made per batch: a batch is written by `jsonChunks` (runs of `JSON.stringify`), then dropped. */
const BATCH = 256;

/** The array of `refs`' entries, made a batch at a time as the array is written. */
function items(refs: readonly Ref[], options: ChunkOptions): Part {
  return new Part(function* () {
    yield '[';
    for (let i = 0; i < refs.length; i += BATCH) {
      if (i > 0) yield ',';
      yield* withoutBrackets(jsonChunks(refs.slice(i, i + BATCH).map((r) => r.make()), options));
    }
    yield ']';
  });
}

/** The chunks of an array's text without its opening and closing brackets: its items, joined by commas. */
function* withoutBrackets(chunks: Iterable<string>): Generator<string, void, undefined> {
  let held: string | undefined;
  let first = true;
  for (const chunk of chunks) {
    if (held !== undefined) {
      const out = first ? held.slice(1) : held;
      first = false;
      if (out !== '') yield out;
    }
    held = chunk;
  }
  if (held === undefined) return;
  const last = (first ? held.slice(1) : held).slice(0, -1);
  if (last !== '') yield last;
}

/**
 * One platform's share of each list. A live object's values are computed once per entry it
 * has (prior_state, planned_values, its no-op), as each entry is made.
 */
function platformLists(p: PlatformPlan): {
  changes: Ref[];
  planned: Ref[];
  prior: Ref[];
  relevant: { resource: string; attribute: string[] }[];
} {
  const changed = new Set(p.changes.map((c) => c.address));
  const leftOut = new Set(p.leftOut);
  const untouched = p.prior.filter((r) => !changed.has(r.address));
  const state = (r: Resource): Ref => ({ address: r.address, make: () => stateResource(r, terraformValues(r)) });
  return {
    changes: [
      ...p.changes.map((c) => ({ address: c.address, make: () => resourceChange(c) })),
      ...untouched.filter((r) => !leftOut.has(r.address)).map((r) => ({ address: r.address, make: () => noOpChange(r, terraformValues(r)) })),
    ],
    // What Keystone will hold after apply: each change's result, and every object left as it is.
    planned: [
      ...p.changes.flatMap((c) => (c.after === null ? [] : [{ address: c.after.address, make: () => plannedResource(c.after!, resourceChange(c)) }])),
      ...untouched.map(state),
    ],
    prior: p.prior.map(state),
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
