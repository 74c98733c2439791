/**
 * A CSV field (RFC 4180): quoted when it holds a separator, quote or newline; text that a
 * spreadsheet would run as a formula (=, +, -, @) is prefixed with `'`. Money and
 * quantities are passed as text already, so they are written digit for digit.
 */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@]/.test(v) && !/^-\d/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line. */
export const csvRow = (fields: readonly (string | number | null)[]): string => `${fields.map(csvField).join(',')}\n`;
