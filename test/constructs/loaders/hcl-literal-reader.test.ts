import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse as hcl2json } from '@cdktf/hcl2json';
import { readHclLiterals } from '../../../constructs/loaders/hcl-literal-reader.ts';
import { parseHclFile } from '../../../constructs/loaders/hcl-loader.ts';
import { benchDocument, benchHcl } from '../../bench/synth-bench.ts';
import { promiseHcl } from '../../engine/apply/promises-fixture.ts';
import { writeConfig } from '../../engine/apply/apply-fixture.ts';
import { meterConfig } from '../../engine/metering/meter-config.ts';

/** hcl2json's value as JSON text (key order included), or its error. */
async function reference(text: string): Promise<{ json: string } | { error: string }> {
  try {
    return { json: JSON.stringify(await hcl2json('f.hcl', text)) };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

/** The reader's value as JSON text, or undefined when it declined. */
function fast(text: string): string | undefined {
  const read = readHclLiterals(text);
  return read.isOk() ? JSON.stringify(read.value) : undefined;
}

// ---- A generator of HCL documents in the reader's subset, each written in a random layout ----

type Value = { t: 'str'; v: string } | { t: 'num'; v: string } | { t: 'lit'; v: 'true' | 'false' | 'null' } | { t: 'tuple'; v: Value[] } | { t: 'object'; v: [Key, Value][] };
type Key = { bare: boolean; name: string };
type Item = { t: 'attr'; name: string; value: Value } | { t: 'block'; type: string; labels: { bare: boolean; name: string }[]; body: Item[] };

/** Characters worth a string: escapes, HCL syntax, combining marks, NFC singletons, astral and private-use code points. */
const char = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom('é', 'e\u0301', 'A\u030a', '\u212b', '\u00c5', '\u2126', '😀', '\ue000', '\uffff', '\u0085', '\u00a0', '\u2028', '\ufeff', '$', '%', '{', '}', '\\', '"', '#', '//', '/*', '*/', '$$', '%%') },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)) },
);
/** A string whose value has no template marker (the reader declines those). */
const text = fc.array(char, { maxLength: 8 }).map((cs) => cs.join('')).filter((s) => !s.includes('${') && !s.includes('%{'));
const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,6}$/);
const BLOCK_TYPES: Record<string, number> = { config: 0, workspace: 1, project: 1, tenant: 1, user: 1, pair: 2, 'x-y': 1 };
const attrName = ident.filter((n) => !(n in BLOCK_TYPES));

const number = fc.oneof(
  fc.integer({ min: 0, max: 999_999_999_999_999 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 9_999_999 }), fc.stringMatching(/^[0-9]{1,7}$/)).map(([i, f]) => `${i}.${f}`),
  fc.constantFrom('0', '007', '0.10', '1.0', '00.5'),
).chain((n) => fc.constantFrom(n, `-${n}`));

const { value } = fc.letrec<{ value: Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((v) => ({ t: 'str' as const, v })),
    number.map((v) => ({ t: 'num' as const, v })),
    fc.constantFrom('true', 'false', 'null').map((v) => ({ t: 'lit' as const, v: v as 'true' })),
    fc.array(tie('value'), { maxLength: 4 }).map((v) => ({ t: 'tuple' as const, v })),
    fc.uniqueArray(fc.tuple(fc.oneof(ident.filter((n) => n !== 'for').map((name) => ({ bare: true, name })), text.map((name) => ({ bare: false, name }))), tie('value')), {
      maxLength: 4,
      selector: ([k]) => k.name.normalize('NFC'),
    }).map((v) => ({ t: 'object' as const, v })),
  ),
}));

const label = fc.oneof(ident.map((name) => ({ bare: true, name })), fc.oneof(text, fc.constantFrom('acme', 'web')).map((name) => ({ bare: false, name })));

function body(depth: number): fc.Arbitrary<Item[]> {
  const attrs = fc.uniqueArray(fc.tuple(attrName, value), { maxLength: 4, selector: ([n]) => n }).map((as) => as.map(([name, v]): Item => ({ t: 'attr', name, value: v })));
  const blocks = depth === 0 ? fc.constant([]) : fc.array(
    fc.constantFrom(...Object.keys(BLOCK_TYPES)).chain((type) => fc.record({
      t: fc.constant('block' as const),
      type: fc.constant(type),
      labels: fc.array(label, { minLength: BLOCK_TYPES[type]!, maxLength: BLOCK_TYPES[type]! }),
      body: body(depth - 1),
    })),
    { maxLength: 4 },
  );
  // Attributes and blocks interleaved in any order.
  return fc.tuple(attrs, blocks, fc.array(fc.nat(), { minLength: 8, maxLength: 8 })).map(([a, b, order]) =>
    [...a, ...b].map((item, i) => ({ item, k: order[i % 8]! + i / 100 })).sort((x, y) => x.k - y.k).map((x) => x.item));
}

