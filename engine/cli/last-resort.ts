import { printable } from '../../constructs/index.ts';
import { redactKnownSecrets } from '../openstack/index.ts';
import { EXIT, type CliIO } from './io.ts';

/** Told the one-line description of an unexpected error before the CLI exits (e.g. to report a run FAILED). */
export type LastResortHook = (line: string) => Promise<void>;

const HOOKS = new Set<LastResortHook>();

/**
 * Registers `hook` for the duration of a command; returns the function that removes it.
 * @example const off = onLastResort(async (line) => reportFailed(line)); try { ... } finally { off(); }
 */
export function onLastResort(hook: LastResortHook): () => void {
  HOOKS.add(hook);
  return () => void HOOKS.delete(hook);
}

/**
 * An unexpected error (a bug: every expected failure is a Result) as one line that carries no
 * secret: its name and the first line of its message, with every secret the process read
 * and any URL's user:password masked, terminal controls escaped, and no stack (a stack's
 * frames may quote source text).
 * @example lastResortLine(new TypeError('x is undefined')) // 'TypeError: x is undefined'
 */
export function lastResortLine(e: unknown): string {
  const name = e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  const first = (message.split('\n')[0] ?? '').slice(0, 300);
  return printable(redactKnownSecrets(`${name}: ${first}`));
}

/**
 * Handles an error nothing else handled: runs the registered hooks once (each bounded by
 * HOOK_WAIT_MS), prints the redacted line and returns exit code 1.
 */
export async function lastResort(e: unknown, io: CliIO): Promise<number> {
  const line = lastResortLine(e);
  for (const hook of [...HOOKS]) {
    HOOKS.delete(hook);
    await Promise.race([hook(line).catch(() => undefined), new Promise((r) => setTimeout(r, HOOK_WAIT_MS).unref())]);
  }
  io.stderr(`keyform: unexpected error: ${line}\nThis is a bug in keyform; please report it with the command you ran.\n`);
  return EXIT.error;
}

const HOOK_WAIT_MS = 10_000;

/**
 * Makes the process's uncaught exceptions and unhandled rejections go through `lastResort`
 * and exit 1, instead of Node's stack trace (which may quote a secret).
 */
export function installLastResort(io: CliIO): void {
  const handle = (e: unknown): void => {
    void lastResort(e, io).then((code) => process.exit(code));
  };
  process.on('uncaughtException', handle);
  process.on('unhandledRejection', handle);
}
