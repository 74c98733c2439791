import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { loadCloud, openSession, type OpenStackError, type OpenStackSession, type SessionOptions } from '../openstack/index.ts';
import type { PlatformSettingsForSnapshot } from './platform-settings.ts';

/** The sessions a platform is read (and written) through. */
export interface PlatformSessions {
  /** The replicator account with its clouds.yaml scope: identity reads and writes. */
  readonly session: OpenStackSession;
  /** System-scoped, for unified limits; undefined when not needed (other backend, or `session` is system-scoped). */
  readonly limitsSession: OpenStackSession | undefined;
  /** Closes both sessions' idle sockets. */
  close(): void;
}

export interface PlatformSessionOptions extends Pick<SessionOptions, 'log' | 'timeoutMs' | 'retries' | 'endpointOverrides'> {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Opens the replicator account's session for `platform` (clouds.yaml entry `cloud`, region
 * `region`) and, when quotas live in unified limits and that session is not system-scoped,
 * a second, system-scoped one for the limits: Keystone shows other projects' limits to
 * system scope only, while a system-scoped token costs Keystone more to validate on every
 * identity call (measured ~4×), so the two are kept apart.
 */
export function openPlatformSessions(platform: PlatformSettingsForSnapshot, opts: PlatformSessionOptions = {}): ResultAsync<PlatformSessions, OpenStackError> {
  const cloud = loadCloud({ cloud: platform.cloud, region: platform.region, ...(opts.env ? { env: opts.env } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}) });
  if (cloud.isErr()) return errAsync(cloud.error);
  const sessionOpts: SessionOptions = { ...(opts.log ? { log: opts.log } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.retries === undefined ? {} : { retries: opts.retries }), ...(opts.endpointOverrides ? { endpointOverrides: opts.endpointOverrides } : {}) };
  return openSession(cloud.value, sessionOpts).andThen((session) => {
    const unified = (platform.quotaBackend ?? 'unified-limits') === 'unified-limits';
    const limits = unified && session.scope.kind !== 'system'
      ? openSession(cloud.value, { ...sessionOpts, scope: 'system' }).map((s) => s as OpenStackSession | undefined).mapErr(systemScopeHint)
      : okAsync(undefined);
    return limits
      .map((limitsSession) => ({ session, limitsSession, close: () => [session, limitsSession].forEach((s) => s?.close()) }))
      .mapErr((e) => {
        session.close();
        return e;
      });
  });
}

function systemScopeHint(e: OpenStackError): OpenStackError {
  if (e.kind !== 'AuthFailed' && e.kind !== 'ConfigInvalid') return e;
  return {
    ...e,
    message: `${e.message} Unified limits need a system-scoped token for the same account: give it a role on the system (\`openstack role add --user USER --user-domain DOMAIN --system all admin\`).`,
  };
}
