import type { ConfigPath, Position } from '../problems/source.ts';
import { tokenize, type Token } from './hcl-tokens.ts';

/** Where a path's key and value start; a path declared more than once (a repeated block) has several. */
export interface PathPositions {
  readonly key: Position;
  readonly value: Position;
}

/**
 * Maps document paths to source positions for an HCL file: block headers
 * (`workspace "acme"` → `['workspace', 'acme']`), attributes, object-literal keys
 * (`quota = { "compute.cores" = 20 }` → `[..., 'quota', 'compute.cores']`) and list items
 * (`[..., 'roles', '1']`). Paths are those of the JSON form, so a problem found there can be
 * shown at its line and column.
 */
export function hclPositions(text: string): ReadonlyMap<string, readonly PathPositions[]> {
  return hclScan(text).positions;
}

/** An HCL file's positions, and the object-literal keys repeated inside one object. */
export interface HclScan {
  readonly positions: ReadonlyMap<string, readonly PathPositions[]>;
  /**
   * Keys written twice in one object (`{ admin = "member", admin = "reader" }`): HCL's JSON
   * form keeps the last silently, where YAML and JSON configs are refused.
   */
  readonly repeatedKeys: readonly { readonly path: ConfigPath; readonly at: Position }[];
}

/** Scans `text` once for `hclPositions` and repeated object keys. */
export function hclScan(text: string): HclScan {
  const scanner = new Scanner(tokenize(text));
  scanner.body([]);
  return { positions: scanner.positions, repeatedKeys: scanner.repeatedKeys };
}

/** The map key of a path. */
export function pathKey(path: ConfigPath): string {
  return path.join('\u0000');
}

class Scanner {
  readonly positions = new Map<string, PathPositions[]>();
  readonly repeatedKeys: { path: ConfigPath; at: Position }[] = [];
  private i = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** A body: attributes and blocks until `}` or the end. */
  body(base: readonly string[]): void {
    for (;;) {
      this.skip();
      const t = this.peek();
      if (!t || (t.kind === 'punct' && t.text === '}')) return;
      this.i++;
      if (t.kind !== 'ident' && t.kind !== 'string') continue;
      const next = this.peek();
      if (next?.kind === 'punct' && (next.text === '=' || next.text === ':')) {
        this.i++;
        this.record([...base, t.text], t, this.peek() ?? t);
        this.expression([...base, t.text]);
      } else this.block(base, t);
    }
  }

  private block(base: readonly string[], type: Token): void {
    const labels: Token[] = [];
    while (this.peek() && (this.peek()!.kind === 'string' || this.peek()!.kind === 'ident')) labels.push(this.tokens[this.i++]!);
    const path = [...base, type.text];
    if (!this.positions.has(pathKey(path))) this.record(path, type, labels[0] ?? type);
    for (const l of labels) {
      path.push(l.text);
      this.record(path, l, l);
    }
    if (this.peekPunct('{')) {
      this.i++;
      this.body(path);
      if (this.peekPunct('}')) this.i++;
    }
  }

  /** One expression; objects and tuples are entered, anything else is skipped to its end. */
  private expression(path: readonly string[]): void {
    if (this.peekPunct('{')) return this.object(path);
    if (this.peekPunct('[')) return this.tuple(path);
    let depth = 0;
    for (let t = this.peek(); t; t = this.peek()) {
      if (depth === 0 && (t.kind === 'newline' || (t.kind === 'punct' && ',}])'.includes(t.text)))) return;
      if (t.kind === 'punct' && '{[('.includes(t.text)) depth++;
      if (t.kind === 'punct' && '}])'.includes(t.text)) depth--;
      this.i++;
    }
  }

  private object(path: readonly string[]): void {
    this.i++;
    const seen = new Set<string>();
    for (;;) {
      this.skip(',');
      const key = this.peek();
      if (!key || (key.kind === 'punct' && key.text === '}')) break;
      this.i++;
      if (!this.peekPunct('=') && !this.peekPunct(':')) continue;
      this.i++;
      this.skip();
      if (seen.has(key.text)) this.repeatedKeys.push({ path: [...path, key.text], at: { line: key.line, column: key.column } });
      seen.add(key.text);
      this.record([...path, key.text], key, this.peek() ?? key);
      this.expression([...path, key.text]);
    }
    if (this.peekPunct('}')) this.i++;
  }

  private tuple(path: readonly string[]): void {
    this.i++;
    for (let index = 0; ; index++) {
      this.skip(',');
      const t = this.peek();
      if (!t || (t.kind === 'punct' && t.text === ']')) break;
      this.record([...path, String(index)], t, t);
      const before = this.i;
      this.expression([...path, String(index)]);
      if (this.i === before) this.i++;
    }
    if (this.peekPunct(']')) this.i++;
  }

  private record(path: readonly string[], key: Token, value: Token): void {
    const k = pathKey(path);
    const entry = { key: { line: key.line, column: key.column }, value: { line: value.line, column: value.column } };
    const list = this.positions.get(k);
    if (list) list.push(entry);
    else this.positions.set(k, [entry]);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private peekPunct(c: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === c;
  }

  /** Skips newlines, and the punctuation given. */
  private skip(...what: string[]): void {
    for (let t = this.peek(); t && (t.kind === 'newline' || (t.kind === 'punct' && what.includes(t.text))); t = this.peek()) this.i++;
  }
}
