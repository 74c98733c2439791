/**
 * What can go wrong exporting the desired state as a Terraform configuration, as plain data.
 * Every message says how to fix the problem.
 */
export type ExportErrorKind = 'missing-platform-settings' | 'unsupported-quota' | 'synth-failed';

export interface ExportError {
  readonly kind: ExportErrorKind;
  readonly message: string;
  /** The platform the problem is on, when it is on one. */
  readonly platform?: string;
  /** The keyform address of the resource that can't be exported, when there is one. */
  readonly address?: string;
}

/** The desired state names a platform the export has no provider settings for. */
export function missingPlatformSettings(platform: string): ExportError {
  return {
    kind: 'missing-platform-settings',
    platform,
    message:
      `Platform ${JSON.stringify(platform)} has desired resources but no settings (cloud, region, user_domain) to configure ` +
      'its OpenStack provider. Declare the platform in the config, or pass its settings to exportTerraform().',
  };
}

/** A quota the OpenStack provider can't express without changing other keys. */
export function unsupportedQuota(platform: string, address: string, reason: string): ExportError {
  return { kind: 'unsupported-quota', platform, address, message: `${address} can't be exported to Terraform: ${reason}` };
}

/** cdktf refused the construct tree; the text is cdktf's own. */
export function synthFailed(detail: string): ExportError {
  return {
    kind: 'synth-failed',
    message: `cdktf could not synthesize the Terraform configuration: ${detail}. This is a keyform bug; please report it with the config that caused it.`,
  };
}
