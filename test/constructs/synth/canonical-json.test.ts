import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, writeCanonicalJson } from '../../../constructs/index.ts';

/** The obvious definition: copy every object with its keys sorted, then stringify. */
function copiedAndSorted(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
  };
  return JSON.stringify(sort(value), null, 2);
}

describe('canonicalJson', () => {
  it('gives the bytes of a sorted copy, whether or not the keys were already in order', () => {
    // GIVEN any JSON value, and the same value with keys in order at every level
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const ordered = JSON.parse(copiedAndSorted(v)) as unknown;
        // WHEN serialized
        // THEN both give what a sorted copy gives
        expect(canonicalJson(v)).toBe(copiedAndSorted(v));
        expect(canonicalJson(ordered)).toBe(copiedAndSorted(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts an object nested in an object whose own keys are in order', () => {
    // GIVEN keys in order at the top, out of order below the second key
    const v = { a: 1, b: { d: [{ z: 1, y: 2 }], c: 2 }, e: 3 };
    // WHEN serialized
    // THEN every level is sorted and nothing is lost
    expect(JSON.parse(canonicalJson(v, 0))).toEqual(v);
    expect(canonicalJson(v, 0)).toBe('{"a":1,"b":{"c":2,"d":[{"y":2,"z":1}]},"e":3}');
  });

  it('keeps a "__proto__" key as a member when it sorts the keys', () => {
    // GIVEN parsed JSON with an own "__proto__" key, keys out of order
    const v: unknown = JSON.parse('{"b":1,"__proto__":{"y":2,"x":3}}');
    // WHEN serialized
    // THEN the key is written, sorted like any other
    expect(canonicalJson(v, 0)).toBe('{"__proto__":{"x":3,"y":2},"b":1}');
  });

  it('does not change the value it serializes', () => {
    // GIVEN an object with unsorted keys
    const v = { b: 1, a: { d: 1, c: 2 } };
    // WHEN serialized
    canonicalJson(v);
    // THEN its key order is as built
    expect(Object.keys(v)).toEqual(['b', 'a']);
    expect(Object.keys(v.a)).toEqual(['d', 'c']);
  });
});

describe('writeCanonicalJson', () => {
  const written = (v: unknown, depth?: number) => {
    const chunks: string[] = [];
    writeCanonicalJson(v, (c) => chunks.push(c), 2, depth);
    return chunks.join('');
  };

  it('writes the bytes of canonicalJson, at any depth of streaming', () => {
    // GIVEN any JSON value, or any value with undefined members, dates (toJSON) or no prototype
    const anything = fc.anything({ withBoxedValues: false, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false });
    const value = fc.oneof(fc.jsonValue(), anything.filter((v) => v !== undefined));
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 4 }), (v, depth) => {
        // WHEN it is written in chunks, members written one by one down to `depth`
        // THEN the text is canonicalJson's
        expect(written(v, depth)).toBe(canonicalJson(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a large value in chunks, none of them the whole text', () => {
    // GIVEN 5,000 records
    const v = { resources: Array.from({ length: 5000 }, (_, i) => ({ name: `r${i}`, attrs: { b: i, a: [i] } })) };
    const chunks: string[] = [];
    // WHEN written
    writeCanonicalJson(v, (c) => chunks.push(c));
    // THEN it took several chunks, which together are canonicalJson's text
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join('')).toBe(canonicalJson(v));
  });
});
