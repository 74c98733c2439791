import { err, ok, type Result } from 'neverthrow';

/** How `parseJsonBytes` cuts a text. */
export interface PieceOptions {
  /**
   * Bytes of text parsed by one `JSON.parse` at most (but for a single string or number
   * longer than that, or a value nested deeper than MAX_WALK_DEPTH). @default 1 MiB
   */
  readonly maxPiece?: number;
}

/** Default `maxPiece`: a plan's change is ~1 KB, an array of them ~100 MB at 100,000 tenants. */
const MAX_PIECE = 1 << 20;

/**
 * Arrays and objects nested deeper than this are parsed whole by `JSON.parse` (which is not
 * recursive), however long: the walk below is recursive, and a plan is 7 levels deep.
 */
const MAX_WALK_DEPTH = 64;

/**
 * `JSON.parse` of UTF-8 `bytes`, for a text longer than V8's longest string (~512 MB; a plan
 * file of 100,000 tenants is ~740 MB): the arrays and objects longer than `maxPiece` are
 * walked here, member by member, and every shorter value is parsed by `JSON.parse` from its
 * own bytes, so no string longer than `maxPiece` is made. The value is the one `JSON.parse`
 * gives for the whole text (the last of duplicate keys wins, `__proto__` is a plain key). A
 * text no longer than `maxPiece` is parsed whole, with `JSON.parse`'s own error messages;
 * errors found by the walk name the byte they are at.
 * @example parseJsonBytes(await readFile('plan.kfplan')) // ok({ formatVersion: 2, … })
 */
export function parseJsonBytes(bytes: Uint8Array, options: PieceOptions = {}): Result<unknown, string> {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const maxPiece = Math.max(1, options.maxPiece ?? MAX_PIECE);
  try {
    if (buf.length <= maxPiece) return ok(JSON.parse(buf.toString('utf8')));
    const [value, end] = new Walk(buf, maxPiece).value(0, 0);
    const rest = skipSpace(buf, end);
    if (rest < buf.length) return err(`Unexpected non-whitespace character after JSON at byte ${rest}`);
    return ok(value);
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof NotJson) return err(e.message);
    // A piece too long for a string (a single value of ~512 MB) is a file keyform did not write.
    if (e instanceof RangeError || (e as { code?: unknown }).code === 'ERR_STRING_TOO_LONG') return err(`a single value is too long to read (${(e as Error).message})`);
    throw e;
  }
}

/** A text the walk finds is not JSON (thrown inside the walk only, returned as an error above). */
class NotJson extends Error {}

const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(buf: Buffer, p: number): number {
  while (isSpace(buf[p])) p++;
  return p;
}

/** The end (after the closing quote) of the string whose opening quote is at `p`, or -1 when it is not closed. */
function stringEnd(buf: Buffer, p: number): number {
  for (let q = buf.indexOf(QUOTE, p + 1); q >= 0; q = buf.indexOf(QUOTE, q + 1)) {
    let backslashes = 0;
    while (buf[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
  }
  return -1;
}

/** The walk over one text: each method takes the byte a value starts at and returns it with the byte after it. */
class Walk {
  constructor(private readonly buf: Buffer, private readonly maxPiece: number) {}

  value(start: number, depth: number): [unknown, number] {
    const { buf } = this;
    const p = skipSpace(buf, start);
    const c = buf[p];
    if (c === undefined) throw new NotJson(`Unexpected end of JSON input at byte ${p}`);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      // Short enough (or nested too deep to walk): one piece. Not closed before the end: the
      // text is cut short, and JSON.parse says so.
      const limit = depth >= MAX_WALK_DEPTH ? buf.length : Math.min(buf.length, p + this.maxPiece);
      const end = this.containerEnd(p, limit);
      if (end > 0) return [this.piece(p, end), end];
      if (limit === buf.length) return [this.piece(p, buf.length), buf.length];
      return c === OPEN_BRACE ? this.object(p, depth) : this.array(p, depth);
    }
    if (c === QUOTE) {
      const end = stringEnd(buf, p);
      if (end < 0) throw new NotJson(`Unterminated string in JSON at byte ${p}`);
      return [this.piece(p, end), end];
    }
    let end = p;
    while (end < buf.length && !isSpace(buf[end]) && buf[end] !== COMMA && buf[end] !== CLOSE_BRACKET && buf[end] !== CLOSE_BRACE) end++;
    return [this.piece(p, end), end];
  }

  /** The end of the array or object at `p` if it closes before `limit`, else -1. Brackets inside strings do not count. */
  private containerEnd(p: number, limit: number): number {
    const { buf } = this;
    let depth = 0;
    for (let i = p; i < limit; i++) {
      const c = buf[i];
      if (c === QUOTE) {
        const end = stringEnd(buf, i);
        if (end < 0) return -1;
        i = end - 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }

  /** `JSON.parse` of the bytes from `start` to `end`, its error placed in the whole text. */
  private piece(start: number, end: number): unknown {
    try {
      return JSON.parse(this.buf.toString('utf8', start, end));
    } catch (e) {
      if (e instanceof SyntaxError) throw new NotJson(`${e.message} (in the value at byte ${start})`);
      throw e;
    }
  }

  /** The error for byte `i`, which is not `what` the text needs there. */
  private expected(what: string, i: number): NotJson {
    return new NotJson(i >= this.buf.length ? `Unexpected end of JSON input at byte ${i}` : `Expected ${what} in JSON at byte ${i}`);
  }

  private object(p: number, depth: number): [unknown, number] {
    const { buf } = this;
    const out: Record<string, unknown> = {};
    let i = skipSpace(buf, p + 1);
    if (buf[i] === CLOSE_BRACE) return [out, i + 1];
    for (;;) {
      if (buf[i] !== QUOTE) throw this.expected('a property name', i);
      const keyEnd = stringEnd(buf, i);
      if (keyEnd < 0) throw new NotJson(`Unterminated string in JSON at byte ${i}`);
      const key = this.piece(i, keyEnd) as string;
      i = skipSpace(buf, keyEnd);
      if (buf[i] !== COLON) throw this.expected("':' after a property name", i);
      const [v, after] = this.value(i + 1, depth + 1);
      // As JSON.parse makes it: `__proto__` is a key like any other, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
      i = skipSpace(buf, after);
      if (buf[i] === CLOSE_BRACE) return [out, i + 1];
      if (buf[i] !== COMMA) throw this.expected("',' or '}' after a property value", i);
      i = skipSpace(buf, i + 1);
    }
  }

  private array(p: number, depth: number): [unknown, number] {
    const { buf } = this;
    const out: unknown[] = [];
    let i = skipSpace(buf, p + 1);
    if (buf[i] === CLOSE_BRACKET) return [out, i + 1];
    for (;;) {
      const [v, after] = this.value(i, depth + 1);
      out.push(v);
      i = skipSpace(buf, after);
      if (buf[i] === CLOSE_BRACKET) return [out, i + 1];
      if (buf[i] !== COMMA) throw this.expected("',' or ']' after an array element", i);
      i += 1;
    }
  }
}
