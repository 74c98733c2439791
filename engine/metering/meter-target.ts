import { Result, err, ok } from 'neverthrow';
import { currencyOf, type Currency } from '../../constructs/model/currency.ts';
import type { SynthOutput } from '../../constructs/synth/synth-output.ts';
import { settingsError, type MeteringSettingsError } from './errors.ts';
import { validatePriceList, type PriceList } from './rating/price-list.ts';

/** Everything the metering commands need about one platform, from the config. */
export interface MeterTarget {
  readonly platform: string;
  /** clouds.yaml entry of the metering account; null when the platform names none. */
  readonly meteringCloud: string | null;
  readonly region: string;
  /** The platform's tag prefix: the tenant tags on a project are the tags under it. */
  readonly tagPrefix: string;
  readonly intervalSeconds: number;
  /** ISO 4217 code of the prices; null when the metering block names none. */
  readonly currency: string | null;
  readonly store: string;
  readonly prices: PriceList;
}

/**
 * The metering target of `platform`, or of the only platform with a `metering` block when
 * none is named.
 * @example meterTarget(output, 'os-prod')
 */
export function meterTarget(output: SynthOutput, platform: string | undefined): Result<MeterTarget, MeteringSettingsError> {
  const declared = Object.keys(output.metering).sort();
  const id = platform ?? (declared.length === 1 ? declared[0] : undefined);
  if (id === undefined) {
    return err(
      settingsError(
        declared.length === 0
          ? 'The config has no metering block: add `metering "PLATFORM" { interval = "5m" }`.'
          : `The config meters several platforms (${declared.join(', ')}): choose one with --platform.`,
      ),
    );
  }
  const m = output.metering[id];
  const p = output.settings[id];
  if (!m || !p) return err(settingsError(`Platform ${JSON.stringify(id)} has no metering block in the config${declared.length ? ` (metered: ${declared.join(', ')})` : ''}.`));
  return validatePriceList(m.prices).map((prices) => ({
    platform: id,
    meteringCloud: p.meteringCloud,
    region: p.region,
    tagPrefix: p.tagPrefix,
    intervalSeconds: m.intervalSeconds,
    currency: m.currency,
    store: m.store,
    prices,
  }));
}

/**
 * The metering target of every platform with a `metering` block, sorted by platform: what a
 * report across platforms covers.
 * @example meterTargets(output) // ok([{ platform: 'os-prod', … }, { platform: 'os-test', … }])
 */
export function meterTargets(output: SynthOutput): Result<readonly MeterTarget[], MeteringSettingsError> {
  const declared = Object.keys(output.metering).sort();
  if (declared.length === 0) return err(settingsError('The config has no metering block: add `metering "PLATFORM" { interval = "5m" }`.'));
  return Result.combine(declared.map((id) => meterTarget(output, id)));
}

/** The metering account's cloud, or advice when the platform names none. */
export function meteringCloud(target: MeterTarget): Result<string, MeteringSettingsError> {
  return target.meteringCloud
    ? ok(target.meteringCloud)
    : err(settingsError(`Platform ${JSON.stringify(target.platform)} names no metering account: add metering_cloud = "ENTRY" (a clouds.yaml entry with cross-project read access) to its platform block.`));
}

/** The currency statements are in, or advice when the metering block names none. */
export function meteringCurrency(target: MeterTarget): Result<Currency, MeteringSettingsError> {
  if (target.currency === null) {
    return err(settingsError(`The metering block of ${JSON.stringify(target.platform)} names no currency: add currency = "EUR" (the ISO 4217 code of its prices); every statement states it and rounds to its minor unit.`));
  }
  return currencyOf(target.currency).mapErr((m) => settingsError(`metering ${JSON.stringify(target.platform)}: ${m}.`));
}
