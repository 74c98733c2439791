import { LONE_SURROGATE } from '../problems/lone-surrogate.ts';

/**
 * Keystone's own limits, checked before any plan is made so that a plan never contains a
 * change Keystone would reject (keystone/common/validation, keystone/resource/schema.py).
 */

/** Domain, project and group names: 1..64 characters. */
export const MAX_NAME_LENGTH = 64;
/** Project tags: at most 80 per project. */
export const MAX_TAGS_PER_PROJECT = 80;
/** One tag: 1..255 characters, no `/` and no `,`. */
export const MAX_TAG_LENGTH = 255;

/**
 * The characters Python's `str.strip()` removes, which Keystone applies to names: JavaScript's
 * `trim()` differs (it also strips U+FEFF, which Keystone keeps, and keeps U+001C-U+001F and
 * U+0085, which Keystone strips).
 */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIPPED = new RegExp(`^[${PY_SPACE}]|[${PY_SPACE}]$`);

/** True when Keystone's `strip()` would change `name` (so the stored name never matches the desired one). */
export function isStrippedByKeystone(name: string): boolean {
  return PY_STRIPPED.test(name);
}

/** Length as Keystone (Python, JSON Schema) counts it: in characters (code points), not UTF-16 units. */
export function characterLength(text: string): number {
  // A code point beyond the BMP is two code units, a surrogate pair; a lone surrogate is one.
  let n = text.length;
  for (let i = 1; i < text.length; i++) {
    const low = text.charCodeAt(i);
    if (low >= 0xdc00 && low <= 0xdfff) {
      const high = text.charCodeAt(i - 1);
      if (high >= 0xd800 && high <= 0xdbff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Problems with any text sent to Keystone; empty when it is well-formed Unicode. */
export function textProblems(text: string): string[] {
  return !LONE_SURROGATE.test(text) ? [] : ['contains a lone UTF-16 surrogate (e.g. "\\ud800"), which is not text'];
}

/** Problems with a Keystone name, as human sentences; empty when the name is valid. */
export function nameProblems(name: string): string[] {
  const out: string[] = textProblems(name);
  const length = characterLength(name);
  if (length === 0) out.push('is empty');
  if (length > MAX_NAME_LENGTH) out.push(`is ${length} characters long; Keystone allows at most ${MAX_NAME_LENGTH}`);
  if (isStrippedByKeystone(name)) out.push('starts or ends with whitespace, which Keystone strips');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) out.push('contains a control character');
  return out;
}

/** Problems with one project tag; empty when the tag is valid. */
export function tagProblems(tag: string): string[] {
  const out: string[] = textProblems(tag);
  const length = characterLength(tag);
  if (length === 0) out.push('is empty');
  if (length > MAX_TAG_LENGTH) out.push(`is ${length} characters long; Keystone allows at most ${MAX_TAG_LENGTH}`);
  if (tag.includes('/')) out.push("contains '/', which Keystone forbids in tags");
  if (tag.includes(',')) out.push("contains ',', which Keystone forbids in tags");
  return out;
}

/** Problems with a project's whole tag list; empty when valid. */
export function tagListProblems(tags: readonly string[]): string[] {
  const out: string[] = [];
  if (tags.length > MAX_TAGS_PER_PROJECT) out.push(`has ${tags.length} tags; Keystone allows at most ${MAX_TAGS_PER_PROJECT} per project`);
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t)) out.push(`has the tag ${JSON.stringify(t)} twice`);
    seen.add(t);
    for (const p of tagProblems(t)) out.push(`tag ${JSON.stringify(t)} ${p}`);
  }
  return out;
}
