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

/** Problems with a Keystone name, as human sentences; empty when the name is valid. */
export function nameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length === 0) out.push('is empty');
  if (name.length > MAX_NAME_LENGTH) out.push(`is ${name.length} characters long; Keystone allows at most ${MAX_NAME_LENGTH}`);
  if (name.trim() !== name) out.push('starts or ends with whitespace, which Keystone strips');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) out.push('contains a control character');
  return out;
}

/** Problems with one project tag; empty when the tag is valid. */
export function tagProblems(tag: string): string[] {
  const out: string[] = [];
  if (tag.length === 0) out.push('is empty');
  if (tag.length > MAX_TAG_LENGTH) out.push(`is ${tag.length} characters long; Keystone allows at most ${MAX_TAG_LENGTH}`);
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
