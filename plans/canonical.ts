import { createHash } from 'node:crypto';
import { writeCanonicalJson } from '../constructs/model/index.ts';

/**
 * `sha256:HEX` of the canonical serialization of `value`, streamed into the hash in chunks so
 * that a snapshot of a hundred thousand tenants is never held as one string.
 */
export function digestOf(value: unknown): string {
  const hash = createHash('sha256');
  let buffer = '';
  writeCanonicalJson(value, (chunk) => {
    buffer += chunk;
    if (buffer.length >= 1 << 16) {
      hash.update(buffer);
      buffer = '';
    }
  });
  hash.update(buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** `sha256:HEX` of a text; `sha256Of(canonicalJson(v)) === digestOf(v)` (`canonicalJson` of constructs/model). */
export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
