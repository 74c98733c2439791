import { createHash } from 'node:crypto';

/**
 * A canonical JSON serialization: object keys sorted by code unit, no whitespace, `undefined`
 * members left out (as `JSON.stringify` does). Two values that are equal as JSON data have the
 * same canonical text, whatever their key order, so digests and checksums over it only move
 * when the data does.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  writeCanonical(value, (chunk) => (out += chunk));
  return out;
}

/**
 * `sha256:HEX` of the canonical serialization of `value`, streamed into the hash in chunks so
 * that a snapshot of a hundred thousand tenants is never held as one string.
 */
export function digestOf(value: unknown): string {
  const hash = createHash('sha256');
  hashCanonical(value, [hash]);
  return `sha256:${hash.digest('hex')}`;
}

/** Anything fed text in chunks: a `Hash` or an `Hmac` of node:crypto. */
export interface ChunkSink {
  update(chunk: string): unknown;
}

/**
 * Feeds the canonical serialization of `value` to every sink, in one pass and in chunks of
 * about 64 KiB: a checksum and a signature of one plan without serializing it twice.
 * @example const h = createHash('sha256'); hashCanonical(plan, [h]); h.digest('hex')
 */
export function hashCanonical(value: unknown, sinks: readonly ChunkSink[]): void {
  let buffer = '';
  writeCanonical(value, (chunk) => {
    buffer += chunk;
    if (buffer.length >= 1 << 16) {
      for (const s of sinks) s.update(buffer);
      buffer = '';
    }
  });
  for (const s of sinks) s.update(buffer);
}

/** `sha256:HEX` of a text; `sha256Of(canonicalJson(v)) === digestOf(v)`. */
export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

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

function writeCanonical(value: unknown, write: (chunk: string) => void): void {
  if (value === null || typeof value !== 'object') {
    write(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) write(',');
      writeCanonical(value[i] === undefined ? null : value[i], write);
    }
    write(']');
    return;
  }
  const record = value as Readonly<Record<string, unknown>>;
  // The default sort compares UTF-16 code units: the locale-independent order canonical JSON needs.
  const keys = Object.keys(record).sort();
  let first = true;
  write('{');
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    write(first ? `${quoted(k)}:` : `,${quoted(k)}:`);
    first = false;
    writeCanonical(v, write);
  }
  write('}');
}
