import { Result, err } from 'neverthrow';
import { createRequire } from 'node:module';
import type { Document, Node } from 'yaml';
import { configInvalid, type OpenStackError } from './errors.ts';
import { rememberSecret } from './redact.ts';

// yaml is required when a clouds.yaml is read, not imported: ~40 ms of the CLI's start otherwise.
const require = createRequire(import.meta.url);
const yaml = (): typeof import('yaml') => require('yaml') as typeof import('yaml');

/** Keys whose values are secrets: their text never reaches a message, and they must be plain strings. */
const SECRET_KEYS = new Set(['password', 'application_credential_secret', 'token']);

/** Alias expansion past this many nodes is refused (an "alias bomb" would exhaust memory). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses a clouds.yaml or secure.yaml (YAML or JSON) into plain data. Every problem is
 * reported by key path and position only, never with the text around it: a password may sit
 * at the very spot YAML trips over, so the yaml library's own messages (which quote source
 * text, aliases and tags) are not shown, and its warnings are silenced. A secret that YAML
 * does not read as a plain string (a number such as `0123`, an alias, a tagged value, an
 * empty value) is refused with a request to quote it, instead of being coerced.
 * @example parseCloudsYaml('clouds.yaml', "clouds:\n  prod:\n    auth: { password: 0123 }\n") // err: quote it
 */
export function parseCloudsYaml(path: string, text: string): Result<unknown, OpenStackError> {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, logLevel: 'silent', prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const p = lines.linePos(offset ?? 0);
    return `line ${p.line}, column ${p.col}`;
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => `${at(e.pos[0])}: ${e.code.toLowerCase().replace(/_/g, ' ')}`);
  problems.push(...nodeProblems(doc, at));
  if (problems.length > 0) return err(invalid(path, problems));
  return Result.fromThrowable(
    () => doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown,
    () => invalid(path, [`its aliases expand to more than ${MAX_ALIAS_COUNT} copies`]),
  )();
}

function invalid(path: string, problems: readonly string[]): OpenStackError {
  const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  return configInvalid(`${path} cannot be read: ${shown}. Fix the file (values are not shown here: they may be secrets).`);
}

/** Unresolved aliases anywhere, and secrets that are not plain strings, by key path and position. */
function nodeProblems(doc: Document, at: (offset: number | undefined) => string): string[] {
  const { visit, isScalar } = yaml();
  const out: string[] = [];
  visit(doc, {
    Alias(_key, node) {
      if (!node.resolve(doc)) out.push(`${at(node.range?.[0])}: an alias whose anchor is not defined before it`);
    },
    Pair(_key, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || !SECRET_KEYS.has(key.replace(/-/g, '_'))) return;
      const keyPath = [...path.flatMap((n) => (n && typeof n === 'object' && 'key' in n && isScalar(n.key) ? [String(n.key.value)] : [])), key].join('.');
      const why = notPlainString(pair.value as Node | null);
      if (!why) rememberSecret(String((pair.value as { value: unknown }).value));
      if (why) out.push(`${at((pair.key as Node).range?.[0])}: ${keyPath} ${why}; quote it (${key}: '…', with any ' inside doubled)`);
    },
  });
  return out;
}

function notPlainString(value: Node | null): string | undefined {
  const { isAlias, isScalar } = yaml();
  if (value === null || (isScalar(value) && value.value === null)) return 'has no value';
  if (isAlias(value)) return 'is a YAML alias (it starts with *), not a string';
  if (value.tag !== undefined && value.tag !== 'tag:yaml.org,2002:str') return 'carries a YAML tag (it starts with !), so it is not read as a string';
  if (!isScalar(value)) return 'is a list or a mapping, not a string';
  if (typeof value.value !== 'string') return `is read by YAML as a ${typeof value.value}, not a string (e.g. 0123 would become 123)`;
  return undefined;
}
