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
 *
 * The writer hands its text out in chunks (`canonicalJsonChunks`), one at a time as the
 * reader asks for them: a plan of a hundred thousand tenants is ~740 MB of text, more than
 * V8's longest string, and a slow reader (a pipe) must be able to hold the writer back.
 */

/**
 * The compact canonical text of `value`.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  for (const chunk of canonicalJsonChunks(value)) out += chunk;
  return out;
}

/**
 * The canonical text of `value`, indented by `indent` spaces per level, laid out as
 * `JSON.stringify(value, null, indent)` lays it out.
 * @example indentedCanonicalJson({ b: 1, a: [2] }) // '{\n  "a": [\n    2\n  ],\n  "b": 1\n}'
 */
export function indentedCanonicalJson(value: unknown, indent = 2): string {
  let out = '';
  for (const chunk of canonicalJsonChunks(value, { indent })) out += chunk;
  return out;
}

/**
 * Writes the canonical text of `value` in chunks of about 64 KiB, so that a plan or snapshot
 * of a hundred thousand tenants can be hashed or printed without being held as one string.
 * `indent` 0 is compact.
 */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void, indent = 0): void {
  for (const chunk of canonicalJsonChunks(value, { indent })) write(chunk);
}

/** How a JSON text is cut into chunks. */
export interface ChunkOptions {
  /** Spaces per level; 0 is compact. @default 0 */
  readonly indent?: number;
  /**
   * About how long a chunk is, in UTF-16 code units. A chunk is longer only when one scalar
   * (a long string) is: the text of a value is never held whole. @default 65536
   */
  readonly chunkSize?: number;
}

/**
 * The canonical text of `value` as a sequence of chunks whose concatenation is
 * `canonicalJson(value)` (or `indentedCanonicalJson(value, indent)`): each chunk is made
 * when the reader asks for it, so a reader that waits (for a pipe to drain) holds the writer.
 * @example for (const chunk of canonicalJsonChunks(plan)) hash.update(chunk)
 */
export function canonicalJsonChunks(value: unknown, options: ChunkOptions = {}): Generator<string, void, undefined> {
  return chunks(value, true, options);
}

/**
 * `JSON.stringify(value, null, indent)` as a sequence of chunks (keys in the order the
 * objects hold them), for a document too long to be one string, such as Terraform's JSON
 * plan of a hundred thousand tenants. `value` is plain JSON data: no `toJSON`, no functions.
 * @example for (const chunk of jsonChunks(doc)) out.write(chunk)
 */