/** Writes a document, taking every layout choice (spaces, comments, separators, line ends) from `noise`. */
function render(items: Item[], noise: number[]): string {
  let n = 0;
  const pick = <T,>(options: readonly T[]): T => options[(noise[n++ % noise.length] ?? 0) % options.length]!;
  const eol = () => `${pick(['', ' ', '\t'])}${pick(['', '', ' # a "comment" ${x}', ' // é {', ' /* c */'])}${pick(['\n', '\n', '\r\n'])}`;
  const gap = () => pick([' ', ' ', '  ', '\t', ' /* { */ ', ' /* a\n multi-line comment */ ']);
  const blank = () => pick(['', '', '\n', '# only a comment\n', '/* one\n two */\n', '\r\n']);
  const quote = (s: string) => `"${[...s].map((c) => quoteChar(c, pick)).join('')}"`;
  const keyOf = (k: Key) => (k.bare ? k.name : quote(k.name));
  const valueOf = (v: Value, indent: string): string => {
    switch (v.t) {
      case 'str': return quote(v.v);
      case 'num': return v.v.startsWith('-') ? `-${pick(['', ' '])}${v.v.slice(1)}` : v.v;
      case 'lit': return v.v;
      case 'tuple': {
        const multi = pick([false, true]);
        const sep = multi ? `,${eol()}${indent}  ` : `,${gap()}`;
        const items = v.v.map((x) => valueOf(x, `${indent}  `));
        if (items.length === 0) return multi ? `[${eol()}${indent}]` : '[]';
        const trailing = pick(['', ',']);
        return multi ? `[${eol()}${indent}  ${items.join(sep)}${trailing}${eol()}${indent}]` : `[${items.join(sep)}${trailing}]`;
      }
      case 'object': {
        if (v.v.length === 0) return pick(['{}', '{ }', `{${eol()}${indent}}`]);
        const multi = pick([false, true]);
        const items = v.v.map(([k, x]) => `${keyOf(k)}${gap()}${pick(['=', ':'])}${gap()}${valueOf(x, `${indent}  `)}`);
        if (!multi) return `{ ${items.join(`,${gap()}`)}${pick(['', ','])} }`;
        return `{${eol()}${items.map((i) => `${indent}  ${i}${pick(['', ','])}${eol()}${blank()}`).join('')}${indent}}`;
      }
    }
  };
  const bodyOf = (list: Item[], indent: string): string => list.map((item) => {
    if (item.t === 'attr') return `${blank()}${indent}${item.name}${gap()}=${gap()}${valueOf(item.value, indent)}${eol()}`;
    const head = `${indent}${item.type}${item.labels.map((l) => `${gap()}${l.bare ? l.name : quote(l.name)}`).join('')}${gap()}`;
    const only = item.body[0];
    if (item.body.length === 0) return `${blank()}${head}${pick(['{}', `{${eol()}${indent}}`])}${eol()}`;
    if (item.body.length === 1 && only?.t === 'attr' && pick([false, true])) {
      // A single-line block: its one attribute must fit on the line.
      return `${blank()}${head}{ ${only.name} = ${valueOf(stripLines(only.value), indent)} }${eol()}`;
    }
    return `${blank()}${head}{${eol()}${bodyOf(item.body, `${indent}  `)}${indent}}${eol()}`;
  }).join('');
  const out = bodyOf(items, '');
  // The last newline is optional in HCL.
  return pick([true, false]) ? out : out.replace(/\r?\n$/, '');
}

/** A value written on one line (single-line blocks need it): no multi-line tuples or objects. */
function stripLines(v: Value): Value {
  if (v.t === 'tuple') return { t: 'str', v: 'tuple' };
  if (v.t === 'object') return { t: 'str', v: 'object' };
  return v;
}

