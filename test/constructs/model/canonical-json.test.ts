import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, canonicalJsonChunks, indentedCanonicalJson, jsonChunks } from '../../../constructs/model/index.ts';

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

/** Canonical JSON as the definition says, walked value by value: what the writer must match. */
function reference(value: unknown, step = '', line = '\n'): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = step === '' ? '' : `${line}${step}`;
  const close = step === '' ? '' : line;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => `${inner}${reference(v === undefined ? null : v, step, inner)}`).join(',')}${close}]`;
  }
  const members = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${inner}${JSON.stringify(k)}:${step === '' ? '' : ' '}${reference((value as Record<string, unknown>)[k], step, inner)}`);
  return members.length === 0 ? '{}' : `{${members.join(',')}${close}}`;
}

/** `v` rebuilt with every object's keys inserted in code-unit order, as resource records are built. */
function keysInOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keysInOrder);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, keysInOrder((v as Record<string, unknown>)[k])]));
}

describe('the writer', () => {
  it('writes any JSON value, compact and indented, as the definition does, whatever order its keys were built in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 1, 2, 4), (v, indent) => {
        // GIVEN any JSON value, once as generated and once with its keys built in order
        const step = ' '.repeat(indent);
        // WHEN written THEN both are the definition's text
        for (const x of [v, keysInOrder(v), [[{ x: keysInOrder(v) }]]]) {
          expect(indent === 0 ? canonicalJson(x) : indentedCanonicalJson(x, indent)).toBe(reference(x, step));
        }
      }),
    );
  });

  it('writes a long array of records built in order, deep in a document, as the definition does', () => {
    // GIVEN 5,000 records whose keys are built in order (more than one run of JSON.stringify), three levels deep
    const records = Array.from({ length: 5_000 }, (_, i) => ({ address: `r["${i}"]`, attrs: i % 3 === 0 ? {} : { name: `n\u00e9${i}`, tags: [`t${i}`, 'x'] }, key: { id: i }, kind: i % 2 ? 'a' : 'b' }));
    const doc = { z: 1, platforms: [{ platform: 'p', resources: records }] };
    // WHEN written compact and indented THEN the text is the definition's
    expect(canonicalJson(doc)).toBe(reference(doc));
    expect(indentedCanonicalJson(doc, 2)).toBe(reference(doc, '  '));
    expect(indentedCanonicalJson(doc, 12)).toBe(reference(doc, ' '.repeat(12)));
  });

  it.each([
    ['a member toJSON is data, not a conversion', [{ b: 1, toJSON: () => 'x' }], '[{"b":1,"toJSON":null}]'],
    ['a class instance is its own members, its toJSON is not called', [new (class P { a = 1; toJSON() { return 'x'; } })()], '[{"a":1}]'],
    ['a Date has no members', [new Date(0)], '[{}]'],
    ['a boxed string is its characters by index', [new String('ab')], '[{"0":"a","1":"b"}]'],
    ['keys that look like numbers sort by code unit', [{ 10: 'y', 9: 'x' }], '[{"10":"y","9":"x"}]'],
    ['a symbol member is null', [{ a: Symbol('s') }], '[{"a":null}]'],
  ])('keeps to the definition where JSON.stringify differs: %s', (_name, value, expected) => {
    // GIVEN / WHEN / THEN
    expect(canonicalJson(value)).toBe(expected);
    expect(reference(value)).toBe(expected);
  });
});

/** A document of `n` records of a dozen short values, keys built in order but for every tenth (walked). */
function records(n: number): unknown {
  const rs = Array.from({ length: n }, (_, i) => (i % 10 === 0
    ? { kind: 'b', address: `r["${i}"]`, attrs: { tags: [`t${i}`, 'x'], name: `n\u00e9${i}` } }
    : { address: `r["${i}"]`, attrs: { name: `n${i}`, tags: ['x'] }, key: { id: i }, kind: 'a' }));
  return { z: [[], {}], platforms: [{ platform: 'p', resources: rs }] };
}

describe('the writer in chunks', () => {
  it.each([0, 2])('hands out the same text in chunks no longer than about the chunk size (indent %d)', (indent) => {
    // GIVEN a document a hundred times longer than the chunk size
    const doc = records(2_000);
    const whole = indent === 0 ? canonicalJson(doc) : indentedCanonicalJson(doc, indent);
    expect(whole.length).toBeGreaterThan(100 * 512);
    // WHEN written in chunks of 512
    const chunks = [...canonicalJsonChunks(doc, { indent, chunkSize: 512 })];
    // THEN they join into the same text, and none is more than 1.5 chunks (a piece added to an almost full chunk)
    expect(chunks.join('')).toBe(whole);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(768);
  });

  it('hands out any JSON value canonically in chunks, whatever the chunk size', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 64 }), fc.constantFrom(0, 2), (v, chunkSize, indent) => {
        // GIVEN any JSON value WHEN written in small chunks THEN they join into the canonical text
        expect([...canonicalJsonChunks(v, { indent, chunkSize })].join('')).toBe(reference(v, ' '.repeat(indent)));
      }),
    );
  });

  it('makes each chunk only when asked for it, so a reader that waits holds the writer back', () => {
    // GIVEN a long document
    const doc = records(2_000);
    // WHEN the first two chunks of 512 are taken
    const it = canonicalJsonChunks(doc, { chunkSize: 512 });
    const first = [it.next().value, it.next().value].join('');
    // THEN they are the start of the text, and nothing more was made
    expect(canonicalJson(doc).startsWith(first)).toBe(true);
    expect(first.length).toBeLessThanOrEqual(2 * 768);
  });

  it('writes a value nested deeper than the call stack', () => {
    // GIVEN an array nested 20,000 levels deep (two frames a level would overflow a recursive writer)
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    // WHEN written THEN it is the brackets, without a stack overflow
    expect(canonicalJson(deep)).toBe(`${'['.repeat(20_001)}${']'.repeat(20_001)}`);
  });
});

describe('jsonChunks', () => {
  it('is JSON.stringify in chunks, keys in the order the objects hold them', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 64 }), fc.constantFrom(0, 2), (v, chunkSize, indent) => {
        // GIVEN any JSON value WHEN written in small chunks THEN they join into JSON.stringify's text
        expect([...jsonChunks(v, { indent, chunkSize })].join('')).toBe(JSON.stringify(v, null, indent));
      }),
    );
    // AND a long document of records is too, in chunks no longer than about the chunk size
    const doc = records(2_000);
    const chunks = [...jsonChunks(doc, { chunkSize: 512 })];
    expect(chunks.join('')).toBe(JSON.stringify(doc));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(768);
  });
});
