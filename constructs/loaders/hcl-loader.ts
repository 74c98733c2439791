import { ResultAsync } from 'neverthrow';
import type { ConfigProblem } from '../problems/config-error.ts';
import { renderLocation } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import { formatPath, type ConfigPath, type Source } from '../problems/source.ts';
import type { ParsedDocument } from './build-app.ts';
import { NESTED_BLOCKS } from './config-schema.ts';
import { readHclLiterals } from './hcl-literal-reader.ts';
import { hclScan, pathKey, type HclScan, type PathPositions } from './hcl-positions.ts';
import { isPlainObject } from './schema.ts';

/** An HCL file's Source, which also knows every place a repeated block was declared. */
interface HclSource extends Source {
  occurrences(path: ConfigPath): readonly PathPositions[];
  /** Keys written twice in one object literal. */
  repeatedKeys(): HclScan['repeatedKeys'];
}

/**
 * Parses an HCL config file and turns its JSON form (hcl2json's) into the canonical document:
 * hcl2json wraps every block body in a list, so a block declared twice shows up as a list of
 * two, reported here. A file written only with literals, as keyform configs are, is read by
 * keyform's own reader (hcl-literal-reader.ts), which gives the same JSON form several times
 * faster; anything else — templates, expressions, a key written twice, any syntax error — is
 * parsed by @cdktf/hcl2json (HashiCorp's own HCL parser, compiled to WebAssembly), so syntax
 * errors keep HashiCorp's messages and positions. Positions of later problems come from a
 * small scanner run only when a problem needs one.
 * @example await parseHclFile('keyform/main.hcl', text)
 */
export async function parseHclFile(file: string, text: string): Promise<ParsedDocument> {
  const source = hclSource(file, text);
  const literal = readHclLiterals(text);
  // The reader declines a key written twice, so only hcl2json's form can have one.
  if (literal.isOk()) return fromJsonForm(file, literal.value, source);
  // Imported on first use: loading the module starts compiling a large WebAssembly parser,
  // which YAML- and JSON-only configs, and HCL the reader takes, should not pay for.
  const hclToJson = async (f: string, t: string) => (await import('@cdktf/hcl2json')).parse(f, t);
  return ResultAsync.fromPromise(hclToJson(file, text), (e) => syntaxProblems(file, String((e as Error).message ?? e))).match(
    (json) => {
      const problems: ConfigProblem[] = source.repeatedKeys().map(({ path, at }) => ({
        file, ...at, path: formatPath(path), message: `the key ${JSON.stringify(path[path.length - 1])} is written twice in one map`, hint: 'keep one of them (HCL would keep the last silently)',
      }));
      if (problems.length > 0) return { file, format: 'hcl', value: undefined, source, problems };
      return fromJsonForm(file, json, source);
    },
    (problems) => ({ file, format: 'hcl', value: undefined, source, problems }),
  );
}

function fromJsonForm(file: string, json: Record<string, unknown>, source: HclSource): ParsedDocument {
  const problems: ConfigProblem[] = [];
  const value = unwrapBlocks(json, 'config', [], source, problems);
  return { file, format: 'hcl', value, source, problems };
}

/** hcl2json reports `FILE:L,C-L,C: Summary; Detail` diagnostics, several joined in one message. */
function syntaxProblems(file: string, message: string): ConfigProblem[] {
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`${esc}:(\\d+),(\\d+)(?:-\\d+(?:,\\d+)?)?: `, 'g');
  const starts = [...message.matchAll(re)];
  if (starts.length === 0) return [{ file, path: '', message: `syntax error: ${message}`, hint: 'fix the syntax; nothing in this file was read' }];
  return starts.map((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index : message.length;
    const text = message.slice(m.index + m[0].length, end).replace(/\]$/, '').trim();
    const [summary, ...detail] = text.split('; ');
    return { file, line: Number(m[1]), column: Number(m[2]), path: '', message: `syntax error: ${summary}`, hint: detail.join('; ') || 'fix the syntax; nothing in this file was read' };
  });
}

/** Replaces hcl2json's `{ label: [body] }` by `{ label: body }` for the block types nested in `type`. */
function unwrapBlocks(body: Record<string, unknown>, type: string, path: ConfigPath, source: HclSource, problems: ConfigProblem[]): Record<string, unknown> {
  const out = { ...body };
  for (const child of NESTED_BLOCKS[type] ?? []) {
    const byLabel = body[child];
    if (byLabel === undefined || !isPlainObject(byLabel)) {
      if (Array.isArray(byLabel)) {
        problems.push(problemAt(source, [...path, child], `${child} block without a label`, `write ${child} "ID" { ... }`, 'key'));
        delete out[child];
      }
      continue;
    }
    // Entries, not assignments: `labels['__proto__'] = x` would set the prototype and drop the block.
    const labels: [string, unknown][] = [];
    for (const [label, bodies] of Object.entries(byLabel)) {
      const at = [...path, child, label];
      if (!Array.isArray(bodies) || !bodies.every(isPlainObject)) {
        problems.push(problemAt(source, at, `${child} ${JSON.stringify(label)} is not a block with one label`, `write ${child} "${label}" { ... }`, 'key'));
        continue;
      }
      if (bodies.length > 1) problems.push(repeated(source, at, bodies.length));
      labels.push([label, unwrapBlocks(bodies[0] as Record<string, unknown>, child, at, source, problems)]);
    }
    out[child] = Object.fromEntries(labels);
  }
  return out;
}

function repeated(source: HclSource, path: ConfigPath, n: number): ConfigProblem {
  const places = source.occurrences(path).map((p) => renderLocation({ file: source.file, ...p.key }));
  const what = `${path[path.length - 2]} ${JSON.stringify(path[path.length - 1])}`;
  return problemAt(source, path, `${what} is declared ${n} times in this file${places.length > 1 ? ` (${places.join(', ')})` : ''}`, 'keep one block and merge the others into it', 'key');
}

function hclSource(file: string, text: string): HclSource {
  let scan: HclScan | undefined;
  const lookup = () => (scan ??= hclScan(text)).positions;
  return {
    file,
    repeatedKeys: () => (scan ??= hclScan(text)).repeatedKeys,
    occurrences: (path) => lookup().get(pathKey(path)) ?? [],
    locate(path, part = 'value') {
      for (let n = path.length; n > 0; n--) {
        const found = lookup().get(pathKey(path.slice(0, n)))?.[0];
        if (found) return n === path.length && part === 'value' ? found.value : found.key;
      }
      return { line: 1, column: 1 };
    },
  };
}
