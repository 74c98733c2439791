import { unknownPlatform } from '../../../constructs/index.ts';
import { describeHolder, forceUnlock } from '../../lock/index.ts';
import { openPlatformSessions } from '../../snapshot/index.ts';
import { EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { loadDesired } from '../config.ts';
import { failCommand } from '../render-error.ts';

/**
 * `keyform force-unlock PLATFORM LOCK_ID [--config PATH]`, as `terraform force-unlock`:
 * breaks the platform's apply lock when LOCK_ID is its ID (printed by the holder and in
 * every "locked" error), and says whose it was. Without the ID, or with the ID of an older
 * lock, it refuses, saying who holds the lock, since when and whether it is still renewed.
 * For an apply that died (killed, machine gone): what it left, a new plan converges from.
 * Exit 0 also when there was no lock.
 */
export const registerForceUnlock: RegisterCommand = (program, io, state) => {
  program
    .command('force-unlock')
    .description("Break a platform's apply lock (after an apply died), saying who held it.")
    .argument('<platform>', 'the platform id')
    .argument('[lock_id]', 'the ID of the lock to break, as its holder and the "locked" error print it')
    .option('--config <path>', "config file or folder (for the platform's cloud)", './keyform')
    .action(async (platform: string, lockId: string | undefined, opts: { config: string }) => {
      const desired = await loadDesired(opts.config, io);
      if (desired.isErr()) return failCommand(io, state, 'force-unlock', desired.error);
      const settings = desired.value.output.settings[platform];
      if (settings === undefined) {
        const known = Object.keys(desired.value.output.settings);
        return failCommand(io, state, 'force-unlock', unknownPlatform(platform, known, `the configuration declares no platform ${JSON.stringify(platform)}; it declares: ${known.join(', ') || '(none)'}.`));
      }
      const sessions = await openPlatformSessions(settings, { env: io.env, cwd: io.cwd });
      if (sessions.isErr()) return failCommand(io, state, 'force-unlock', sessions.error);
      const r = await forceUnlock(sessions.value.session, { platform, domain: settings.domain }, lockId);
      sessions.value.close();
      if (r.isErr()) return failCommand(io, state, 'force-unlock', r.error);
      io.stderr(r.value === undefined
        ? `Platform ${platform} is not locked: nothing to do.\n`
        : `Broke the apply lock of platform ${platform}, held by ${describeHolder(r.value)} since ${r.value.acquiredAt}. Make a new plan before applying: that apply may have stopped halfway.\n`);
      state.exitCode = EXIT.ok;
    });
};
