import type { Result } from 'neverthrow';
import type { DesiredState } from '../model/resource-set.ts';
import { compareAddresses } from '../model/address.ts';
import type { ExportError } from './export-error.ts';
import { openStackBlueprint, type TerraformPlatformSettings } from './openstack-blueprint.ts';
import { synthTerraformJson } from './terraform.ts';

/** The Terraform JSON configuration; OpenTofu and Terraform read every `*.tf.json` in a folder. */
export const TERRAFORM_FILE = 'main.tf.json';
/**
 * keyform address → Terraform address of every exported resource (`TYPE.NAME`, or
 * `TYPE.NAME.ARGUMENT` for a quota inside a quota set). Terraform ignores this file; it is
 * for the hand-over, e.g. to write `import` blocks from the ids in a keyform snapshot.
 */
export const ADDRESSES_FILE = 'keyform-addresses.json';

/**
 * The desired state of every platform as a Terraform configuration for the OpenStack
 * provider: file name → file text. Pure: the same input gives the same bytes, and nothing
 * is read or written; the caller writes the files.
 * @example exportTerraform(desired, { 'os-prod': { cloud: 'prod', region: 'RegionOne', userDomain: 'default' } })
 */
export function exportTerraform(
  desired: readonly DesiredState[],
  settings: Readonly<Record<string, TerraformPlatformSettings>>,
): Result<Readonly<Record<string, string>>, ExportError[]> {
  return openStackBlueprint(desired, settings).andThen((blueprint) =>
    synthTerraformJson(blueprint)
      .mapErr((e) => [e])
      .map((json) => {
        const addresses = Object.keys(blueprint.addresses).sort(compareAddresses).map((a) => [a, blueprint.addresses[a]]);
        return { [TERRAFORM_FILE]: json, [ADDRESSES_FILE]: `${JSON.stringify(Object.fromEntries(addresses), null, 2)}\n` };
      }),
  );
}
