import { EXIT, type CliIO } from './io.ts';

/**
 * Traps SIGINT and SIGTERM for a long command: the first signal prints `say(signal)` and aborts
 * `abort` (the command stops starting work, finishes what is in flight, releases its locks);
 * with `secondExits`, a second signal ends the process at once. Returns the function that
 * removes the handlers.
 * @example const untrap = trapSignals(io, abort, (sig) => `${sig}: stopping after the current run`); ...; untrap();
 */
export function trapSignals(io: CliIO, abort: AbortController, say: (sig: NodeJS.Signals) => string, opts: { readonly secondExits?: boolean } = {}): () => void {
  const on = (sig: NodeJS.Signals): void => {
    if (abort.signal.aborted && opts.secondExits === true) process.exit(EXIT.error);
    io.stderr(`${say(sig)}\n`);
    abort.abort();
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}
