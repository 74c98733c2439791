import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ok } from 'neverthrow';
import { parseJsonBytes } from '../../plans/index.ts';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Counts the strings JSON.parse is given while `f` runs, and the longest. */
function parses<T>(f: () => T): { value: T; count: number; longest: number } {
  const original = JSON.parse;
  let count = 0, longest = 0;
  JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    count++;
    longest = Math.max(longest, text.length);
    return original(text, reviver);
  }) as typeof JSON.parse;
  try {
    return { value: f(), count, longest };
  } finally {
    JSON.parse = original;
  }
}

describe('parseJsonBytes', () => {
  it('gives what JSON.parse gives for any JSON text, laid out compact or indented, in pieces of any size', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), fc.integer({ min: 1, max: 64 }), (v, indent, maxPiece) => {
        // GIVEN any JSON text
        const text = JSON.stringify(v, null, indent);
        // WHEN parsed from its bytes in pieces of at most maxPiece bytes
        // THEN the value is JSON.parse's
        expect(parseJsonBytes(bytes(text), { maxPiece })).toEqual(ok(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('parses a long document in pieces no longer than maxPiece', () => {
    // GIVEN a document of 5,000 records, ~500 KB
    const doc = { formatVersion: 2, plan: { platforms: [{ changes: Array.from({ length: 5_000 }, (_, i) => ({ address: `r["${i}"]`, after: { name: `n\u00e9${i}`, tags: ['a', 'b]}'] } })) }] } };
    const text = JSON.stringify(doc);
    // WHEN parsed in pieces of at most 4 KiB
    const r = parses(() => parseJsonBytes(bytes(text), { maxPiece: 4096 }));
    // THEN it is the document, and JSON.parse was never given more than 4 KiB at a time
    expect(r.value).toEqual(ok(doc));
    expect(r.longest).toBeLessThanOrEqual(4096);
    expect(r.count).toBeGreaterThan(100);
  });

  it('keeps __proto__ a plain key, as JSON.parse does', () => {
    // GIVEN an object with a __proto__ key, walked (longer than the piece)
    const text = '{"__proto__":{"polluted":true},"a":[1,2,3,4,5,6,7,8]}';
    const r = parseJsonBytes(bytes(text), { maxPiece: 8 })._unsafeUnwrap() as Record<string, unknown>;
    // THEN the key is the object's own, its prototype untouched
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.keys(r)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['a text cut short', '{"a":[1,2,3', /^Unexpected end of JSON input at byte 11$/],
    ['a missing comma', '{"a":[1 2,3,4,5,6,7,8]}', /^Expected ',' or '\]' after an array element in JSON at byte 8$/],
    ['trailing text', '[1,2,3,4,5,6,7,8] x', /after JSON at byte 18/],
    ['an unterminated string', '{"a":"bcdefghijklmn', /Unterminated string/],
    ['a key that is not a string', '{a:[1,2,3,4,5,6,7,8]}', /property name in JSON at byte 1/],
  ])('refuses %s, saying where', (_name, text, message) => {
    // GIVEN a text that is not JSON, walked in pieces of 4 bytes
    // WHEN parsed THEN the error says what and at which byte
    const r = parseJsonBytes(bytes(text), { maxPiece: 4 });
    expect(r.isErr() && r.error).toMatch(message);
  });

  it('parses a text nested deeper than the walk recurses, refusing nothing JSON.parse reads', () => {
    // GIVEN an array nested 100,000 levels deep, longer than the piece
    const text = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    // WHEN parsed in pieces of 1 KiB THEN it is read (the plan's own depth check refuses it later), without a stack overflow
    const r = parseJsonBytes(bytes(text), { maxPiece: 1024 });
    expect(r.isOk()).toBe(true);
  });
});