/** One character of a quoted string, written literally or as one of HCL's escapes. */
function quoteChar(c: string, pick: <T>(options: readonly T[]) => T): string {
  const code = c.codePointAt(0)!;
  if (c.length > 2 || [...c].length > 1) return [...c].map((x) => quoteChar(x, pick)).join('');
  const hex = (d: number) => code.toString(16).padStart(d, '0');
  const escapes = [`\\U${hex(8)}`, ...(code <= 0xffff ? [`\\u${hex(4)}`] : [])];
  if (c === '\n') return pick(['\\n', ...escapes]);
  if (c === '\r') return pick(['\\r', ...escapes]);
  if (c === '"') return pick(['\\"', ...escapes]);
  if (c === '\\') return pick(['\\\\', ...escapes]);
  if (c === '\t') return pick(['\t', '\\t', ...escapes]);
  // `$` and `%` written as escapes could spell a template marker with a following `{`; keep them literal.
  if (c === '$' || c === '%') return c;
  return pick([c, c, c, ...escapes]);
}

const document = fc.tuple(body(3), fc.array(fc.nat(), { minLength: 16, maxLength: 64 })).map(([items, noise]) => render(items, noise));

/** Pieces outside the subset, or that break the syntax, to drop into a valid document. */
const SPOILERS = ['${x}', '%{ if a }b%{ endif }', '$${x}', '\\u0024{x}', '<<EOT\nx\nEOT\n', '-', '.', '(', ')', '1e5', '1.', '0x1f', '\r', '"', '}', '{', '[', ']', '=', ':', ',', '\n', 'for ', 'a.b', 'var.x', 'f(1)', '1 + 2', '!true', '\\q', '\ufeff', 'é', '\u00a0', '\f', '/*', '1234567890123456', 'x = 1\n', 'null ', 'true'];

