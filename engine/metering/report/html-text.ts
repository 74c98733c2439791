/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * An amount as a finance reader expects it: thousands separators, two decimals (four below
 * one cent, so tiny per-unit prices don't show as 0.00), and the currency when known.
 * @example formatAmount(1234.5, 'EUR') === '1,234.50 EUR'
 */
export function formatAmount(amount: number, currency: string | null): string {
  const digits = amount !== 0 && Math.abs(amount) < 0.01 ? 4 : 2;
  const text = amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return currency ? `${text} ${currency}` : text;
}

/** A quantity with up to three decimals and thousands separators. */
export function formatQuantity(q: number): string {
  return q.toLocaleString('en-US', { maximumFractionDigits: 3 });
}
