import { err, ok, type Result } from 'neverthrow';
import type { SynthOutput } from '../../constructs/synth/synth-output.ts';
import { settingsError, type MeteringSettingsError } from './errors.ts';
import { validatePriceList, type PriceList } from './rating/price-list.ts';

/** Everything the metering commands need about one platform, from the config. */
export interface MeterTarget {
  readonly platform: string;
  /** clouds.yaml entry of the metering account; null when the platform names none. */
  readonly meteringCloud: string | null;
  readonly region: string;
  readonly intervalSeconds: number;
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
  return validatePriceList(m.prices).map((prices) => ({ platform: id, meteringCloud: p.meteringCloud, region: p.region, intervalSeconds: m.intervalSeconds, store: m.store, prices }));
}

/** The metering account's cloud, or advice when the platform names none. */
export function meteringCloud(target: MeterTarget): Result<string, MeteringSettingsError> {
  return target.meteringCloud
    ? ok(target.meteringCloud)
    : err(settingsError(`Platform ${JSON.stringify(target.platform)} names no metering account: add metering_cloud = "ENTRY" (a clouds.yaml entry with cross-project read access) to its platform block.`));
}
