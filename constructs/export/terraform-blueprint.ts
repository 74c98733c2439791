/**
 * What the Terraform export will contain, as plain data: provider configurations and
 * resource / data blocks whose attributes may refer to other blocks. Mapping keyform's
 * desired state onto OpenStack provider types (`openstack-blueprint.ts`) is kept apart from
 * turning this into Terraform JSON (`terraform.ts`, the one module that uses cdktf), so that
 * cdktf, archived upstream, can be replaced without touching the mapping.
 */

/** Resource blocks manage objects; data blocks only look objects up. */
export type BlockMode = 'resource' | 'data';

/** Where a block lives in the Terraform configuration: `TYPE.NAME` or `data.TYPE.NAME`. */
export interface BlockId {
  readonly mode: BlockMode;
  /** Provider type, e.g. `openstack_identity_project_v3`. */
  readonly type: string;
  /** A valid Terraform identifier, unique per mode and type; see `terraform-names.ts`. */
  readonly name: string;
}

/** An attribute of another block, e.g. its `id`: becomes `${TYPE.NAME.ATTR}` in the JSON. */
export interface TerraformRef {
  readonly ref: BlockId;
  readonly attribute: string;
}

/** An argument value: a literal or a reference. */
export type TerraformValue = string | number | boolean | readonly string[] | TerraformRef;

export interface TerraformBlock extends BlockId {
  /** The platform whose provider configuration manages or reads this block. */
  readonly platform: string;
  /** The block's arguments, as the provider documents them. */
  readonly arguments: Readonly<Record<string, TerraformValue>>;
  /** `lifecycle { prevent_destroy = true }`: the object must never be destroyed by accident. @default false */
  readonly preventDestroy?: boolean;
}

/** One `provider "openstack"` configuration per platform. */
export interface ProviderConfig {
  readonly platform: string;
  /** Set when the configuration holds several platforms; each block then names its provider. */
  readonly alias?: string;
  /** `cloud` (clouds.yaml entry) and `region`: no secret is ever written here. */
  readonly arguments: Readonly<Record<string, string>>;
}

export interface TerraformBlueprint {
  /** Sorted by platform. */
  readonly providers: readonly ProviderConfig[];
  /** Unique by mode, type and name. */
  readonly blocks: readonly TerraformBlock[];
  /**
   * Where each desired keyform resource went: keyform address → `TYPE.NAME`, or
   * `TYPE.NAME.ARGUMENT` for a quota that is one argument of a service quota set.
   */
  readonly addresses: Readonly<Record<string, string>>;
}

/** A reference to `attribute` (by default `id`) of `block`. */
export function refTo(block: BlockId, attribute = 'id'): TerraformRef {
  return { ref: { mode: block.mode, type: block.type, name: block.name }, attribute };
}

/** Whether a value is a reference to another block. */
export function isRef(value: TerraformValue): value is TerraformRef {
  return typeof value === 'object' && !Array.isArray(value) && 'ref' in value;
}

/** The Terraform address of a block: `TYPE.NAME` or `data.TYPE.NAME`. */
export function blockAddress(block: BlockId): string {
  return `${block.mode === 'data' ? 'data.' : ''}${block.type}.${block.name}`;
}
