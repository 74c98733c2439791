import { resolve } from 'node:path';
import type { ResultAsync } from 'neverthrow';
import { synthConfig, type ConfigError, type KeyformApp, type SynthOutput } from '../../constructs/index.ts';
import type { CliIO } from './io.ts';
import { cloudsOf, type CloudResolver } from '../openstack/index.ts';

/** Where commands look for the config when `--config` is not given. */
export const DEFAULT_CONFIG_PATH = './keyform';

/** A loaded, synthesized config: what every command that needs desired state starts from. */
export interface DesiredConfig {
  /** The config path as used (relative to the process's working directory). */
  readonly path: string;
  /** The files read, sorted. */
  readonly files: readonly string[];
  readonly app: KeyformApp;
  /** Per platform: desired state, settings, metering. */
  readonly output: SynthOutput;
}

/**
 * The config path of `--config` (a file or folder). Kept as the user spelled it when the CLI
 * runs in the process's own directory, so problems name files the way the user does;
 * resolved against the CLI's directory otherwise (tests run the CLI in-process).
 * @default './keyform'
 */
export function configPath(option: string | undefined, io: CliIO): string {
  const path = option ?? DEFAULT_CONFIG_PATH;
  return resolve(io.cwd) === process.cwd() ? path : resolve(io.cwd, path);
}

/**
 * Loads `--config` and synthesizes it; fails with every problem of the config. A
 * keyform.config.ts gets KEYFORM_CONFIG_TIMEOUT seconds (default 60) to build its constructs.
 * @example await loadDesired(opts.config, io) // ok({ output: { platforms, settings, metering }, ... })
 */
export function loadDesired(option: string | undefined, io: CliIO): ResultAsync<DesiredConfig, ConfigError> {
  const path = configPath(option, io);
  const timeout = Number(io.env.KEYFORM_CONFIG_TIMEOUT);
  const opts = { ...(Number.isFinite(timeout) && timeout > 0 ? { programTimeoutMs: timeout * 1000 } : {}), keystoneOf: keystoneOfCloud(io) };
  return synthConfig(path, opts).map(({ app, files, output }) => ({ path, files, app, output }));
}

/**
 * The Keystone a clouds.yaml entry reaches, as its auth_url (scheme, host, port, path): two
 * entries with one auth_url are one Keystone, whose names their platforms share. An entry that
 * cannot be read stands for itself (the commands that connect report why).
 */
function keystoneOfCloud(io: CliIO): (cloud: string) => string {
  const known = new Map<string, string>();
  let clouds: CloudResolver | undefined;
  return (cloud) => {
    let at = known.get(cloud);
    if (at === undefined) {
      const self = `cloud ${JSON.stringify(cloud)}`;
      // The files are read once, on the first entry asked for, however many platforms there are.
      clouds ??= cloudsOf({ env: io.env, cwd: io.cwd });
      at = clouds(cloud).map((c) => {
        const u = new URL(c.authUrl);
        return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
      }).unwrapOr(self);
      known.set(cloud, at);
    }
    return at;
  };
}
