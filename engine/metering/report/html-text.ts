/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Decimal text with thousands separators, every digit kept (money is never re-rounded for
 * display), and the currency when given.
 * @example formatMoney('1234.50', 'EUR') === '1,234.50 EUR'
 */
export function formatMoney(amount: string, currency: string | null): string {
  const neg = amount.startsWith('-');
  const [whole, frac] = (neg ? amount.slice(1) : amount).split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${neg ? '-' : ''}${grouped}${frac === undefined ? '' : `.${frac}`}`;
  return currency ? `${text} ${currency}` : text;
}

/** A quantity with up to six decimals and thousands separators. */
export function formatQuantity(q: number): string {
  return q.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/**
 * A sampling interval in words.
 * @example intervalText(300) === '5 minutes'
 */
export function intervalText(seconds: number): string {
  const parts: string[] = [];
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** Tags as `key=value, key=value`, sorted by key; empty text when there are none. */
export function tagsText(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags).sort().map((k) => `${k}=${tags[k]}`).join(', ');
}
