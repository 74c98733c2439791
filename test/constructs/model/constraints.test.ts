import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { characterLength, nameProblems } from '../../../constructs/model/index.ts';

/** Code points as JavaScript's string iterator counts them: a surrogate pair once, a lone surrogate once. */
const codePoints = (text: string) => [...text].length;

describe('characterLength', () => {
  it.each([
    ['counts a character beyond the BMP once', 'a😀b', 3],
    ['counts a lone high and a lone low surrogate once each', '\ud800x\udc00', 3],
    ['counts a low surrogate before a high one as two characters', '\udc00\ud800', 2],
    ['counts an empty name as 0', '', 0],
  ])('%s', (_name, text, expected) => {
    // GIVEN / WHEN / THEN
    expect(characterLength(text)).toBe(expected);
  });

  it('counts code points as Keystone does, for any text, surrogates in any order included', () => {
    const unit = fc.oneof(fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '😀', 'a', 'é'), fc.string({ unit: 'binary', maxLength: 1 }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 20 }), (units) => {
        // GIVEN any text WHEN its characters are counted THEN it is its number of code points
        const text = units.join('');
        expect(characterLength(text)).toBe(codePoints(text));
      }),
    );
  });

  it('lets a 64-character name with a character beyond the BMP through, and stops one of 65', () => {
    // GIVEN names of 64 and 65 characters, one of them an emoji (two UTF-16 code units)
    // WHEN checked THEN only the longer one is too long
    expect(nameProblems(`😀${'a'.repeat(63)}`)).toEqual([]);
    expect(nameProblems(`😀${'a'.repeat(64)}`)).toEqual(['is 65 characters long; Keystone allows at most 64']);
  });
});
