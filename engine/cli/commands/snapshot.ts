import { Option } from 'commander';
import { ResultAsync, errAsync, type Result } from 'neverthrow';
import { canonicalJsonChunks, unknownPlatform, type ConfigError, type UnknownPlatform, type DesiredState, type PlatformSettings } from '../../../constructs/index.ts';
import type { OpenStackError } from '../../openstack/index.ts';
import { openPlatformSessions, snapshot, type SnapshotError, type SnapshotResult } from '../../snapshot/index.ts';
import { EXIT, writeChunksOut, type CliIO } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';
import { parseParallelism, readParallelismOption } from '../parallelism.ts';
import { snapshotReads } from '../../plan/index.ts';
import type { InvalidOption } from '../../apply/index.ts';

type Failure = ConfigError | OpenStackError | SnapshotError | UnknownPlatform | InvalidOption;

interface SnapshotFlags {
  readonly config: string;
  readonly platform?: string;
  /** `--parallelism`: Keystone reads in flight at most. */
  readonly parallelism: string;
}

/** The platform `--platform` names, or the only one; every bound euid of its desired state. */
function choose(platforms: readonly DesiredState[], settings: Readonly<Record<string, PlatformSettings>>, wanted: string | undefined): { settings: PlatformSettings; euids: string[] } | Failure {
  const ids = platforms.map((p) => p.platform);
  const id = wanted ?? (ids.length === 1 ? ids[0] : undefined);
  const chosen = id === undefined ? undefined : settings[id];
  if (!chosen) {
    const why = wanted ? `There is no platform ${JSON.stringify(wanted)}` : ids.length === 0 ? 'The config declares no platform' : 'The config declares several platforms';
    return unknownPlatform(wanted, ids, `${why}. Pass --platform with one of: ${ids.join(', ') || '(none)'}.`);
  }
  const desired = platforms.find((p) => p.platform === chosen.id);
  const euids = [...new Set(desired?.resources.flatMap((r) => (r.kind === 'membership' ? [r.key.euid] : [])) ?? [])].sort();
  return { settings: chosen, euids };
}

function run(io: CliIO, opts: SnapshotFlags): ResultAsync<{ platform: string; result: SnapshotResult }, Failure> {
  const parallelism = parseParallelism(opts.parallelism);
  if (typeof parallelism !== 'number') return errAsync(parallelism);
  return loadDesired(opts.config, io).andThen(({ output }) => {
    const c = choose(output.platforms, output.settings, opts.platform);
    if ('kind' in c) return errAsync<{ platform: string; result: SnapshotResult }, Failure>(c);
    return openPlatformSessions(c.settings, { env: io.env, cwd: io.cwd, maxConnections: parallelism }).andThen((ss) => {
      const read = async (): Promise<Result<SnapshotResult, SnapshotError>> => {
        const limits = ss.limitsSession ? { limitsSession: ss.limitsSession } : {};
        const r = await snapshot(ss.session, c.settings, { euids: c.euids, ...snapshotReads(parallelism), ...limits });
        ss.close();
        return r;
      };
      return new ResultAsync(read()).map((result) => ({ platform: c.settings.id, result }));
    });
  });
}

/**
 * `keyform snapshot [--config PATH] [--platform ID] [--format json] [--parallelism N]`: reads
 * (at most N reads in flight, default 8) what the platform
 * looks like in Keystone now (its own objects, look-alikes it does not own, and the users,
 * roles and domains a plan resolves) and prints it as canonical JSON on stdout; the number of
 * API calls and the time taken go to stderr. Exit 1 on any error, with nothing on stdout.
 */
export const registerSnapshot: RegisterCommand = (program, io, state) => {
  program
    .command('snapshot')
    .description("Print the platform's live state in Keystone (managed objects, unmanaged look-alikes, users, roles, domains) as JSON.")
    .option('--config <path>', 'config file or folder', './keyform')
    .option('--platform <id>', 'the platform to read (needed when the config has several)')
    .addOption(new Option('--format <format>', 'output format').choices(['json']).default('json'))
    .addOption(readParallelismOption())
    .action(async (opts: SnapshotFlags) => {
      const r = await run(io, opts);
      if (r.isErr()) return failCommand(io, state, 'snapshot', r.error);
      const { live, calls, ms } = r.value.result;
      // In chunks as stdout takes them: the live state of 100,000 tenants is longer than V8's longest string.
      await writeChunksOut(io, canonicalJsonChunks(live, { indent: 2 }));
      io.stdout('\n');
      io.stderr(`Snapshot of platform ${r.value.platform}: ${live.resources.length} managed resources, ${live.unmanaged.length} unmanaged objects; ${calls} API calls in ${ms} ms.\n`);
      state.exitCode = EXIT.ok;
    });
};
