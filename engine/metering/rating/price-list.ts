import { err, ok, type Result } from 'neverthrow';
import { settingsError, type MeteringSettingsError } from '../errors.ts';
import { METRICS, type Metric, type ServerState } from '../usage/usage-line.ts';
import { decimalOf, type Decimal } from './money.ts';
import type { ResourceType } from '../sample.ts';
import { compareCodeUnits } from '../../../constructs/model/code-unit-order.ts';

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
 * | `server.stopped.flavor.FLAVOR`       | hour of a stopped server       |
 * | `server.stopped.vcpu_hour`           | vCPU-hour of a stopped server  |
 * | `server.stopped.ram_gib_hour`        | RAM GiB-hour of a stopped server |
 *
 * A flavor can be priced per server-hour, per vCPU/RAM, or both (the charges add up).
 * A stopped server (SHUTOFF, SUSPENDED, PAUSED, SHELVED) is charged by its `server.stopped.*`
 * key where the list has one, else like a running server (its flavor stays reserved).
 * Volume type `default` also prices cinder's `__DEFAULT__` type.
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
  /^server\.stopped\.flavor\..+$/,
  /^server\.stopped\.vcpu_hour$/,
  /^server\.stopped\.ram_gib_hour$/,
];

/**
 * Checks every key and price at once: a mistyped key would silently leave usage unpriced.
 * @example validatePriceList({ 'floatingip.hour': 0.005 }).isOk() === true
 */
export function validatePriceList(prices: Readonly<Record<string, unknown>>): Result<PriceList, MeteringSettingsError> {
  const problems: string[] = [];
  for (const [key, price] of Object.entries(prices).sort(([a], [b]) => compareCodeUnits(a, b))) {
    if (!KEY_FORMS.some((re) => re.test(key))) problems.push(`unknown price key ${JSON.stringify(key)}`);
    if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) problems.push(`price of ${JSON.stringify(key)} must be a number >= 0, got ${JSON.stringify(price)}`);
  }
  if (problems.length > 0) {
    return err(
      settingsError(
        `The metering price list has ${problems.length} problem(s): ${problems.join('; ')}. Keys are server.flavor.FLAVOR, server.vcpu_hour, server.ram_gib_hour, ` +
          'volume.type.TYPE.gigabyte_hour, volume.gigabyte_hour, snapshot.gigabyte_hour, floatingip.hour, router.hour, loadbalancer.hour, image.gigabyte_hour, ' +
          'server.stopped.flavor.FLAVOR, server.stopped.vcpu_hour, server.stopped.ram_gib_hour.',
      ),
    );
  }
  return ok(prices as PriceList);
}

/** The keys that may price a line, most specific first. */
export function priceKeys(metric: Metric, qualifier: string | null, state: ServerState | null = null): readonly string[] {
  const stopped = (key: string): readonly string[] => (state === 'stopped' ? [key.replace(/^server\./, 'server.stopped.'), key] : [key]);
  switch (metric) {
    case 'server.hours':
      return stopped(`server.flavor.${qualifier ?? 'unknown'}`);
    case 'vcpu.hours':
      return stopped('server.vcpu_hour');
    case 'ram.gib_hours':
      return stopped('server.ram_gib_hour');
    case 'volume.gib_hours':
      return qualifier === '__DEFAULT__'
        ? ['volume.type.__DEFAULT__.gigabyte_hour', 'volume.type.default.gigabyte_hour', 'volume.gigabyte_hour']
        : [`volume.type.${qualifier ?? 'unknown'}.gigabyte_hour`, 'volume.gigabyte_hour'];
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

/** A price that applies, with its key and its exact value. */
export interface AppliedPrice {
  readonly key: string;
  /** As configured; shown on statements digit for digit. */
  readonly price: Decimal;
}

/** The price that applies to a line's metric, qualifier and server state, with its key; undefined when unpriced. */
export function priceFor(prices: PriceList, metric: Metric, qualifier: string | null, state: ServerState | null = null): AppliedPrice | undefined {
  for (const key of priceKeys(metric, qualifier, state)) {
    const price = prices[key];
    if (price !== undefined) return { key, price: decimalOf(price) };
  }
  return undefined;
}

/**
 * Whether anything in the list prices a resource of this type, variant (flavor, volume
 * type) and state: a server priced by its flavor alone needs no vCPU or RAM price, so only
 * usage of a resource with no price at all is worth a warning.
 */
export function resourcePriced(prices: PriceList, resourceType: ResourceType, variant: string | null, state: ServerState | null): boolean {
  return (Object.keys(METRICS) as Metric[])
    .filter((m) => METRICS[m].resourceType === resourceType)
    .some((m) => priceFor(prices, m, m === 'server.hours' || m === 'volume.gib_hours' ? variant : null, state) !== undefined);
}
