import { ok, err, type Result } from 'neverthrow';

/**
 * A printf-style conversion, the subset name patterns need: `%s`, `%.7s` (at most 7
 * characters), `%10s` / `%-10s` (padded), `%d`, `%03d` (zero-padded), `%.3d` (at least 3
 * digits).
 */
export interface FormatSpec {
  readonly text: string;
  readonly conversion: 's' | 'd';
  readonly leftAlign: boolean;
  readonly zeroPad: boolean;
  readonly width: number | undefined;
  readonly precision: number | undefined;
}

const SPEC_RE = /^%(-?)(0?)([1-9]\d{0,2})?(?:\.(\d{1,3}))?([sd])$/;

/**
 * Parses a conversion; fails with a sentence saying what is accepted.
 * @example parseFormatSpec('%.7s') // ok({ conversion: 's', precision: 7, ... })
 */
export function parseFormatSpec(text: string): Result<FormatSpec, string> {
  const m = SPEC_RE.exec(text);
  if (!m) return err(`"${text}" is not a supported format; use %s, %.Ns, %Ns, %-Ns, %d, %0Nd or %.Nd`);
  const [, minus, zero, width, precision, conversion] = m;
  if (zero && minus) return err(`"${text}" combines "-" and "0"; a left-aligned number can't be zero-padded`);
  if (zero && conversion === 's') return err(`"${text}" zero-pads a string; use %0Nd for numbers or %Ns for strings`);
  return ok({
    text,
    conversion: conversion as 's' | 'd',
    leftAlign: minus === '-',
    zeroPad: zero === '0',
    width: width === undefined ? undefined : Number(width),
    precision: precision === undefined ? undefined : Number(precision),
  });
}

/**
 * Formats `value` as `spec` says. A `%d` spec must only be given integers; callers check
 * placeholder types when parsing the pattern.
 * @example applyFormat(parseFormatSpec('%03d')._unsafeUnwrap(), 7) // '007'
 */
export function applyFormat(spec: FormatSpec, value: string | number): string {
  let body: string;
  if (spec.conversion === 'd') {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`%d applied to ${String(value)}`);
    const digits = String(Math.abs(value)).padStart(spec.precision ?? 0, '0');
    const sign = value < 0 ? '-' : '';
    body = spec.zeroPad && spec.width !== undefined ? sign + digits.padStart(spec.width - sign.length, '0') : sign + digits;
  } else {
    const s = String(value);
    body = spec.precision === undefined ? s : [...s].slice(0, spec.precision).join('');
  }
  if (spec.width === undefined) return body;
  return spec.leftAlign ? body.padEnd(spec.width, ' ') : body.padStart(spec.width, ' ');
}
