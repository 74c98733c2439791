import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import { configInvalid, loadCloud, openSession, type CloudConfig, type OpenStackError, type OpenStackSession, type SessionOptions } from '../openstack/index.ts';
import { quotaBackendOf } from '../quota/quota-backend.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';

/** Where the clouds are found. */
export interface CloudLookup {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * The command that gives an account the system role unified limits need: `reader` to plan,
 * `admin` to apply (Keystone's identity:create_limit, update_limit and delete_limit).
 */
export const SYSTEM_ACCOUNT_COMMAND = 'openstack role add --system all --user USER --user-domain DOMAIN admin';

/**
 * The clouds.yaml entry `name` (else OS_CLOUD, else the OS_* variables, else the only cloud)
 * in the platform's region.
 * @example platformCloud('prod', platform, { env: process.env })
 */
export function platformCloud(name: string | null | undefined, platform: Pick<PlatformSettingsForSnapshot, 'region'>, lookup: CloudLookup): Result<CloudConfig, OpenStackError> {
  return loadCloud({ ...(name ? { cloud: name } : {}), region: platform.region, ...(lookup.env ? { env: lookup.env } : {}), ...(lookup.cwd ? { cwd: lookup.cwd } : {}) });
}

/**
 * The system-scoped session unified limits are read and written through, when `replicator`
 * is not one itself: the platform's `limits_cloud` when it names one (signed in with system
 * scope, used for /v3/limits only), else the replicator account asking for system scope.
 * An application credential carries its own project scope and can't ask for another, so
 * without `limits_cloud` it fails here, naming `limits_cloud` and the command that makes a
 * system-scoped account. Undefined when the backend is not unified limits, or the
 * replicator's own token is system-scoped and no `limits_cloud` is named.
 */
export function openLimitsSession(
  platform: PlatformSettingsForSnapshot,
  replicator: { readonly cloud: CloudConfig; readonly session: OpenStackSession },
  lookup: CloudLookup,
  sessionOpts: SessionOptions,
): ResultAsync<OpenStackSession | undefined, OpenStackError> {
  if (!quotaBackendOf(platform.quotaBackend).systemScoped) return okAsync(undefined);
  if (platform.limitsCloud) {
    const cloud = platformCloud(platform.limitsCloud, platform, lookup);
    if (cloud.isErr()) return errAsync(cloud.error);
    return openSystemSession(platform, cloud.value, sessionOpts);
  }
  if (replicator.session.scope.kind === 'system') return okAsync(undefined);
  if (replicator.cloud.authType === 'v3applicationcredential') return errAsync(limitsCloudNeeded(platform.id, replicator.cloud.name));
  return openSession(replicator.cloud, { ...sessionOpts, scope: 'system' })
    .map((s): OpenStackSession | undefined => s)
    .mapErr((e) => systemScopeHint(platform.id, e));
}

function openSystemSession(platform: PlatformSettingsForSnapshot, cloud: CloudConfig, sessionOpts: SessionOptions): ResultAsync<OpenStackSession | undefined, OpenStackError> {
  const where = `limits_cloud ${JSON.stringify(cloud.name)} of platform ${JSON.stringify(platform.id)}`;
  if (cloud.authType === 'v3applicationcredential') {
    return errAsync(configInvalid(`The ${where} is an application credential, which can't be system-scoped. Name a password account with a role on the system (${SYSTEM_ACCOUNT_COMMAND}) and system_scope: all.`));
  }
  return openSession(cloud, { ...sessionOpts, scope: 'system' })
    .mapErr((e) => ({ ...e, message: `${e.message} (signing in as the ${where}, system-scoped: give its account a role on the system, ${SYSTEM_ACCOUNT_COMMAND})` }))
    .map((s): OpenStackSession | undefined => s);
}

/** The replicator is an application credential and the platform names no `limits_cloud`. */
export function limitsCloudNeeded(platform: string, cloud: string): OpenStackError {
  return configInvalid(
    `Platform ${JSON.stringify(platform)} keeps quotas in unified limits, which Keystone shows and writes for other projects with a system-scoped token only, and its cloud ${JSON.stringify(cloud)} is an application credential, which can't be system-scoped. ` +
      `Set limits_cloud on the platform to a second clouds.yaml entry used only for /v3/limits: a password account with a role on the system ` +
      `(openstack user create --domain DOMAIN --password-prompt USER; ${SYSTEM_ACCOUNT_COMMAND}; reader is enough for plan) and system_scope: all.`,
  );
}

function systemScopeHint(platform: string, e: OpenStackError): OpenStackError {
  if (e.kind !== 'auth-failed' && e.kind !== 'config-invalid') return e;
  return {
    ...e,
    message: `${e.message} Unified limits need a system-scoped token: give the same account a role on the system (${SYSTEM_ACCOUNT_COMMAND}), or set limits_cloud on platform ${JSON.stringify(platform)} to a clouds.yaml entry of an account that has one.`,
  };
}
