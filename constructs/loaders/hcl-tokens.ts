/**
 * The one HCL tokenizer in keyform. It serves two readers: the position scanner
 * (hcl-positions.ts), which only needs to find where things start in a file hcl2json has
 * accepted and so must be tolerant, and the literal reader (hcl-literal-reader.ts), which
 * needs to know exactly when a token is one whose value it can compute the way HCL does.
 * Tokens therefore carry a `literal` flag instead of being rejected.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'newline' | 'punct' | 'other';

export interface Token {
  readonly kind: TokenKind;
  /** The text; for strings the unescaped content, for punctuation the character. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Reads tokens one at a time into its own fields (nothing is allocated but their text), so
 * that a reader can walk a large file without building a token array. Comments are dropped,
 * newlines kept (they end attributes). Characters HCL has no use for (a lone `\r`, a
 * byte-order mark, `\f`) and an unterminated `/*` come out as `other` tokens.
 * @example const lexer = new HclLexer('a = 1\n'); while (lexer.next()) console.log(lexer.kind, lexer.text);
 */
export class HclLexer {
  /** The current token's kind; `end` before the first `next()` and after the last token. */
  kind: TokenKind | 'end' = 'end';
  /** The current token's text (see `Token.text`). */
  text = '';
  line = 1;
  column = 1;
  /**
   * For a string: true when `text` is exactly the string's value in HCL up to Unicode
   * normalization — a quoted string closed on its line, with only HCL's escapes (`\n \r \t
   * \" \\ \uNNNN \UNNNNNNNN`), no template (`${`, `%{`, nor such text made by an escape),
   * no lone UTF-16 surrogate.
   * False for heredocs and for anything else. Meaningless for other kinds.
   */
  literal = true;
  private i = 0;
  private lineNo = 1;
  private lineStart = 0;

  constructor(private readonly src: string) {}

  /** Moves to the next token; false at the end of the text. */
  next(): boolean {
    const src = this.src;
    while (this.i < src.length) {
      const start = this.i;
      const c = src.charCodeAt(start);
      if (c === 0x0a) {
        this.set('newline', '\n', start);
        this.newline(start);
        this.i++;
        return true;
      }
      if (c === 0x20 || c === 0x09 || (c === 0x0d && src.charCodeAt(start + 1) === 0x0a)) this.i++;
      else if (c === 0x23 || (c === 0x2f && src.charCodeAt(start + 1) === 0x2f)) {
        const end = src.indexOf('\n', start);
        this.i = end < 0 ? src.length : end;
      } else if (c === 0x2f && src.charCodeAt(start + 1) === 0x2a) {
        const end = src.indexOf('*/', start + 2);
        if (end < 0) {
          this.set('other', '/*', start);
          this.i = src.length;
          return true;
        }
        for (let j = src.indexOf('\n', start); j >= 0 && j < end; j = src.indexOf('\n', j + 1)) this.newline(j);
        this.i = end + 2;
      } else if (c === 0x22) {
        this.set('string', '', start);
        this.readString();
        return true;
      } else if (c === 0x3c && src.charCodeAt(start + 1) === 0x3c) {
        this.i = this.skipHeredoc(start);
        this.set('string', src.slice(start, this.i), start);
        this.literal = false;
        return true;
      } else if (isIdentStart(c)) {
        let j = start + 1;
        while (j < src.length && isIdentPart(src.charCodeAt(j))) j++;
        this.i = j;
        this.set('ident', src.slice(start, j), start);
        return true;
      } else if (isDigit(c)) {
        NUMBER.lastIndex = start;
        NUMBER.test(src);
        this.i = NUMBER.lastIndex;
        this.set('number', src.slice(start, this.i), start);
        return true;
      } else {
        this.i++;
        this.set(PUNCT.includes(src[start]!) ? 'punct' : 'other', src[start]!, start);
        return true;
      }
    }
    this.kind = 'end';
    this.text = '';
    this.line = this.lineNo;
    this.column = this.i - this.lineStart + 1;
    return false;
  }

  private set(kind: TokenKind, text: string, start: number): void {
    this.kind = kind;
    this.text = text;
    this.line = this.lineNo;
    this.column = start - this.lineStart + 1;
    this.literal = true;
  }

  private newline(at: number): void {
    this.lineNo++;
    this.lineStart = at + 1;
  }