export function jsonChunks(value: unknown, options: ChunkOptions = {}): Generator<string, void, undefined> {
  return chunks(value, false, options);
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

/**
 * An array or object being written: its items (or keys) and the next one to write. `line` is
 * the line break and indentation the container starts at, `inner` its items' (both unused
 * when compact).
 */
type Frame =
  | { readonly items: readonly unknown[]; i: number; readonly line: string; readonly inner: string }
  | { readonly items?: undefined; readonly record: Readonly<Record<string, unknown>>; readonly keys: readonly string[]; i: number; first: boolean; readonly line: string; readonly inner: string };

/**
 * The walk behind both writers, with a stack of its own instead of recursion, so that it can
 * stop after any chunk (a generator) and a value nested deeper than the call stack is written
 * anyway. `sorted`: keys in code-unit order (canonical) or in the objects' own order.
 */
function* chunks(value: unknown, sorted: boolean, options: ChunkOptions): Generator<string, void, undefined> {
  const chunkSize = Math.max(1, options.chunkSize ?? CHUNK);
  const step = ' '.repeat(options.indent ?? 0);
  const compact = step === '';
  const colon = compact ? ':' : ': ';
  const native = step.length <= MAX_NATIVE_STEP;
  // A run's text is about 50 bytes a value: a run stays under half a chunk.
  const runValues = Math.max(1, Math.min(RUN_VALUES, Math.floor(chunkSize / 64)));
  const ready: string[] = [];
  let pending = '';
  const emit = (piece: string): void => {
    if (piece.length >= chunkSize / 2) {
      // A run of array items (see below), made flat by JSON.stringify: handed out as it is,
      // since appending it to `pending` would make a copy of ~40 KB of text to hand it out.
      if (pending !== '') ready.push(pending);
      pending = '';
      ready.push(piece);
      return;
    }
    pending += piece;
    if (pending.length >= chunkSize) {
      ready.push(pending);
      pending = '';
    }
  };
  const stack: Frame[] = [];
  /** Writes a scalar, or opens a container and pushes its frame. */
  const open = (v: unknown, line: string): void => {
    if (v === null || typeof v !== 'object') return emit(JSON.stringify(v) ?? 'null');
    const inner = compact ? '' : `${line}${step}`;
    if (Array.isArray(v)) {
      if (v.length === 0) return emit('[]');
      emit('[');
      stack.push({ items: v, i: 0, line, inner });
      return;
    }
    const record = v as Readonly<Record<string, unknown>>;
    // The default sort compares UTF-16 code units: the locale-independent order canonical JSON needs.
    const keys = sorted ? Object.keys(record).sort() : Object.keys(record);
    emit('{');
    stack.push({ record, keys, i: 0, first: true, line, inner });
  };
  open(value, '\n');
  for (;;) {
    if (ready.length > 0) {
      yield* ready;
      ready.length = 0;
    }
    const f = stack[stack.length - 1];
    if (f === undefined) break;
    if (f.items !== undefined) writeArrayItems(f);
    else writeMember(f);
  }
  if (pending !== '') yield pending;

  /**
   * The next items of an array. Items already in the order the writer wants (see
   * `nativeBudget`), such as resource records, whose keys are built in sorted order, are
   * written by `JSON.stringify` a run at a time: the same text, made natively, in a third of
   * the time of the walk. Other items are walked.
   */
  function writeArrayItems(f: Frame & { readonly items: readonly unknown[] }): void {
    const { items, i } = f;
    if (i >= items.length) {
      emit(`${compact ? '' : f.line}]`);
      stack.pop();
      return;
    }
    let end = i;
    for (let budget = runValues; native && end < items.length; end++) {
      budget = nativeBudget(items[end], budget, sorted);
      if (budget < 0) break;
    }
    if (end > i) {
      if (i > 0) emit(',');
      emit(stringifiedRun(items, i, end, step, f.line));
      f.i = end;
      return;
    }
    emit(i > 0 ? `,${f.inner}` : f.inner);
    f.i = i + 1;
    open(items[i], f.inner);
  }

  /** The next member of an object that is not `undefined`, or its closing brace. */
  function writeMember(f: Frame & { readonly items?: undefined }): void {
    const { record, keys } = f;
    while (f.i < keys.length && record[keys[f.i]!] === undefined) f.i++;
    if (f.i >= keys.length) {
      emit(f.first ? '}' : `${compact ? '' : f.line}}`);
      stack.pop();
      return;
    }
    const k = keys[f.i++]!;
    emit(`${f.first ? '' : ','}${f.inner}${quoted(k)}${colon}`);
    f.first = false;
    open(record[k], f.inner);
  }
}

/** Values a run of items may hold at most: a run is one string, about 50 bytes a value. */
const RUN_VALUES = 1024;
/** `JSON.stringify` indents by at most 10 characters a level. */
const MAX_NATIVE_STEP = 10;

/**
 * `budget` less the values `v` holds, or -1 when that is more than `budget` or when
 * `JSON.stringify` would not write the text the walk writes: a value whose objects are plain
 * (no class instance, no `toJSON`), with `sorted`, enumerate their keys in code-unit order,
 * and hold no member `JSON.stringify` drops but the walk writes (a function or a symbol,
 * written `null`). Keys that look like numbers are enumerated first, so an object holding one
 * among other keys fails the order check unless it sorts first anyway.
 */
function nativeBudget(v: unknown, budget: number, sorted: boolean): number {
  if (--budget < 0) return -1;
  if (v === null || typeof v !== 'object') return budget;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) return -1;
    for (let i = 0; i < v.length && budget >= 0; i++) budget = nativeBudget(v[i], budget, sorted);
    return budget;
  }
  if (proto !== Object.prototype && proto !== null) return -1;
  let previous: string | undefined;
  for (const k in v) {
    if (sorted && previous !== undefined && !(previous < k)) return -1;
    previous = k;
    const x = (v as Record<string, unknown>)[k];
    if (typeof x === 'function' || typeof x === 'symbol') return -1;
    budget = nativeBudget(x, budget, sorted);
    if (budget < 0) return -1;
  }
  return budget;
}

/**
 * Items `from` to `to` (exclusive) as `JSON.stringify` writes them, each after its line break
 * and indentation as the walk would write it (`line` and `step`), joined by commas. Nested
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
