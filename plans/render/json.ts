import { ADDRESS_TYPES, compareAddresses, parseAddress, type Resource } from '../../constructs/model/index.ts';
import type { Action } from '../action.ts';
import type { Change } from '../change.ts';
import type { Plan } from '../plan.ts';

/**
 * Terraform's JSON plan representation (`terraform show -json PLANFILE`), format 1.2, with
 * the fields tools read: `format_version`, `resource_changes[]` with `address`, `mode`,
 * `type`, `name`, `index`, `provider_name` and `change.actions` / `before` / `after`, plus
 * `applyable` and `errored`. What Terraform has no field for (remarks, errors, per-platform
 * digests) is under `keyform`, which Terraform-reading tools ignore.
 * https://developer.hashicorp.com/terraform/internals/json-format
 */
export const TERRAFORM_JSON_FORMAT_VERSION = '1.2';

/** Terraform's action lists: a replace that deletes first is `["delete", "create"]`. */
const TERRAFORM_ACTIONS: Readonly<Record<Action, readonly string[]>> = {
  'no-op': ['no-op'],
  create: ['create'],
  update: ['update'],
  delete: ['delete'],
  replace: ['delete', 'create'],
};

/** The plan as Terraform-shaped JSON text (2-space indented, keys in a fixed order). */
export function renderJson(plan: Plan): string {
  const changes = plan.platforms.flatMap((p) => p.changes).sort((a, b) => compareAddresses(a.address, b.address));
  const doc = {
    format_version: TERRAFORM_JSON_FORMAT_VERSION,
    keyform_version: plan.toolVersion,
    timestamp: plan.createdAt,
    applyable: plan.applyable,
    errored: plan.errored,
    resource_changes: changes.map(resourceChange),
    keyform: {
      summary: plan.summary,
      platforms: plan.platforms.map((p) => ({
        platform: p.platform, endpoint: p.endpoint, region: p.region, live_digest: p.liveDigest, summary: p.summary, remarks: p.remarks, errors: p.errors,
      })),
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function resourceChange(c: Change): Record<string, unknown> {
  const parsed = parseAddress(c.address);
  return {
    address: c.address,
    mode: 'managed',
    type: parsed?.type ?? ADDRESS_TYPES[c.kind].type,
    name: parsed?.name ?? ADDRESS_TYPES[c.kind].name,
    index: parsed?.index ?? c.address,
    provider_name: 'keyform',
    change: {
      actions: TERRAFORM_ACTIONS[c.action],
      before: c.before === null ? null : values(c.before),
      after: c.after === null ? null : values(c.after),
      after_unknown: {},
      before_sensitive: {},
      after_sensitive: {},
      ...(c.replacePaths.length > 0 ? { replace_paths: c.replacePaths.map((p) => p.split('.')) } : {}),
    },
    ...(c.action === 'replace' ? { action_reason: 'replace_because_cannot_update' } : {}),
    ...(c.warnings !== undefined && c.warnings.length > 0 ? { keyform_warnings: c.warnings } : {}),
  };
}

/** A resource's values as Terraform shows them: identity, attributes and, when live, Keystone ids. */
function values(r: Resource): Record<string, unknown> {
  return { ...r.key, ...r.attrs, ...(r.ids === undefined ? {} : { ids: r.ids }) };
}
