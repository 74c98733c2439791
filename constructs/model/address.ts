import type { ResourceKind, Resource } from './resource.ts';

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
  const t = ADDRESS_TYPES[kind];
  return `${t.type}.${t.name}[${JSON.stringify(parts.join('/'))}]`;
}

/** The address of `r` recomputed from its key: what a well-formed resource's `address` must equal. */
export function addressOf(r: Resource): string {
  const k = r.key as unknown as Record<string, string>;
  const parts: string[] = [r.platform];
  for (const f of ['workspace', 'project', 'role', 'euid', 'quotaKey']) {
    if (typeof k[f] === 'string') parts.push(k[f]);
  }
  return address(r.kind, parts as unknown as AddressParts);
}

/** Splits an address into its Terraform `type`, `name` and `index` (the key string). */
export function parseAddress(addr: string): { type: string; name: string; index: string } | undefined {
  const m = /^([a-z_]+)\.([a-z_]+)\[("(?:[^"\\]|\\.)*")\]$/.exec(addr);
  if (!m) return undefined;
  return { type: m[1]!, name: m[2]!, index: JSON.parse(m[3]!) as string };
}

/** Orders addresses deterministically (plain code-unit order, locale-independent). */
export function compareAddresses(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
