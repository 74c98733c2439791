import type { ConfigPath } from '../problems/source.ts';
import type { Construct } from 'constructs';
import type { ConfigProblem } from '../problems/config-error.ts';
import { currencyOf } from '../model/currency.ts';
import { durationSeconds } from '../model/duration.ts';
import { Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import type { KeyformApp } from './keyform-app.ts';
import type { Platform } from './platform.ts';

export const DEFAULT_METERING_INTERVAL = '5m';
export const DEFAULT_METERING_STORE = 'sqlite://keyform-metering.db';

export interface MeteringCollectorProps extends DeclarationProps {
  /** How often to sample, as `1h30m`, `5m` or `90s`. @default '5m' */
  readonly interval?: string;
  /**
   * ISO 4217 code of the prices (`EUR`, `USD`, `CHF`), stated on every statement; amounts are
   * rounded to its minor unit. `keyform meter report` needs it. @default none
   */
  readonly currency?: string;
  /** `sqlite://PATH` or `postgres://...`. @default 'sqlite://keyform-metering.db' */
  readonly store?: string;
  /** Price list, e.g. `{ 'server.flavor.m1.small': 0.02 }` (per hour). @default {} */
  readonly prices?: Readonly<Record<string, number>>;
}

const METERING = Symbol.for('keyform.MeteringCollector');

/**
 * The usage collector of one platform. Declared here; the metering commands run it.
 * @example new MeteringCollector(app, 'os-prod', { interval: '5m', currency: 'EUR', prices: { 'floatingip.hour': 0.005 } })
 */
export class MeteringCollector extends Declaration {
  static isMeteringCollector(x: unknown): x is MeteringCollector {
    return typeof x === 'object' && x !== null && METERING in x;
  }

  /** The platform identifier; `synth()` checks that it exists. */
  readonly platform: string;
  readonly interval: string;
  readonly currency: string | undefined;
  readonly store: string;
  readonly prices: Readonly<Record<string, number>>;

  constructor(scope: KeyformApp, platform: Platform | string, props: MeteringCollectorProps = {}) {
    const id = typeof platform === 'string' ? platform : platform.identifier;
    super(scope as Construct, nodeId('metering', id), props.source);
    this.platform = id;
    this.interval = props.interval ?? DEFAULT_METERING_INTERVAL;
    this.currency = props.currency;
    this.store = props.store ?? DEFAULT_METERING_STORE;
    this.prices = props.prices ?? {};
  }

  get configPath(): ConfigPath {
    return ['metering', this.platform];
  }

  problems(): ConfigProblem[] {
    const what = `metering ${JSON.stringify(this.platform)}`;
    const out: ConfigProblem[] = [];
    const seconds = durationSeconds(this.interval);
    if (seconds === undefined) {
      out.push(this.problem(['interval'], `${what}: interval ${JSON.stringify(this.interval)} is not a duration`, 'write e.g. "5m", "1h" or "90s"'));
    } else if (seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S) {
      out.push(this.problem(['interval'], `${what}: interval ${JSON.stringify(this.interval)} is out of range`, `sample at most every ${MIN_INTERVAL_S}s (more often floods the cloud's APIs) and at least every ${MAX_INTERVAL_S / 3600}h (hourly usage needs a sample each hour)`));
    }
    if (this.currency !== undefined) {
      const c = currencyOf(this.currency);
      if (c.isErr()) out.push(this.problem(['currency'], `${what}: ${c.error}`, 'ISO 4217 codes are three capital letters, e.g. "EUR"'));
    }
    if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(this.store)) {
      out.push(this.problem(['store'], `${what}: store ${JSON.stringify(this.store)} is not a store URL`, 'use sqlite://PATH or postgres://USER@HOST/DB'));
    }
    for (const [key, price] of Object.entries(this.prices)) {
      if (key.trim() === '') out.push(this.problem(['prices', key], `${what}: a price has an empty key`, 'name what is priced, e.g. "floatingip.hour"', 'key'));
      if (!Number.isFinite(price) || price < 0) out.push(this.problem(['prices', key], `${what}: price ${JSON.stringify(key)} is ${price}`, 'prices are numbers ≥ 0'));
    }
    return out;
  }
}

/** The shortest sampling interval: each round lists every project's resources. */
export const MIN_INTERVAL_S = 60;
/** The longest: usage is reported per hour, so a longer interval leaves every hour a gap. */
export const MAX_INTERVAL_S = 3600;

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(MeteringCollector.prototype, METERING, { value: true });
