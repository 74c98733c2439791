import { compareCodeUnits, ADDRESS_TYPES, parseAddress, type Resource, type ResourceKind } from '../../../constructs/model/index.ts';

/**
 * The provider keyform poses as in Terraform's JSON: every resource names it, and the
 * configuration holds one provider config per platform under this name.
 */
export const TERRAFORM_PROVIDER_NAME = 'keyform';

/** `quotaKey` → `quota_key`: Terraform's attribute names are snake_case. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Each key set's snake_case names in sorted order, by the key set: resources of a kind share
 * one, and a plan renders ~10 values per object (measured: sorting each anew made the JSON of
 * 10,000 tenants 2x slower).
 */
const KEY_ORDERS = new Map<string, readonly (readonly [string, string])[]>();

/** An object with every key in snake_case, keys sorted (deterministic output). */
function snakeKeys(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keys = Object.keys(o);
  const id = keys.join(',');
  let order = KEY_ORDERS.get(id);
  if (order === undefined) {
    order = keys.map((x) => [snakeCase(x), x] as const).sort(([a], [b]) => compareCodeUnits(a, b));
    KEY_ORDERS.set(id, order);
  }
  const out: Record<string, unknown> = {};
  for (const [snake, key] of order) out[snake] = o[key];
  return out;
}

/**
 * A resource's values as Terraform shows an instance's attributes, snake_case: its platform,
 * identity and attributes, and, once it exists, its Keystone `ids`. Config-only fields
 * (deletion policy, adoption) are not attributes of the object and are left out.
 * @example terraformValues(project) // { description: '…', domain: 'default', enabled: true, ids: { domain_id: '…', id: '…' }, name: 'acme.webshop', platform: 'os-prod', project: 'webshop', tags: [...], workspace: 'acme' }
 */
export function terraformValues(r: Resource): Record<string, unknown> {
  return snakeKeys({ platform: r.platform, ...r.key, ...r.attrs, ...(r.ids === undefined ? {} : { ids: snakeKeys({ ...r.ids }) }) });
}

/** Terraform's `address`, `mode`, `type`, `name`, `index` and `provider_name` of an object. */
export function terraformIdentity(address: string, kind: ResourceKind): Record<string, unknown> {
  const parsed = parseAddress(address);
  return {
    address, mode: 'managed', type: parsed?.type ?? ADDRESS_TYPES[kind].type, name: parsed?.name ?? ADDRESS_TYPES[kind].name,
    index: parsed?.index ?? address, provider_name: TERRAFORM_PROVIDER_NAME,
  };
}

/** A resource as an entry of `planned_values` or `prior_state`: `root_module.resources[]`, with its values as given. */
export function stateResource(r: Resource, values: Record<string, unknown>): Record<string, unknown> {
  return { ...terraformIdentity(r.address, r.kind), schema_version: 0, values, sensitive_values: {} };
}
