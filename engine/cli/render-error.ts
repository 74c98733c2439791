import { indentedCanonicalJson, printable, renderConfigError, type ConfigError, type ConfigProblem } from '../../constructs/index.ts';
import { EXIT, type CliIO } from './io.ts';

/**
 * Any error a command ends with: a member of one of keyform's `{ kind }` unions (config,
 * OpenStack, snapshot, lock, plan file, apply, metering, …). Every one carries a message that
 * says how to fix the problem; the other fields are plain data.
 */
export interface CommandError {
  readonly kind: string;
  readonly message: string;
}

/** How a command shows a failure: for people (`text`, on stderr) or for scripts (`json`, on stdout). */
export type ErrorFormat = 'text' | 'json';

/**
 * A failure as JSON, for scripts: `error` is the error's own data (`kind`, `message` and its
 * other fields, e.g. `status` and `requestId` of an HTTP answer, `platform` and `known` of an
 * unknown platform); `problems` lists a configuration's problems (file, line, column, path,
 * message, hint), as `keyform validate --format json` always has.
 *
 * | error                | `error` holds                                   | `problems`  |
 * |----------------------|-------------------------------------------------|-------------|
 * | `config-error`       | `kind`, `message` (a one-line summary)          | every one   |
 * | any other kind       | `kind`, `message` and the kind's other fields   | absent      |
 */
export interface ErrorDocument {
  readonly error: CommandError & Readonly<Record<string, unknown>>;
  readonly problems?: readonly ConfigProblem[];
}

/**
 * The JSON document of `e` (see `ErrorDocument`).
 * @example errorDocument(unknownPlatform('p3', ['p1'], '…')) // { error: { kind: 'unknown-platform', platform: 'p3', known: ['p1'], message: '…' } }
 */
export function errorDocument(e: CommandError): ErrorDocument {
  const { problems, ...error } = e as CommandError & { readonly problems?: readonly ConfigProblem[] };
  return problems === undefined ? { error } : { error, problems };
}

/**
 * `e` for a terminal: a configuration's problems one `file:line:col: message (hint)` line
 * each; any other error as `keyform COMMAND: message`, terminal controls escaped.
 * @example renderErrorText('plan', { kind: 'invalid-option', message: 'x is not an address' }) // 'keyform plan: x is not an address\n'
 */
export function renderErrorText(command: string, e: CommandError): string {
  if (isConfigError(e)) return renderConfigError(e);
  return `keyform ${command}: ${printable(e.message, { keepNewlines: true })}\n`;
}

/**
 * Ends `command` with `e`, the one way every command does: exit code 1, and the error as text
 * on stderr, or with `format` `json` as an `ErrorDocument` on stdout in place of the rendering
 * the command was asked for (so a script that reads stdout always gets JSON). Commands whose
 * only format is JSON (synth, snapshot) pass `text`: their stdout holds their document or nothing.
 */
export function failCommand(io: CliIO, state: { exitCode: number }, command: string, e: CommandError, format: ErrorFormat = 'text'): void {
  if (format === 'json') io.stdout(`${indentedCanonicalJson(errorDocument(e))}\n`);
  else io.stderr(renderErrorText(command, e));
  state.exitCode = EXIT.error;
}

function isConfigError(e: CommandError): e is ConfigError {
  return e.kind === 'config-error' && Array.isArray((e as { problems?: unknown }).problems);
}
