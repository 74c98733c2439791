/**
 * Canonical JSON: object keys sorted by UTF-16 code unit at every level (a locale-independent
 * order, also for keys that look like numbers), `undefined` members left out and `undefined`
 * array items written as `null` (as `JSON.stringify` does). Two values that are equal as JSON
 * data have the same canonical text, whatever order they were built in. Arrays keep their
 * order: callers sort what must be sorted.
 *
 * Two layouts of the same text, one writer:
 * - `canonicalJson`: compact, what digests, signatures and plan files are computed over;
 * - `indentedCanonicalJson`: indented, for what people read (command output, exported files).
 */

/**
 * The compact canonical text of `value`.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  writeCanonicalJson(value, (chunk) => (out += chunk));
  return out;
}

/**
 * The canonical text of `value`, indented by `indent` spaces per level, laid out as
 * `JSON.stringify(value, null, indent)` lays it out.
 * @example indentedCanonicalJson({ b: 1, a: [2] }) // '{\n  "a": [\n    2\n  ],\n  "b": 1\n}'
 */
export function indentedCanonicalJson(value: unknown, indent = 2): string {
  let out = '';
  writeCanonicalJson(value, (chunk) => (out += chunk), indent);
  return out;
}

/**
 * Writes the canonical text of `value` in chunks of about 64 KiB, so that a plan or snapshot
 * of a hundred thousand tenants can be hashed or printed without being held as one string.
 * `indent` 0 is compact.
 */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void, indent = 0): void {
  let pending = '';
  writeValue(value, (piece) => {
    pending += piece;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  }, ' '.repeat(indent), '\n');
  if (pending !== '') write(pending);
}

const CHUNK = 1 << 16;

/** Quoted keys: a plan repeats the same few dozen keys a million times. */
const QUOTED = new Map<string, string>();

function quoted(key: string): string {
  let q = QUOTED.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (QUOTED.size < 10_000) QUOTED.set(key, q);
  }
  return q;
}

/** `line` is the line break and indentation `value` starts at; unused when `step` is '' (compact). */
function writeValue(value: unknown, write: (chunk: string) => void, step: string, line: string): void {
  if (value === null || typeof value !== 'object') {
    write(JSON.stringify(value) ?? 'null');
    return;
  }
  const inner = step === '' ? '' : `${line}${step}`;
  const close = step === '' ? '' : line;
  if (Array.isArray(value)) {
    if (value.length === 0) return write('[]');
    write('[');
    for (let i = 0; i < value.length; i++) {
      write(i > 0 ? `,${inner}` : inner);
      writeValue(value[i] === undefined ? null : value[i], write, step, inner);
    }
    write(`${close}]`);
    return;
  }
  const record = value as Readonly<Record<string, unknown>>;
  // The default sort compares UTF-16 code units: the locale-independent order canonical JSON needs.
  const keys = Object.keys(record).sort();
  const colon = step === '' ? ':' : ': ';
  let first = true;
  write('{');
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    write(`${first ? '' : ','}${inner}${quoted(k)}${colon}`);
    first = false;
    writeValue(v, write, step, inner);
  }
  write(first ? '}' : `${close}}`);
}
