import { Result } from 'neverthrow';
import { createRequire } from 'node:module';
import type { LineCounter, Node, Document } from 'yaml';
import type { ConfigProblem } from '../problems/config-error.ts';
import type { ConfigPath, Position, Source } from '../problems/source.ts';
import type { ParsedDocument } from './build-app.ts';

// logLevel 'silent': the library would print its warnings (quoting source text) itself.
const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'silent' } as const;
/** The tags of YAML's core schema: plain data. Any other (`!!omap`, `!!set`, `!custom`) would drop or change values. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

// Required on the first YAML file, not imported: yaml costs ~60 ms CPU to load, which
// commands that read no YAML (`--help`, `show`) would pay.
const require = createRequire(import.meta.url);
const yaml = (): typeof import('yaml') => require('yaml') as typeof import('yaml');

/**
 * Parses a YAML config file. Syntax errors (and keys repeated in one map) are problems with
 * their positions. Positions of later problems come from a second parse, done only when a
 * problem needs one, so a valid file is parsed once and its syntax tree is not kept.
 * @example parseYamlFile('keyform/acme.yaml', text).value // { workspace: { acme: { ... } } }
 */
export function parseYamlFile(file: string, text: string): ParsedDocument {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const source = yamlSource(file, text);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => syntaxProblem(file, lineCounter.linePos(e.pos[0]), e.message.split('\n')[0]!));
    return { file, format: 'yaml', value: undefined, source, problems };
  }
  const tags = tagProblems(doc).map(([offset, tag]) => ({
    ...syntaxProblem(file, lineCounter.linePos(offset), `the YAML tag ${tag} is not supported`),
    hint: 'remove the tag and write a plain value, list or mapping',
  }));
  if (tags.length > 0) return { file, format: 'yaml', value: undefined, source, problems: tags };
  // toJS throws on alias bombs (an alias expanding past maxAliasCount nodes).
  return Result.fromThrowable(
    () => doc.toJS({ maxAliasCount: 1000 }) as unknown,
    (e) => syntaxProblem(file, { line: 1, col: 1 }, (e as Error).message),
  )().match(
    (value): ParsedDocument => ({ file, format: 'yaml', value, source, problems: [] }),
    (problem): ParsedDocument => ({ file, format: 'yaml', value: undefined, source, problems: [problem] }),
  );
}

/** Offsets and names of the tags outside YAML's core schema. */
function tagProblems(doc: Document): [number, string][] {
  const out: [number, string][] = [];
  const { visit } = yaml();
  visit(doc, (_key, node) => {
    const n = node as Node;
    if (n && typeof n === 'object' && 'tag' in n && typeof n.tag === 'string' && !CORE_TAGS.has(n.tag)) {
      out.push([n.range?.[0] ?? 0, n.tag.replace(/^tag:yaml\.org,2002:/, '!!').slice(0, 40)]);
    }
  });
  return out;
}

/**
 * Parses a JSON config file: strict JSON syntax (`JSON.parse`), and no key twice in one
 * object (which `JSON.parse` would let pass, keeping the last). Positions of later problems
 * come from a YAML parse (JSON is YAML), done only when a problem needs one.
 */
export function parseJsonFile(file: string, text: string): ParsedDocument {
  const source = yamlSource(file, text);
  const parsed = Result.fromThrowable(
    () => JSON.parse(text) as unknown,
    (e) => {
      const message = (e as Error).message;
      const offset = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
      return syntaxProblem(file, offsetPosition(text, offset), message.replace(/ in JSON at position \d+.*$/, ''));
    },
  )();
  if (parsed.isErr()) return { file, format: 'json', value: undefined, source, problems: [parsed.error] };
  const problems = duplicateJsonKeys(text).map((offset) => syntaxProblem(file, offsetPosition(text, offset), 'Map keys must be unique'));
  return { file, format: 'json', value: problems.length ? undefined : parsed.value, source, problems };
}

/**
 * Offsets of keys that repeat an earlier key of the same object. A linear scan of text
 * that `JSON.parse` has accepted: far cheaper than a second, position-keeping parse.
 */
export function duplicateJsonKeys(text: string): number[] {
  // Per open object its keys so far: null before the first, the first alone (most objects of a
  // config have one), a set from the second on. Undefined for an open array.
  const open: (null | string | Set<string> | undefined)[] = [];
  const out: number[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (expectKey && open[open.length - 1] !== undefined) {
        const raw = text.slice(i + 1, end);
        if (!addKey(open, raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw)) out.push(i);
      }
      expectKey = false;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      open.push(c === OPEN_OBJECT ? null : undefined);
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) open.pop();
    else if (c === COMMA) expectKey = open[open.length - 1] !== undefined;
  }
  return out;
}

const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA] = [...'"\\{}[],'].map((ch) => ch.charCodeAt(0));

/** The offset of the `"` that closes a JSON string whose text starts at `from`. */
function closingQuote(text: string, from: number): number {
  for (let j = text.indexOf('"', from); j >= 0; j = text.indexOf('"', j + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
  return text.length;
}

/** Adds `key` to the innermost open object's keys; false when it was there already. */
function addKey(open: (null | string | Set<string> | undefined)[], key: string): boolean {
  const top = open.length - 1;
  const keys = open[top];
  if (keys === null || keys === undefined) {
    open[top] = key;
    return true;
  }
  if (typeof keys === 'string') {
    if (keys === key) return false;
    open[top] = new Set([keys, key]);
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

function syntaxProblem(file: string, pos: { line: number; col: number }, message: string): ConfigProblem {
  return { file, line: pos.line, column: pos.col, path: '', message: `syntax error: ${message}`, hint: 'fix the syntax; nothing in this file was read' };
}

/** 1-based line and column of a character offset. */
export function offsetPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

function yamlSource(file: string, text: string): Source {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  return {
    file,
    locate(path, part = 'value') {
      if (!parsed) {
        const { LineCounter, parseDocument } = yaml();
        const lines = new LineCounter();
        parsed = { doc: parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines }), lines };
      }
      const offset = locateOffset(parsed.doc.contents as Node | null, path, part);
      if (offset === undefined) return {};
      const pos = parsed.lines.linePos(offset);
      return { line: pos.line, column: pos.col } satisfies Position;
    },
  };
}

/** The offset of `path`'s key or value; the deepest found ancestor when the path goes further than the document. */
function locateOffset(root: Node | null, path: ConfigPath, part: 'key' | 'value'): number | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  let node: unknown = root;
  let best = root?.range?.[0];
  for (const [i, seg] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
      if (!pair) return best;
      const keyOffset = (pair.key as Node | null)?.range?.[0];
      const valueOffset = (pair.value as Node | null)?.range?.[0];
      best = last && part === 'value' ? (valueOffset ?? keyOffset ?? best) : (keyOffset ?? best);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) return best;
      best = item.range?.[0] ?? best;
      node = item;
    } else return best;
  }
  return best;
}
