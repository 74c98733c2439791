import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, digestOf, sha256Of } from '../../plans/index.ts';

describe('canonicalJson', () => {
  it.each([
    ['sorts keys at every level', { b: 1, a: { d: [true, null], c: 'x' } }, '{"a":{"c":"x","d":[true,null]},"b":1}'],
    ['leaves out undefined members and writes undefined in arrays as null', { a: undefined, b: [undefined] }, '{"b":[null]}'],
    ['sorts by code unit, not by locale', { b: 0, B: 0, a: 0 }, '{"B":0,"a":0,"b":0}'],
  ])('%s', (_name, value, expected) => {
    // GIVEN / WHEN / THEN
    expect(canonicalJson(value)).toBe(expected);
  });

  it('is JSON that parses back to the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // GIVEN any JSON value WHEN serialized canonically THEN it parses back to an equal value
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });
});

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
