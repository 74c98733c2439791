import type { ConfigProblem } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import { textProblems } from '../model/constraints.ts';
import type { ParsedDocument } from './build-app.ts';

/**
 * Characters of strings a document may hold once its YAML aliases are expanded: a file of
 * a few kilobytes can name one long string hundreds of times, and every later step (names,
 * problems, the plan) would copy it.
 */
export const MAX_EXPANDED_CHARACTERS = 16 * 1024 * 1024;

/**
 * Problems that make a parsed document unsafe to read any further: a `__proto__` key (a
 * JavaScript object silently drops it), a lone UTF-16 surrogate in a key or value (not text:
 * it cannot be sent to Keystone), and more than MAX_EXPANDED_CHARACTERS of strings in all.
 * @example documentProblems(parseYamlFile('a.yaml', '__proto__: {}\n')) // [a.yaml:1:1: the key "__proto__" is not allowed]
 */
export function documentProblems(doc: ParsedDocument): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  let characters = 0;
  // The path of the value visited; copied only for a problem (the walk visits every key of the document).
  const path: string[] = [];
  const visit = (value: unknown): boolean => {
    if (typeof value === 'string') {
      characters += value.length;
      for (const p of textProblems(value)) out.push(problemAt(doc.source, [...path], `the value ${p}`, 'write it as UTF-8 text'));
      return characters <= MAX_EXPANDED_CHARACTERS;
    }
    if (typeof value !== 'object' || value === null) return true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      path.push(key);
      characters += key.length;
      if (key === '__proto__') out.push(problemAt(doc.source, [...path], 'the key "__proto__" is not allowed', 'rename it: keyform would drop it', 'key'));
      for (const p of textProblems(key)) out.push(problemAt(doc.source, [...path], `the key ${p}`, 'write it as UTF-8 text', 'key'));
      if (!visit((value as Record<string, unknown>)[key])) return false;
      path.pop();
    }
    return true;
  };
  if (!visit(doc.value)) {
    out.push({ file: doc.file, path: '', message: `holds more than ${MAX_EXPANDED_CHARACTERS} characters of text once its aliases are expanded`, hint: 'write each value once, or split the file' });
  }
  return out;
}
