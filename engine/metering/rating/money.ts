/**
 * Exact money: prices as decimals (integer units at a scale, never binary floats), amounts
 * in integer minor units of a currency, and the one rounding rule of a statement.
 *
 * The rule (README, "Rounding"): a stated line's exact amount, quantity × unit price
 * computed in integers, is rounded once, half away from zero, to the currency's minor unit
 * (cents for EUR). Every total is the sum of the stated lines it covers. Breakdowns of a
 * line (per day, per resource, per hour) share the line's rounded amount out by the
 * largest-remainder method, so they add up to it exactly.
 */

/** A decimal number: `units / 10^scale`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/**
 * The decimal a configured price stands for, read from its shortest round-trip text
 * (`0.0000315` stays 0.0000315, not the nearest binary fraction).
 * @example decimalOf(0.0125) // { units: 125n, scale: 4 }
 */
export function decimalOf(n: number): Decimal {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  const [mantissa, exp] = n.toString().toLowerCase().split('e') as [string, string | undefined];
  const negative = mantissa.startsWith('-');
  const [whole, frac = ''] = mantissa.replace('-', '').split('.') as [string, string | undefined];
  let units = BigInt(`${whole}${frac}`);
  let scale = frac.length - Number(exp ?? 0);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: negative ? -units : units, scale };
}

/**
 * A decimal as plain text, every configured digit kept, no exponent.
 * @example decimalText({ units: 315n, scale: 7 }) === '0.0000315'
 */
export function decimalText(d: Decimal): string {
  const neg = d.units < 0n;
  const digits = (neg ? -d.units : d.units).toString().padStart(d.scale + 1, '0');
  const text = d.scale === 0 ? digits : `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  return neg ? `-${text}` : text;
}

/**
 * `numerator / denominator` rounded half away from zero to an integer.
 * @example roundDiv(5n, 2n) === 3n
 */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error('denominator must be positive');
  const neg = numerator < 0n;
  const n = neg ? -numerator : numerator;
  const q = (2n * n + denominator) / (2n * denominator);
  return neg ? -q : q;
}

/**
 * A stated line's amount in minor units: units / perUnit × price, rounded once.
 * @example lineAmount(171600n, 3600n, { units: 315n, scale: 7 }, 6) // 47.666… GiB-h × 0.0000315 → 1502n (0.001502)
 */
export function lineAmount(units: bigint, perUnit: bigint, price: Decimal | null, digits: number): bigint {
  const rate = lineRate(perUnit, price, digits);
  return roundDiv(units * rate.numerator, rate.denominator);
}

/**
 * Minor units per unit of a line's exact quantity, as a fraction: a line's amount is
 * `units × numerator / denominator` rounded once (`lineAmount`; a store that rates in SQL
 * rounds the same fraction). 0 for an unpriced line.
 * @example lineRate(3600n, { units: 2n, scale: 2 }, 2) // { numerator: 200n, denominator: 360000n }: 0.02 per hour of seconds, in cents
 */
export function lineRate(perUnit: bigint, price: Decimal | null, digits: number): { readonly numerator: bigint; readonly denominator: bigint } {
  if (price === null) return { numerator: 0n, denominator: 1n };
  return { numerator: price.units * 10n ** BigInt(digits), denominator: perUnit * 10n ** BigInt(price.scale) };
}

/**
 * Shares `total` out over parts in proportion to `weights` (all ≥ 0), in whole units, by
 * the largest-remainder method: every part gets the floor of its exact share, and the units
 * left go to the largest remainders (the earlier part on a tie). The shares add up to
 * `total` exactly; each is within one unit of its exact share.
 * @example apportion(4n, [1n, 1n, 1n]) // [2n, 1n, 1n]
 */
export function apportion(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, w) => a + w, 0n);
  if (sum === 0n) {
    if (total !== 0n) throw new Error('cannot share a non-zero total over zero weights');
    return weights.map(() => 0n);
  }
  const shares = weights.map((w) => (total * w) / sum);
  let left = total - shares.reduce((a, s) => a + s, 0n);
  if (left === 0n) return shares;
  const order = weights.map((w, i) => ({ i, rem: (total * w) % sum })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i]! += 1n;
    left -= 1n;
  }
  return shares;
}

/**
 * `apportion` in plain numbers, the same shares, without a bigint per part (a month's report
 * shares ~1.2 M line-days): undefined when `total × Σ weights` passes 2^53 − 1, beyond which
 * numbers are not exact (then use `apportion`). Inputs are whole numbers ≥ 0.
 * @example apportionSafe(4, [1, 1, 1]) // [2, 1, 1]
 */
export function apportionSafe(total: number, weights: readonly number[]): number[] | undefined {
  let sum = 0;
  for (const w of weights) sum += w;
  if (sum > Number.MAX_SAFE_INTEGER || total * sum > Number.MAX_SAFE_INTEGER) return undefined;
  if (sum === 0) {
    if (total !== 0) throw new Error('cannot share a non-zero total over zero weights');
    return weights.map(() => 0);
  }
  const shares = new Array<number>(weights.length);
  const rems = new Array<number>(weights.length);
  let left = total;
  for (let i = 0; i < weights.length; i++) {
    // total × w ≤ total × sum is exact; the quotient is rounded, so its floor is checked against the product.
    const p = total * weights[i]!;
    let q = Math.floor(p / sum);
    if (q * sum > p) q--;
    shares[i] = q;
    rems[i] = p - q * sum;
    left -= q;
  }
  if (left === 0) return shares;
  const order = weights.map((_, i) => i).sort((a, b) => rems[b]! - rems[a]! || a - b);
  for (let k = 0; k < left; k++) shares[order[k]!]! += 1;
  return shares;
}

/**
 * An amount of minor units as decimal text with the currency's digits.
 * @example minorText(-1234n, 2) === '-12.34'
 */
export function minorText(minor: bigint, digits: number): string {
  return decimalText({ units: minor, scale: digits });
}