describe('readHclLiterals', () => {
  it('gives exactly hcl2json\'s value, key order included, for random documents in its subset', async () => {
    // GIVEN random HCL documents of blocks and literal attributes: unicode and escapes,
    // nested tuples and objects, comments, odd whitespace, CRLF, trailing commas
    await fc.assert(fc.asyncProperty(document, async (hcl) => {
      // WHEN the reader and hcl2json read the same text
      const ref = await reference(hcl);
      // THEN hcl2json accepts it (the generator writes valid HCL) and the reader gives the same JSON
      expect(ref).toHaveProperty('json');
      expect(fast(hcl)).toBe((ref as { json: string }).json);
    }), { numRuns: 300 });
  }, 120_000);

  it('declines, or gives hcl2json\'s value, when a document is spoiled at a random place', async () => {
    // GIVEN a valid document with an expression, template, heredoc or stray character dropped in
    // (half of the time just inside a string's opening quote, where templates and escapes live)
    const spoiled = fc.tuple(document, fc.nat(), fc.boolean(), fc.constantFrom(...SPOILERS)).map(([hcl, at, inString, piece]) => {
      const quotes = [...hcl.matchAll(/"/g)].map((m) => m.index + 1);
      const i = inString && quotes.length > 0 ? quotes[at % quotes.length]! : at % (hcl.length + 1);
      return hcl.slice(0, i) + piece + hcl.slice(i);
    });
    let declined = 0;
    await fc.assert(fc.asyncProperty(spoiled, async (hcl) => {
      const ref = await reference(hcl);
      const mine = fast(hcl);
      if (mine === undefined) declined++;
      // THEN the reader never accepts what hcl2json rejects, and never gives another value
      if ('error' in ref) expect(mine).toBeUndefined();
      else if (mine !== undefined) expect(mine).toBe(ref.json);
    }), { numRuns: 300 });
    // AND it did decline: the spoilers reached it
    expect(declined).toBeGreaterThan(100);
  }, 120_000);

  it('gives hcl2json\'s value for every HCL example and the benchmark document', async () => {
    const dir = join(import.meta.dirname, '../../../examples/hcl');
    const files = readdirSync(dir).filter((f) => f.endsWith('.hcl')).map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(files.length).toBeGreaterThan(0);
    for (const hcl of [...files, benchHcl(benchDocument(40))]) {
      const ref = await reference(hcl);
      expect(fast(hcl)).toBe((ref as { json: string }).json);
    }
  });

  it('gives hcl2json\'s value for the HCL files the test fixtures write', async () => {
    // GIVEN the configs the apply, promise and metering tests write
    const folders = [writeConfig({ run: 'tfix', tenants: 3, users: { 'alice@x.example': ['admin', 'user'] }, cores: 4 }), meterConfig('meter')];
    const written = folders.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.hcl')).map((f) => readFileSync(join(dir, f), 'utf8')));
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    const promises = [
      promiseHcl({ run: 'tfix', tenants: { a: 'retain', b: 'delete' }, users: { 'bob@x.example': ['reader'] } }),
      promiseHcl({ run: 'tfix', domain: 'd', perWorkspace: true, userDomain: 'u', roleMapping: { admin: 'member' }, quotaBackend: 'service-apis', environment: 'prod', cores: 2, tenants: { a: 'delete' }, users: {} }),
    ];
    expect(written).toHaveLength(2);
    // WHEN both read each  THEN the reader takes it and gives hcl2json's JSON text
    for (const hcl of [...written, ...promises]) {
      const ref = await reference(hcl);
      expect(fast(hcl)).toBe((ref as { json: string }).json);
    }
  });

  it.each([
    ['an interpolation', 'a = "x ${var.y}"\n', 'template'],
    ['a template directive', 'a = "%{ if true }y%{ endif }"\n', 'template'],
    ['an escaped interpolation', 'a = "$${x}"\n', 'template'],
    ['an interpolation spelled by an escape', 'a = "\\u0024{x}"\n', 'template'],
    ['a heredoc', 'a = <<EOT\nhello\nEOT\n', 'template'],
    ['a reference', 'a = var.x\n', 'not a literal'],
    ['a function call', 'a = upper("x")\n', 'not a literal'],
    ['an operator', 'a = 1 + 2\n', 'no newline after an attribute'],
    ['a number with an exponent', 'a = 1e3\n', 'number'],
    ['a number of 16 digits', 'a = 1234567890123456\n', 'number'],
    ['a for expression', 'a = [for x in y : x]\n', 'not a literal'],
    ['an attribute set twice', 'a = 1\na = 2\n', 'set twice'],
    ['a key written twice', 'a = { k = 1, "k" = 2 }\n', 'written twice'],
    ['a key written twice after NFC', 'a = { "\u212b" = 1, "\u00c5" = 2 }\n', 'written twice'],
    ['an attribute and a block of one name', 'a = {}\na "x" {\n}\n', 'two ways'],
    ['blocks with and without labels', 'a {\n}\na "x" {\n}\n', 'two ways'],
    ['an invalid escape', 'a = "\\q"\n', 'template'],
    ['a string split over lines', 'a = "x\ny"\n', 'template'],
    ['a lone carriage return', 'a = 1\rb = 2\n', 'no newline after an attribute'],
    ['a lone surrogate in a string', 'a = "x\ud800y"\n', 'template'],
    ['a byte-order mark', '\ufeffa = 1\n', 'not an attribute or block name'],
    ['a single-line block over two lines', 'b "x" { c = [\n1] }\n', 'single-line'],
    ['an unclosed block', 'b "x" {\n c = 1\n', 'unclosed block'],
    ['a stray closing brace', 'a = 1\n}\n', 'unexpected "}"'],
    ['an attribute without a value', 'a =\n', 'not a literal'],
  ])('declines %s', (_name, hcl, reason) => {
    // GIVEN a file outside the subset  WHEN the reader reads it  THEN it declines, saying what it met
    const read = readHclLiterals(hcl);
    expect(read.isErr() && read.error.reason).toContain(reason);
  });
});

describe('parseHclFile after the reader declines', () => {
  it('gives hcl2json\'s value for an interpolation', async () => {
    // GIVEN a file the reader declines but HCL accepts  WHEN the loader parses it
    const doc = await parseHclFile('a.hcl', 'b "x" {\n  c = "${var.y}"\n  d = upper("x")\n}\n');
    // THEN the value is hcl2json's, expressions kept as their ${...} text
    expect(doc.problems).toEqual([]);
    expect(doc.value).toEqual(await hcl2json('a.hcl', 'b "x" {\n  c = "${var.y}"\n  d = upper("x")\n}\n'));
    expect(JSON.stringify(doc.value)).toContain('${upper(\\"x\\")}');
  });

  it('keeps HashiCorp\'s message and position for a syntax error', async () => {
    // GIVEN a file with a syntax error on line 2
    const doc = await parseHclFile('a.hcl', 'b "x" {\n  c = "x" "y"\n}\n');
    // THEN the problem is hcl2json's, at its line and column
    expect(doc.value).toBeUndefined();
    expect(doc.problems[0]).toMatchObject({ file: 'a.hcl', line: 2, column: 11, message: expect.stringContaining('syntax error: Missing newline after argument') });
  });

  it('reports a key written twice where it is written, as before', async () => {
    // GIVEN a map with a key twice on line 3
    const doc = await parseHclFile('a.hcl', 'b "x" {\n  c = {\n    k = 1, k = 2\n  }\n}\n');
    // THEN the loader refuses it at the second key
    expect(doc.problems).toEqual([expect.objectContaining({ line: 3, column: 12, message: 'the key "k" is written twice in one map' })]);
  });
});
