import type { DesiredState } from '../model/resource-set.ts';
import type { QuotaBackendName } from '../model/resource.ts';

/**
 * A platform's settings as plain data, for the engine: where to connect (cloud, region),
 * where to look (user domain, the domains its objects live in) and what it owns (tag
 * prefix). Field names follow the config's, in camelCase.
 */
export interface PlatformSettings {
  readonly id: string;
  /** clouds.yaml entry of the replicator account; null: OS_CLOUD, else the OS_* variables (as openstacksdk). */
  readonly cloud: string | null;
  /** clouds.yaml entry of the metering account, null when not configured. */
  readonly meteringCloud: string | null;
  /** clouds.yaml entry used (system-scoped) for unified limits only, null when not configured. */
  readonly limitsCloud: string | null;
  readonly region: string;
  readonly userDomain: string;
  /** The shared domain (meaningful when `domainPerWorkspace` is false). */
  readonly domain: string;
  readonly domainPerWorkspace: boolean;
  /** Every domain name this platform's desired projects and groups live in, sorted. */
  readonly domains: readonly string[];
  readonly domainNamePattern: string;
  readonly projectNamePattern: string;
  readonly groupNamePattern: string;
  /** Project role alias → Keystone role, keys sorted. */
  readonly roleMapping: Readonly<Record<string, string>>;
  readonly tagPrefix: string;
  readonly quotaBackend: QuotaBackendName;
}

/** A platform's metering declaration as plain data. */
export interface MeteringSettings {
  readonly platform: string;
  /** As written, e.g. `5m`. */
  readonly interval: string;
  readonly intervalSeconds: number;
  /** ISO 4217 code of the prices, e.g. `EUR`; null when the block names none. */
  readonly currency: string | null;
  /** `sqlite://PATH` or `postgres://...`. */
  readonly store: string;
  /** Price list, keys sorted. */
  readonly prices: Readonly<Record<string, number>>;
}

/**
 * What `synth()` produces: for each platform its desired state, settings and (if declared)
 * metering. Plain readonly JSON data; the same config gives the same bytes whatever the
 * file or declaration order.
 */
export interface SynthOutput {
  /** One per declared platform (also those without tenants), sorted by platform id. */
  readonly platforms: readonly DesiredState[];
  /** By platform id. */
  readonly settings: Readonly<Record<string, PlatformSettings>>;
  /** By platform id; only platforms with a `metering` block. */
  readonly metering: Readonly<Record<string, MeteringSettings>>;
}