  /** Reads the quoted string at `this.i` into `text`, moving past its closing quote. */
  private readString(): void {
    const src = this.src;
    const from = this.i + 1;
    // Most strings hold no escape, template or newline: one slice.
    let plain = from;
    while (plain < src.length && isPlainStringChar(src.charCodeAt(plain))) plain++;
    if (src.charCodeAt(plain) === 0x22) {
      this.text = src.slice(from, plain);
      this.i = plain + 1;
      return;
    }
    const [value, end, literal] = this.readStringSlow(from);
    this.text = value;
    this.i = end;
    // An escape can spell a template marker (`\u0024{`), which hcl2json writes back escaped.
    this.literal = literal && !value.includes('${') && !value.includes('%{');
  }

  /** The general case of `readString` from just after the opening quote: value, end offset, literal. */
  private readStringSlow(from: number): [string, number, boolean] {
    const src = this.src;
    let value = '';
    let literal = true;
    let j = from;
    while (j < src.length && src[j] !== '"') {
      const c = src[j]!;
      if (c === '\\') {
        const [decoded, length] = unescape(src, j);
        if (decoded === undefined) {
          literal = false;
          value += src[j + 1] ?? '';
        } else value += decoded;
        j += length;
      } else if ((c === '$' || c === '%') && src[j + 1] === '{') {
        const end = this.templateEnd(j + 2);
        value += src.slice(j, end);
        literal = false;
        j = end;
      } else if (isSurrogate(src.charCodeAt(j))) {
        // A file read as UTF-8 has none alone; hcl2json would get U+FFFD for one.
        const pair = src.charCodeAt(j) <= 0xdbff && isSurrogate(src.charCodeAt(j + 1)) && src.charCodeAt(j + 1) >= 0xdc00;
        if (!pair) literal = false;
        value += src.slice(j, j + (pair ? 2 : 1));
        j += pair ? 2 : 1;
      } else {
        if (c === '\n') this.newline(j);
        if (c === '\n' || c === '\r') literal = false;
        value += c;
        j++;
      }
    }
    if (j >= src.length) literal = false;
    return [value, Math.min(j + 1, src.length), literal];
  }

  /** The end of a `${...}` or `%{...}` template starting at `j` (just inside its brace); it may hold strings. */
  private templateEnd(j: number): number {
    const src = this.src;
    let depth = 1;
    while (j < src.length && depth > 0) {
      const c = src[j]!;
      if (c === '"') j = this.readStringSlow(j + 1)[1];
      else {
        if (c === '{') depth++;
        if (c === '}') depth--;
        if (c === '\n') this.newline(j);
        j++;
      }
    }
    return j;
  }

  /** Skips `<<EOT ... EOT` (or `<<-EOT`) from `i`; returns the end offset. */
  private skipHeredoc(i: number): number {
    const src = this.src;
    const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i, i + 256));
    if (!m) return i + 2;
    let j = src.indexOf('\n', i);
    while (j >= 0) {
      this.newline(j);
      const next = src.indexOf('\n', j + 1);
      const lineText = src.slice(j + 1, next < 0 ? src.length : next);
      if (lineText.trim() === m[1]) return next < 0 ? src.length : next;
      j = next;
    }
    return src.length;
  }
}

/** Splits `text` into tokens; comments are dropped, newlines kept (they end attributes). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const lexer = new HclLexer(text);
  while (lexer.next()) out.push({ kind: lexer.kind as TokenKind, text: lexer.text, line: lexer.line, column: lexer.column });
  return out;
}

const PUNCT = '{}[]()=:,';
const NUMBER = /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Decodes the escape at `src[j]` (a backslash) as HCL does; `undefined` for one HCL
 * rejects (`\q`, a `\u` without four hex digits, a surrogate or a code point past U+10FFFF).
 * Returns the decoded text and how many characters the escape spans.
 */
function unescape(src: string, j: number): [string | undefined, number] {
  const selector = src[j + 1] ?? '';
  const simple = SIMPLE_ESCAPES[selector];
  if (simple !== undefined) return [simple, 2];
  const digits = selector === 'u' ? 4 : selector === 'U' ? 8 : 0;
  const hex = src.slice(j + 2, j + 2 + digits);
  if (digits === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== digits) return [undefined, 2];
  const code = parseInt(hex, 16);
  if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return [undefined, 2 + digits];
  return [String.fromCodePoint(code), 2 + digits];
}

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 0x2d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** A string character needing no decoding: not `"`, `\`, `$`, `%`, `\n`, `\r` or half of a surrogate pair. */
function isPlainStringChar(c: number): boolean {
  return c !== 0x22 && c !== 0x5c && c !== 0x24 && c !== 0x25 && c !== 0x0a && c !== 0x0d && !isSurrogate(c);
}

function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}
