/**
 * JSON with object keys sorted at every level: the same data gives the same bytes, whatever
 * order it was built in. Arrays keep their order (callers sort what must be sorted).
 * Objects whose keys are already in order are serialized as they are, not copied: synth's
 * records are built that way, so a desired state of 100,000 resources is not doubled in
 * memory to print it.
 * @example canonicalJson({ b: 1, a: [2, 1] }) // '{\n  "a": [\n    2,\n    1\n  ],\n  "b": 1\n}'
 */
export function canonicalJson(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** `value` with every object's keys sorted; the same object where nothing had to move. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = sortKeys(v);
      if (s !== v) (out ??= [...value])[i] = s;
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
  if (!inOrder) keys.sort();
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]!];
    const s = sortKeys(v);
    if (out === undefined && (!inOrder || s !== v)) {
      // No prototype: a `__proto__` key is then a plain member, as in the value.
      out = Object.create(null) as Record<string, unknown>;
      // The keys before i were in order and unchanged.
      for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
    }
    if (out !== undefined) out[keys[i]!] = s;
  }
  return out ?? obj;
}

/**
 * Writes the bytes of `canonicalJson(value, indent)` through `write` in chunks of about
 * 64 KB, never holding the whole text: arrays and objects down to `depth` levels are written
 * member by member, deeper values as one `JSON.stringify` each. A desired state of 100,000
 * resources is ~50 MB of text; as one string (and one Buffer to write it) it would double
 * the peak memory of `keyform synth`.
 * @example writeCanonicalJson({ b: [1], a: 2 }, (s) => process.stdout.write(s))
 */
export function writeCanonicalJson(value: unknown, write: (chunk: string) => void, indent = 2, depth = 3): void {
  let pending = '';
  const out = (s: string) => {
    pending += s;
    if (pending.length >= CHUNK) {
      write(pending);
      pending = '';
    }
  };
  writeValue(sortKeys(value), out, ' '.repeat(indent), '', depth);
  if (pending) write(pending);
}

const CHUNK = 1 << 16;

function writeValue(v: unknown, out: (s: string) => void, step: string, pad: string, depth: number): void {
  const members = depth > 0 ? membersOf(v) : undefined;
  if (!members) {
    out(JSON.stringify(v, null, step.length).replaceAll('\n', `\n${pad}`));
    return;
  }
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  const inner = pad + step;
  out(`${open}\n`);
  members.forEach(([key, x], i) => {
    out(key === undefined ? inner : `${inner}${JSON.stringify(key)}: `);
    writeValue(x, out, step, inner, depth - 1);
    out(i < members.length - 1 ? ',\n' : '\n');
  });
  out(`${pad}${close}`);
}

/**
 * The members JSON.stringify would write, in its order (keys are already sorted), or
 * undefined for a value to write whole: a scalar, an empty array or object, or one with `toJSON`.
 */
function membersOf(v: unknown): [string | undefined, unknown][] | undefined {
  if (v === null || typeof v !== 'object' || typeof (v as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const members: [string | undefined, unknown][] = Array.isArray(v)
    ? v.map((x: unknown) => [undefined, omitted(x) ? null : x])
    : Object.keys(v).flatMap((k) => (omitted((v as Record<string, unknown>)[k]) ? [] : [[k, (v as Record<string, unknown>)[k]]]));
  return members.length > 0 ? members : undefined;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(x: unknown): boolean {
  return x === undefined || typeof x === 'function' || typeof x === 'symbol';
}
