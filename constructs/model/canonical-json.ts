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
    if (piece.length >= CHUNK / 2) {
      // A run of array items (see writeArray), made flat by JSON.stringify: written as it is,
      // since appending it to `pending` would make a copy of ~40 KB of text to write it.
      if (pending !== '') write(pending);
      pending = '';
      write(piece);
      return;
    }
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
  if (Array.isArray(value)) return writeArray(value, write, step, line);
  const inner = step === '' ? '' : `${line}${step}`;
  const close = step === '' ? '' : line;
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

/**
 * Writes an array. Its items already in canonical form (see `canonicalBudget`), such as
 * resource records, whose keys are built in sorted order, are written by `JSON.stringify` a
 * run at a time: the same text, made natively, in a third of the time of the walk. Other items
 * are walked.
 */
function writeArray(items: readonly unknown[], write: (chunk: string) => void, step: string, line: string): void {
  if (items.length === 0) return write('[]');
  const inner = step === '' ? '' : `${line}${step}`;
  const native = step.length <= MAX_NATIVE_STEP;
  write('[');
  for (let i = 0; i < items.length; ) {
    let end = i;
    for (let budget = RUN_VALUES; native && end < items.length; end++) {
      budget = canonicalBudget(items[end], budget);
      if (budget < 0) break;
    }
    if (end > i) {
      if (i > 0) write(',');
      write(stringifiedRun(items, i, end, step, line));
      i = end;
      continue;
    }
    write(i > 0 ? `,${inner}` : inner);
    writeValue(items[i], write, step, inner);
    i++;
  }
  write(`${step === '' ? '' : line}]`);
}

/** Values a run of items may hold: a run is one string, about 50 bytes a value. */
const RUN_VALUES = 1024;
/** `JSON.stringify` indents by at most 10 characters a level. */
const MAX_NATIVE_STEP = 10;

/**
 * `budget` less the values `v` holds, or -1 when that is more than `budget` or when
 * `JSON.stringify` would not write `v`'s canonical text: a value whose objects are plain
 * (no class instance, no `toJSON`) and enumerate their keys in code-unit order, with no member
 * `JSON.stringify` drops but canonical JSON writes (a function or a symbol, written `null`).
 * Keys that look like numbers are enumerated first, so an object holding one among other keys
 * fails the order check unless it sorts first anyway.
 */
function canonicalBudget(v: unknown, budget: number): number {
  if (--budget < 0) return -1;
  if (v === null || typeof v !== 'object') return budget;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) return -1;
    for (let i = 0; i < v.length && budget >= 0; i++) budget = canonicalBudget(v[i], budget);
    return budget;
  }
  if (proto !== Object.prototype && proto !== null) return -1;
  let previous: string | undefined;
  for (const k in v) {
    if (previous !== undefined && !(previous < k)) return -1;
    previous = k;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'function' || typeof x === 'symbol') return -1;
    budget = canonicalBudget(x, budget);
    if (budget < 0) return -1;
  }
  return budget;
}

/**
 * Items `from` to `to` (exclusive) as `JSON.stringify` writes them, each after its line break
 * and indentation as `writeArray` would write it (`line` and `step`), joined by commas. Nested
 * in as many arrays as `line` is deep, `JSON.stringify` indents them as they stand here; the
 * wrapping arrays' brackets and line breaks are cut off again.
 */
function stringifiedRun(items: readonly unknown[], from: number, to: number, step: string, line: string): string {
  const run = from === 0 && to === items.length ? items : items.slice(from, to);
  if (step === '') return JSON.stringify(run).slice(1, -1);
  const depth = (line.length - 1) / step.length;
  let wrapped: unknown = run;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, step);
  // Before the first item: `[` and, per wrapping level k (1..depth), `\n`, k steps, `[`. After the
  // last: per level k (depth..0), `\n`, k steps, `]`.
  const steps = (step.length * depth * (depth + 1)) / 2;
  return text.slice(1 + 2 * depth + steps, text.length - (2 * (depth + 1) + steps));
}
