import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, indentedCanonicalJson } from '../../../constructs/model/index.ts';

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

/** Whether `v` has an object key JavaScript enumerates before the others (`"0"`, `"42"`). */
const hasIndexKey = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (Array.isArray(v) ? v.some(hasIndexKey) : Object.entries(v).some(([k, x]) => /^(0|[1-9]\d*)$/.test(k) || hasIndexKey(x)));

describe('indentedCanonicalJson', () => {
  it.each([
    ['indents nested objects and arrays as JSON.stringify does', { b: 1, a: [2, { d: 'x', c: null }] }, '{\n  "a": [\n    2,\n    {\n      "c": null,\n      "d": "x"\n    }\n  ],\n  "b": 1\n}'],
    ['writes empty objects and arrays on one line', { a: {}, b: [] }, '{\n  "a": {},\n  "b": []\n}'],
    ['sorts keys that look like numbers by code unit too', { 9: 'x', 10: 'y' }, '{\n  "10": "y",\n  "9": "x"\n}'],
  ])('%s', (_name, value, expected) => {
    // GIVEN / WHEN / THEN
    expect(indentedCanonicalJson(value)).toBe(expected);
  });

  it('is the compact canonical text, laid out as JSON.stringify lays it out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // GIVEN any JSON value without number-like keys (whose order JSON.parse would not keep)
        fc.pre(!hasIndexKey(v));
        // WHEN serialized with indentation THEN it is the compact canonical text, re-indented
        expect(indentedCanonicalJson(v)).toBe(JSON.stringify(JSON.parse(canonicalJson(v)), null, 2));
      }),
    );
  });
});
