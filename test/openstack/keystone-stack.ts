import { ResultAsync, errAsync } from 'neverthrow';
import { writeCloudsYaml } from './clouds-yaml.ts';
import { type LauncherError, missingPackages } from './launcher-error.ts';
import { adminToken, seedAuditor } from './keystone-seed.ts';
import { keystoneUrl, missingKeystoneParts, startKeystoneService } from './keystone-service.ts';
import { stopProcessGroups } from './processes.ts';
import type { RunningStack } from './running-stack.ts';
import { ensurePortsFree } from './stack-layout.ts';

/** Where and how to start a keystone-only stack. */
export interface KeystoneStackOptions {
  /** An empty folder for it. */
  readonly dir: string;
  readonly port: number;
  /** `[DEFAULT] list_limit`; unset means complete lists. */
  readonly listLimit?: number;
}

/**
 * Starts Keystone alone (gunicorn, sqlite) and seeds it: `admin`/`secret` (admin on project
 * `admin` and on the system, by bootstrap), region RegionOne, and `auditor` (reader on project
 * `admin`); writes DIR/clouds.yaml. About 5 s.
 */
export function startKeystoneStack(options: KeystoneStackOptions): ResultAsync<RunningStack, LauncherError> {
  const missing = missingKeystoneParts();
  if (missing.length > 0) return errAsync(missingPackages('keystone', missing));
  const started = Date.now();
  const authUrl = keystoneUrl(options.port);
  return ensurePortsFree([options.port], 'keystone')
    .andThen(() => writeCloudsYaml(options.dir, authUrl))
    .andThen((cloudsYaml) =>
      startKeystoneService(options).andThen((proc) => {
        const stack: RunningStack = {
          kind: 'keystone',
          dir: options.dir,
          authUrl,
          cloudsYaml,
          ports: { keystone: options.port },
          processes: [proc],
          ...(options.listLimit === undefined ? {} : { listLimit: options.listLimit }),
          startSeconds: 0,
        };
        return adminToken(authUrl)
          .andThen((admin) => seedAuditor(authUrl, admin.token))
          .map(() => ({ ...stack, startSeconds: (Date.now() - started) / 1000 }))
          .orElse((e) => ResultAsync.fromSafePromise(stopProcessGroups([proc])).andThen(() => errAsync(e)));
      }),
    );
}
