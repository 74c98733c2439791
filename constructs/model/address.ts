import { compareCodeUnits } from './code-unit-order.ts';
import { flatString } from './flat-string.ts';
import type { DomainKey, GroupKey, ProjectKey, Resource, ResourceKind, ResourceOfKind } from './resource.ts';

/**
 * Terraform-style addresses: `TYPE.NAME["KEY"]`, e.g.
 * `keyform_project.tenant["os-prod/acme/webshop"]`. The key is built from identity only
 * (platform, workspace, project, role, euid, quota key), never from a rendered name, so a
 * changed naming pattern is an update of the same address, not a destroy and create.
 */
export const ADDRESS_TYPES: Readonly<Record<ResourceKind, { readonly type: string; readonly name: string }>> = {
  domain: { type: 'keyform_domain', name: 'workspace' },
  project: { type: 'keyform_project', name: 'tenant' },
  group: { type: 'keyform_group', name: 'role' },
  membership: { type: 'keyform_group_membership', name: 'member' },
  assignment: { type: 'keyform_role_assignment', name: 'grant' },
  quota: { type: 'keyform_quota', name: 'limit' },
};

/** Identity parts of an address, in order. */
export type AddressParts = readonly [platform: string, ...rest: string[]];

/**
 * The address of a resource of `kind` with identity `parts`.
 * @example address('project', ['os-prod', 'acme', 'webshop']) // keyform_project.tenant["os-prod/acme/webshop"]
 */
export function address(kind: ResourceKind, parts: AddressParts): string {
  // One flat string: every resource holds its address for the whole plan, and a concatenation
  // would be a tree of its pieces (~180 bytes for a membership's address, against ~100 flat).
  return flatString([ADDRESS_PREFIXES[kind], JSON.stringify(parts.join('/')), ']']);
}

/** `TYPE.NAME[` of each kind. */
const ADDRESS_PREFIXES = Object.fromEntries(Object.entries(ADDRESS_TYPES).map(([kind, t]) => [kind, `${t.type}.${t.name}[`])) as Readonly<Record<ResourceKind, string>>;

/** The identity fields of each kind's key, in address order. */
const KEY_FIELDS: { readonly [K in ResourceKind]: readonly (keyof ResourceOfKind<K>['key'])[] } = {
  domain: ['workspace'],
  project: ['workspace', 'project'],
  group: ['workspace', 'project', 'role'],
  membership: ['workspace', 'project', 'role', 'euid'],
  assignment: ['workspace', 'project', 'role'],
  quota: ['workspace', 'project', 'quotaKey'],
};

function keyAddress<K extends ResourceKind>(kind: K, platform: string, key: ResourceOfKind<K>['key']): string {
  const parts = KEY_FIELDS[kind].map((f) => key[f] as string);
  return address(kind, [platform, ...parts]);
}

/** The address of `r` recomputed from its key: what a well-formed resource's `address` must equal. */
export function addressOf(r: Resource): string {
  return keyAddress(r.kind, r.platform, r.key as never);
}

/** The keys of the kinds that other resources hang on. */
interface ParentKeys {
  readonly domain: DomainKey;
  readonly project: ProjectKey;
  readonly group: GroupKey;
}

/**
 * The address of the `kind` object that `r` belongs to on its platform: a tenant's project,
 * a role's group, a workspace's domain. Whether that object exists (a project in a shared
 * domain has no managed domain) is for the caller to look up.
 * @example parentAddress(quota, 'project') // keyform_project.tenant["os-prod/acme/webshop"]
 * @example parentAddress(membership, 'group') // keyform_group.role["os-prod/acme/webshop/admin"]
 */
export function parentAddress<K extends keyof ParentKeys>(r: { readonly platform: string; readonly key: ParentKeys[K] }, kind: K): string {
  return keyAddress(kind, r.platform, r.key as never);
}

/** Splits an address into its Terraform `type`, `name` and `index` (the key string). */
export function parseAddress(addr: string): { type: string; name: string; index: string } | undefined {
  const m = /^([a-z_]+)\.([a-z_]+)\[("(?:[^"\\]|\\.)*")\]$/.exec(addr);
  if (!m) return undefined;
  return { type: m[1]!, name: m[2]!, index: JSON.parse(m[3]!) as string };
}

/** Orders addresses deterministically (plain code-unit order, locale-independent). */
export const compareAddresses: (a: string, b: string) => number = compareCodeUnits;
