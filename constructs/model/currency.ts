import { err, ok, type Result } from 'neverthrow';

/** An ISO 4217 currency and its minor unit. */
export interface Currency {
  /** Three upper-case letters, e.g. `EUR`. */
  readonly code: string;
  /** Digits of the minor unit: 2 for EUR (cents), 0 for JPY, 3 for KWD. */
  readonly digits: number;
}

/**
 * The currency a code names, with its minor unit as ISO 4217 (through the ICU data Node
 * ships) states it; a message saying what is wrong otherwise.
 * @example currencyOf('EUR') // ok({ code: 'EUR', digits: 2 })
 */
export function currencyOf(code: string): Result<Currency, string> {
  if (!/^[A-Z]{3}$/.test(code)) return err(`currency ${JSON.stringify(code)} is not an ISO 4217 code: write three capital letters, e.g. "EUR" or "USD"`);
  if (!Intl.supportedValuesOf('currency').includes(code)) return err(`currency ${JSON.stringify(code)} is not an ISO 4217 currency: write e.g. "EUR", "USD" or "CHF"`);
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  return ok({ code, digits });
}
