import { err, ok, type Result } from 'neverthrow';
import { HclLexer } from './hcl-tokens.ts';

/**
 * Why `readHclLiterals` left a file to hcl2json: the first place it met something outside
 * its subset, or a syntax error (hcl2json then reports it in HashiCorp's words).
 */
export interface OutsideSubset {
  readonly kind: 'outside-subset';
  readonly line: number;
  readonly column: number;
  /** What was met there, for tests and debugging; never shown as a config problem. */
  readonly reason: string;
}

/**
 * Reads an HCL file written only with literals — blocks with labels; attributes whose values
 * are strings, numbers (at most 15 digits, no exponent, optionally negated), bools, null,
 * tuples and objects; comments — into exactly the value @cdktf/hcl2json gives for it: every
 * block body wrapped in a list under its labels, keys sorted in UTF-8 byte order (Go's
 * encoding/json), strings in Unicode NFC except block labels, which HCL leaves as written.
 *
 * Anything else is declined, not guessed: templates (`${`, `%{`), heredocs, references,
 * function calls, operators, other numbers, an attribute set twice, a key written twice in
 * one object (hcl2json keeps the last silently, the loader reports it), an attribute and a
 * block of one name, and every syntax error. The caller then parses with hcl2json, so a
 * declined file gets hcl2json's value and HashiCorp's error messages, as before.
 * @example readHclLiterals('workspace "acme" {\n  tags = { team = "web" }\n}\n')
 *   // ok({ workspace: { acme: [{ tags: { team: 'web' } }] } })
 */
export function readHclLiterals(text: string): Result<Record<string, unknown>, OutsideSubset> {
  const reader = new LiteralReader(text);
  const value = reader.document();
  return value === DECLINED ? err(reader.declined!) : ok(value);
}

const DECLINED: unique symbol = Symbol('declined');
type Read<T> = T | typeof DECLINED;

/** Block bodies of one type: a list without labels, or nested maps of labels down to lists. */
type Blocks = Record<string, unknown>[] | Map<string, Blocks>;

/** Identifiers that start something other than a plain key (`{ for k, v in ... }`). */
const NOT_A_KEY = new Set(['for']);
/** Numbers whose double HCL's 512-bit parse and `Number()` agree on: 15 digits at most. */
const PLAIN_NUMBER = /^[0-9]{1,15}$|^(?=[0-9.]{3,16}$)[0-9]+\.[0-9]+$/;

class LiteralReader {
  declined: OutsideSubset | undefined;
  private readonly lexer: HclLexer;

  constructor(text: string) {
    this.lexer = new HclLexer(text);
    this.lexer.next();
  }

  /** The whole file: one body up to the end. */
  document(): Read<Record<string, unknown>> {
    const body = this.body(false);
    if (body === DECLINED) return body;
    return this.lexer.kind === 'end' ? body : this.decline('text after the last block');
  }

  /** Attributes and blocks up to `}` (nested) or the end of the file, as hcl2json converts them. */
  private body(nested: boolean): Read<Record<string, unknown>> {
    const lexer = this.lexer;
    const attributes = new Map<string, unknown>();
    const blocks = new Map<string, Blocks>();
    const labelCounts = new Map<string, number>();
    for (;;) {
      this.skipNewlines();
      if (lexer.kind === 'end' || this.atPunct('}')) {
        if ((lexer.kind === 'end') === nested) return this.decline(nested ? 'unclosed block' : 'unexpected "}"');
        break;
      }
      if (lexer.kind !== 'ident') return this.decline('not an attribute or block name');
      const name = lexer.text;
      lexer.next();
      if (this.atPunct('=')) {
        lexer.next();
        if (attributes.has(name) || blocks.has(name)) return this.decline(`"${name}" set twice`);
        const value = this.expression();
        if (value === DECLINED) return value;
        attributes.set(name, value);
        if (!this.endOfLine()) return this.decline('no newline after an attribute');
        continue;
      }
      const labels: string[] = [];
      while (this.atLabel()) {
        labels.push(lexer.text);
        lexer.next();
      }
      if (attributes.has(name) || (labelCounts.get(name) ?? labels.length) !== labels.length) return this.decline(`"${name}" used in two ways`);
      labelCounts.set(name, labels.length);
      const block = this.blockBody();
      if (block === DECLINED) return block;
      if (!this.endOfLine()) return this.decline('no newline after a block');
      blocks.set(name, addBlock(blocks.get(name), labels, block));
    }
    const out: [string, unknown][] = [...attributes];
    for (const [name, bodies] of blocks) out.push([name, fromBlocks(bodies)]);
    return sortedObject(out);
  }

  /** `{ ... }` after a block's labels: empty, one attribute on the same line, or a body over lines. */
  private blockBody(): Read<Record<string, unknown>> {
    const lexer = this.lexer;
    if (!this.atPunct('{')) return this.decline('no "{" after the block labels');
    const line = lexer.line;
    lexer.next();
    if (lexer.kind !== 'newline') {
      // A single-line block (`user "bob" { roles = ["user"] }`): one attribute, closed on its line.
      const body = this.atPunct('}') ? {} : this.singleAttribute();
      if (body === DECLINED) return body;
      if (!this.atPunct('}') || lexer.line !== line) return this.decline('a single-line block not closed on its line');
      lexer.next();
      return body;
    }
    const body = this.body(true);
    if (body === DECLINED) return body;
    lexer.next();
    return body;
  }

  private singleAttribute(): Read<Record<string, unknown>> {
    const lexer = this.lexer;
    if (lexer.kind !== 'ident') return this.decline('not an attribute in a single-line block');
    const name = lexer.text;
    lexer.next();
    if (!this.atPunct('=')) return this.decline('not an attribute in a single-line block');
    lexer.next();
    const value = this.expression();
    return value === DECLINED ? value : sortedObject([[name, value]]);
  }

