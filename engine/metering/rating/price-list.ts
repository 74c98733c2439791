import { err, ok, type Result } from 'neverthrow';
import { settingsError, type MeteringSettingsError } from '../errors.ts';
import type { Metric, UsageLine } from '../usage/usage-line.ts';

/**
 * A price list as the config writes it: price per unit-hour by key.
 *
 * | key                                  | price per …                    |
 * |--------------------------------------|--------------------------------|
 * | `server.flavor.FLAVOR`               | server-hour of that flavor     |
 * | `server.vcpu_hour`                   | vCPU-hour (any flavor)         |
 * | `server.ram_gib_hour`                | GiB-hour of RAM (any flavor)   |
 * | `volume.type.TYPE.gigabyte_hour`     | GiB-hour of a volume of TYPE   |
 * | `volume.gigabyte_hour`               | GiB-hour of any other volume   |
 * | `snapshot.gigabyte_hour`             | GiB-hour of a volume snapshot  |
 * | `floatingip.hour`                    | floating-IP-hour               |
 * | `router.hour`                        | router-hour                    |
 * | `loadbalancer.hour`                  | load-balancer-hour             |
 * | `image.gigabyte_hour`                | GiB-hour of an image           |
 *
 * A flavor can be priced per server-hour, per vCPU/RAM, or both (the charges add up).
 * @example { "server.flavor.m1.small": 0.02, "volume.gigabyte_hour": 0.0001, "floatingip.hour": 0.005 }
 */
export type PriceList = Readonly<Record<string, number>>;

const KEY_FORMS: readonly RegExp[] = [
  /^server\.flavor\..+$/,
  /^server\.vcpu_hour$/,
  /^server\.ram_gib_hour$/,
  /^volume\.type\..+\.gigabyte_hour$/,
  /^volume\.gigabyte_hour$/,
  /^snapshot\.gigabyte_hour$/,
  /^floatingip\.hour$/,
  /^router\.hour$/,
  /^loadbalancer\.hour$/,
  /^image\.gigabyte_hour$/,
];

/**
 * Checks every key and price at once: a mistyped key would silently leave usage unpriced.
 * @example validatePriceList({ 'floatingip.hour': 0.005 }).isOk() === true
 */
export function validatePriceList(prices: Readonly<Record<string, unknown>>): Result<PriceList, MeteringSettingsError> {
  const problems: string[] = [];
  for (const [key, price] of Object.entries(prices).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!KEY_FORMS.some((re) => re.test(key))) problems.push(`unknown price key ${JSON.stringify(key)}`);
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) problems.push(`price of ${JSON.stringify(key)} must be a number >= 0, got ${JSON.stringify(price)}`);
  }
  if (problems.length > 0) {
    return err(
      settingsError(
        `The metering price list has ${problems.length} problem(s): ${problems.join('; ')}. Keys are server.flavor.FLAVOR, server.vcpu_hour, server.ram_gib_hour, ` +
          'volume.type.TYPE.gigabyte_hour, volume.gigabyte_hour, snapshot.gigabyte_hour, floatingip.hour, router.hour, loadbalancer.hour, image.gigabyte_hour.',
      ),
    );
  }
  return ok(prices as PriceList);
}

/** The keys that may price a line, most specific first. */
export function priceKeys(metric: Metric, qualifier: string | null): readonly string[] {
  switch (metric) {
    case 'server.hours':
      return [`server.flavor.${qualifier ?? 'unknown'}`];
    case 'vcpu.hours':
      return ['server.vcpu_hour'];
    case 'ram.gib_hours':
      return ['server.ram_gib_hour'];
    case 'volume.gib_hours':
      return [`volume.type.${qualifier ?? 'unknown'}.gigabyte_hour`, 'volume.gigabyte_hour'];
    case 'snapshot.gib_hours':
      return ['snapshot.gigabyte_hour'];
    case 'floatingip.hours':
      return ['floatingip.hour'];
    case 'router.hours':
      return ['router.hour'];
    case 'loadbalancer.hours':
      return ['loadbalancer.hour'];
    case 'image.gib_hours':
      return ['image.gigabyte_hour'];
  }
}

/** The price that applies to a line's metric and qualifier, with its key; undefined when unpriced. */
export function priceFor(prices: PriceList, metric: Metric, qualifier: string | null): { readonly key: string; readonly price: number } | undefined {
  for (const key of priceKeys(metric, qualifier)) {
    const price = prices[key];
    if (price !== undefined) return { key, price };
  }
  return undefined;
}

/** A usage line with its price applied. `unitPrice` and `priceKey` are null when nothing prices it. */
export interface Charge extends UsageLine {
  readonly priceKey: string | null;
  readonly unitPrice: number | null;
  readonly amount: number;
}

/** Rates one usage line. Unpriced usage keeps its quantity, with amount 0 and no price key. */
export function rate(prices: PriceList, line: UsageLine): Charge {
  const p = priceFor(prices, line.metric, line.qualifier);
  return { ...line, priceKey: p?.key ?? null, unitPrice: p?.price ?? null, amount: p ? line.quantity * p.price : 0 };
}
