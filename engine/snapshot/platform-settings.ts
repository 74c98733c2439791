import type { QuotaBackendName } from '../../constructs/model/index.ts';

/**
 * What `snapshot()` needs to know about a platform: a subset of the constructs' `Platform`,
 * so that a Platform construct can be passed as is.
 */
export interface PlatformSettingsForSnapshot {
  /** The platform identifier; ownership markers name it. */
  readonly id: string;
  /** The clouds.yaml entry of the replicator account; null or undefined: OS_CLOUD, else the OS_* variables. */
  readonly cloud?: string | null;
  /** The clouds.yaml entry for unified limits only (system scope); null or undefined: the replicator's own. */
  readonly limitsCloud?: string | null;
  /** Only unified limits of this region (or of no region) are read. */
  readonly region: string;
  /** Name or id of the domain where the identity provider's users live. */
  readonly userDomain: string;
  /** Name or id of the shared domain of all tenants (ignored with `domainPerWorkspace`). */
  readonly domain: string;
  /** One Keystone domain per workspace instead of the shared `domain`. */
  readonly domainPerWorkspace: boolean;
  /** The user tag namespace keyform owns on projects, e.g. `kf_`. */
  readonly tagPrefix: string;
  /** Where quotas live (the platform's `quota_backend`, whose default its construct states). */
  readonly quotaBackend: QuotaBackendName;
}
