import { ResultAsync, errAsync } from 'neverthrow';
import { openSession, type OpenStackError, type OpenStackSession, type SessionOptions } from '../openstack/index.ts';
import { openLimitsSession, platformCloud } from './limits-session.ts';
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

export interface PlatformSessionOptions extends Pick<SessionOptions, 'log' | 'timeoutMs' | 'retries' | 'endpointOverrides' | 'maxConnections'> {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Opens the replicator account's session for `platform` (clouds.yaml entry `cloud`, else
 * OS_CLOUD, else the OS_* variables; region `region`) and, when quotas live in unified limits
 * and that session is not system-scoped, a second, system-scoped one for the limits (see
 * `openLimitsSession`): Keystone shows other projects' limits to system scope only, while a
 * system-scoped token costs Keystone more to validate on every identity call (measured ~4×),
 * so the two are kept apart.
 */
export function openPlatformSessions(platform: PlatformSettingsForSnapshot, opts: PlatformSessionOptions = {}): ResultAsync<PlatformSessions, OpenStackError> {
  const cloud = platformCloud(platform.cloud, platform, opts);
  if (cloud.isErr()) return errAsync(cloud.error);
  const sessionOpts: SessionOptions = { ...(opts.log ? { log: opts.log } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.retries === undefined ? {} : { retries: opts.retries }), ...(opts.endpointOverrides ? { endpointOverrides: opts.endpointOverrides } : {}), ...(opts.maxConnections === undefined ? {} : { maxConnections: opts.maxConnections }) };
  return openSession(cloud.value, sessionOpts).andThen((session) =>
    openLimitsSession(platform, { cloud: cloud.value, session }, opts, sessionOpts)
      .map((limitsSession) => ({ session, limitsSession, close: () => [session, limitsSession].forEach((s) => s?.close()) }))
      .mapErr((e) => {
        session.close();
        return e;
      }),
  );
}