  /** A literal value: string, number, bool, null, tuple or object. */
  private expression(): Read<unknown> {
    const lexer = this.lexer;
    const { kind, text } = lexer;
    if (kind === 'string') {
      if (!lexer.literal) return this.decline('a template, heredoc or escape outside the subset');
      lexer.next();
      return nfc(text);
    }
    if (kind === 'number' || (kind === 'other' && text === '-')) return this.number();
    if (kind === 'ident' && (text === 'true' || text === 'false' || text === 'null')) {
      lexer.next();
      return text === 'null' ? null : text === 'true';
    }
    if (this.atPunct('[')) return this.tuple();
    if (this.atPunct('{')) return this.object();
    return this.decline('an expression that is not a literal');
  }

  private number(): Read<number> {
    const lexer = this.lexer;
    const negative = lexer.kind === 'other';
    if (negative) lexer.next();
    if (lexer.kind !== 'number' || !PLAIN_NUMBER.test(lexer.text)) return this.decline('a number outside the subset');
    const value = Number(lexer.text);
    lexer.next();
    // HCL's -0 comes out of hcl2json as 0.
    return negative && value !== 0 ? -value : value;
  }

  /** `[a, b, ...]`: newlines are insignificant inside, a trailing comma is allowed. */
  private tuple(): Read<unknown[]> {
    const lexer = this.lexer;
    lexer.next();
    const items: unknown[] = [];
    this.skipNewlines();
    while (!this.atPunct(']')) {
      const item = this.expression();
      if (item === DECLINED) return item;
      items.push(item);
      this.skipNewlines();
      if (this.atPunct(',')) {
        lexer.next();
        this.skipNewlines();
      } else if (!this.atPunct(']')) return this.decline('no comma between tuple items');
    }
    lexer.next();
    return items;
  }

  /** `{ k = v, "k" = v, k: v }`: items end at a comma or a newline. */
  private object(): Read<Record<string, unknown>> {
    const lexer = this.lexer;
    lexer.next();
    const items = new Map<string, unknown>();
    this.skipNewlines();
    while (!this.atPunct('}')) {
      const key = this.key();
      if (key === DECLINED) return key;
      if (!this.atPunct('=') && !this.atPunct(':')) return this.decline('no "=" after an object key');
      lexer.next();
      const value = this.expression();
      if (value === DECLINED) return value;
      // A key written twice: the loader reports it from the scanner, after hcl2json.
      if (items.has(key)) return this.decline(`the key ${JSON.stringify(key)} written twice`);
      items.set(key, value);
      if (this.atPunct(',')) {
        lexer.next();
        this.skipNewlines();
      } else if (lexer.kind === 'newline') this.skipNewlines();
      else if (!this.atPunct('}')) return this.decline('no comma or newline between object items');
    }
    lexer.next();
    return sortedObject([...items]);
  }

  private key(): Read<string> {
    const lexer = this.lexer;
    const { kind, text } = lexer;
    if ((kind === 'ident' && !NOT_A_KEY.has(text)) || (kind === 'string' && lexer.literal)) {
      lexer.next();
      return kind === 'string' ? nfc(text) : text;
    }
    return this.decline('an object key that is not a name or a plain string');
  }

  /** Moves past the newline that must end an attribute or a block; true also at the end of the file. */
  private endOfLine(): boolean {
    if (this.lexer.kind === 'end') return true;
    if (this.lexer.kind !== 'newline') return false;
    this.lexer.next();
    return true;
  }

  private atLabel(): boolean {
    return (this.lexer.kind === 'string' && this.lexer.literal) || this.lexer.kind === 'ident';
  }

  private skipNewlines(): void {
    while (this.lexer.kind === 'newline') this.lexer.next();
  }

  private atPunct(c: string): boolean {
    return this.lexer.kind === 'punct' && this.lexer.text === c;
  }

  private decline(reason: string): typeof DECLINED {
    this.declined = { kind: 'outside-subset', line: this.lexer.line, column: this.lexer.column, reason };
    return DECLINED;
  }
}

/** Adds one block body under its labels, as hcl2json's convertBlock nests them. */
function addBlock(into: Blocks | undefined, labels: readonly string[], body: Record<string, unknown>): Blocks {
  if (labels.length === 0) {
    const list = (into as Record<string, unknown>[] | undefined) ?? [];
    list.push(body);
    return list;
  }
  const byLabel = (into as Map<string, Blocks> | undefined) ?? new Map<string, Blocks>();
  byLabel.set(labels[0]!, addBlock(byLabel.get(labels[0]!), labels.slice(1), body));
  return byLabel;
}

function fromBlocks(blocks: Blocks): unknown {
  if (Array.isArray(blocks)) return blocks;
  return sortedObject([...blocks].map(([label, inner]) => [label, fromBlocks(inner)]));
}

/** An object with its keys in Go's map order (UTF-8 bytes), as JSON.parse of hcl2json's output builds it. */
function sortedObject(entries: [string, unknown][]): Record<string, unknown> {
  if (entries.length > 1) entries.sort((a, b) => byCodePoint(a[0], b[0]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    // An assignment to `__proto__` would set the prototype; JSON.parse makes it an own key.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

/**
 * Compares by code point, which is UTF-8 byte order. UTF-16 code units differ from it only
 * when a surrogate (U+D800–DFFF, half of a code point past U+FFFF) meets U+E000–FFFF.
 */
function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** HCL normalizes the strings of expressions (not block labels) to NFC. */
function nfc(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return s.normalize('NFC');
  return s;
}
