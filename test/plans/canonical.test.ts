import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../constructs/model/index.ts';
import { digestOf, sha256Of } from '../../plans/index.ts';

describe('digestOf', () => {
  it('equals the sha256 of the canonical text, and ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (v) => {
        // GIVEN a record and the same record with its keys reversed
        const reversed = Object.fromEntries(Object.entries(v).reverse());
        // WHEN digested THEN both digests are the hash of the canonical text
        expect(digestOf(v)).toBe(sha256Of(canonicalJson(v)));
        expect(digestOf(reversed)).toBe(digestOf(v));
      }),
    );
  });

  it('streams large values in chunks to the same digest', () => {
    // GIVEN a value far larger than one chunk
    const big = Array.from({ length: 20_000 }, (_, i) => ({ i, name: `tenant-${i}` }));
    // WHEN digested THEN it matches hashing the whole text
    expect(digestOf(big)).toBe(sha256Of(canonicalJson(big)));
  });
});
