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
  let buffer = '';
  writeCanonical(value, (chunk) => {
    buffer += chunk;
    if (buffer.length >= 1 << 16) {
      hash.update(buffer);
      buffer = '';
    }
  });
  hash.update(buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** `sha256:HEX` of a text; `sha256Of(canonicalJson(v)) === digestOf(v)`. */
export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function writeCanonical(value: unknown, write: (chunk: string) => void): void {
  if (value === null || typeof value !== 'object') {
    write(JSON.stringify(value) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    write('[');
    value.forEach((v, i) => {
      if (i > 0) write(',');
      writeCanonical(v === undefined ? null : v, write);
    });
    write(']');
    return;
  }
  const record = value as Readonly<Record<string, unknown>>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  write('{');
  keys.forEach((k, i) => {
    write(i > 0 ? `,${JSON.stringify(k)}:` : `${JSON.stringify(k)}:`);
    writeCanonical(record[k], write);
  });
  write('}');
}
