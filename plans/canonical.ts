import { createHash } from 'node:crypto';
import { writeCanonicalJson } from '../constructs/model/index.ts';

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
  writeCanonicalJson(value, (chunk) => {
    for (const s of sinks) s.update(chunk);
  });
}

/** `sha256:HEX` of a text; `sha256Of(canonicalJson(v)) === digestOf(v)` (`canonicalJson` of constructs/model). */
export function sha256Of(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
