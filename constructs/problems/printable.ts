import { LONE_SURROGATE } from './lone-surrogate.ts';

/**
 * Characters a terminal or CI log may act on instead of showing: C0 and C1 controls (ESC
 * starts colour, cursor-movement and line-erasing sequences; CR overwrites a line), DEL,
 * the bidirectional overrides and isolates (they reorder what a reviewer reads), and lone
 * UTF-16 surrogates (not text at all).
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = new RegExp(`[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]|${LONE_SURROGATE.source}`, 'g');

/**
 * `text` with every character a terminal could act on written as an escape (`\x1b`,
 * `\u202e`), so a name, reason or message from a config or a cloud can neither hide nor fake
 * lines of a rendering. With `keepNewlines`, `\n` stays a line break (for messages built of
 * several lines); every other control is escaped.
 * @example printable('evil\x1b[2K') // 'evil\\x1b[2K'
 */
export function printable(text: string, opts: { readonly keepNewlines?: boolean } = {}): string {
  return text.replace(UNPRINTABLE, (c) => {
    if (c === '\n' && opts.keepNewlines === true) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
