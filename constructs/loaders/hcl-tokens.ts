/**
 * A tolerant tokenizer for HCL files that hcl2json has already accepted: just enough to
 * find where blocks, attributes, object keys and list items start, so that problems found
 * in the JSON form can point at a line and column of the source.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'newline' | 'punct' | 'other';

export interface Token {
  readonly kind: TokenKind;
  /** The text; for strings the unescaped content, for punctuation the character. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

/** Splits `text` into tokens; comments are dropped, newlines kept (they end attributes). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: TokenKind, value: string, start: number) => out.push({ kind, text: value, line, column: start - lineStart + 1 });
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      push('newline', '\n', i);
      newline(i);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') newline(j);
      i = stop;
    } else if (c === '"') {
      const start = i;
      const [value, end, newlines] = readString(text, i);
      push('string', value, start);
      for (const at of newlines) newline(at);
      i = end;
    } else if (c === '<' && text[i + 1] === '<') {
      const start = i;
      const end = skipHeredoc(text, i, newline);
      push('string', text.slice(start, end), start);
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i, i + 256))!;
      push('ident', m[0], i);
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 64))!;
      push('number', m[0], i);
      i += m[0].length;
    } else {
      push('{}[]()=:,'.includes(c) ? 'punct' : 'other', c, i);
      i++;
    }
  }
  return out;
}

/** Reads a quoted string (with `${...}` templates, which may hold strings) from `i`; returns content, end and newline offsets. */
function readString(text: string, i: number): [string, number, number[]] {
  let value = '';
  const newlines: number[] = [];
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    const c = text[j]!;
    if (c === '\\') {
      const n = text[j + 1] ?? '';
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      j += 2;
    } else if ((c === '$' || c === '%') && text[j + 1] === '{') {
      const end = templateEnd(text, j + 2);
      value += text.slice(j, end);
      j = end;
    } else {
      if (c === '\n') newlines.push(j);
      value += c;
      j++;
    }
  }
  return [value, Math.min(j + 1, text.length), newlines];
}

function templateEnd(text: string, j: number): number {
  let depth = 1;
  while (j < text.length && depth > 0) {
    const c = text[j]!;
    if (c === '"') j = readString(text, j)[1];
    else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      j++;
    }
  }
  return j;
}

/** Skips `<<EOT ... EOT` (or `<<-EOT`); returns the end offset, reporting newlines. */
function skipHeredoc(text: string, i: number, newline: (at: number) => void): number {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, i + 256));
  if (!m) return i + 2;
  let j = text.indexOf('\n', i);
  while (j >= 0) {
    newline(j);
    const next = text.indexOf('\n', j + 1);
    const lineText = text.slice(j + 1, next < 0 ? text.length : next);
    if (lineText.trim() === m[1]) return next < 0 ? text.length : next;
    j = next;
  }
  return text.length;
}
