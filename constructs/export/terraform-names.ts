import { createHash } from 'node:crypto';

/**
 * Terraform names for exported blocks: valid identifiers (a letter, then letters, digits,
 * `_` and `-`), stable (built from the keyform identity only: platform, workspace, project,
 * role, euid, quota key; never from a rendered Keystone name), and unique.
 *
 * Identity parts that are already DNS-label-like (`os-prod`, `acme`, `webshop`) are kept
 * as they are and joined with `_`, which they never contain, so such names can't collide.
 * A part with any other character (`alice@acme.example`, `compute.cores`) is made readable
 * (`alice-acme-example`) and the name gets a short hash of the whole identity, so two
 * parts that clean up to the same text still get different names.
 */

const PLAIN_PART = /^[A-Za-z0-9-]+$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * The Terraform name of the block `prefix` for identity `parts`.
 * @example terraformName('project', ['os-prod', 'acme', 'webshop']) // 'project_os-prod_acme_webshop'
 * @example terraformName('user', ['os-prod', 'alice@acme.example']) // 'user_os-prod_alice-acme-example_<8 hex>'
 */
export function terraformName(prefix: string, parts: readonly string[]): string {
  if (!/^[a-z][a-z0-9]*$/.test(prefix)) throw new Error(`terraformName: bad prefix ${JSON.stringify(prefix)}`);
  const lossy = parts.some((p) => !PLAIN_PART.test(p));
  const cleaned = parts.map((p) => p.replace(/[^A-Za-z0-9-]+/g, '-'));
  const name = [prefix, ...cleaned].join('_');
  return lossy ? `${name}_${shortHash([prefix, ...parts])}` : name;
}

/**
 * The alias of a platform's provider configuration: the platform id itself when it is a
 * valid identifier (they usually are: `os-prod`), otherwise a `platform_…` name.
 * @example providerAlias('os-prod') // 'os-prod'
 */
export function providerAlias(platform: string): string {
  return IDENTIFIER.test(platform) ? platform : terraformName('platform', [platform]);
}

/** Whether `name` is a valid Terraform identifier. */
export function isTerraformIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

// 8 hex digits: collisions need two identities that also clean up to the same text.
function shortHash(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 8);
}
