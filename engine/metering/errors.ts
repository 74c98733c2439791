import type { TruncatedError } from '../keystone/list.ts';
import type { OpenStackError } from '../openstack/errors.ts';

/**
 * Everything that can go wrong while metering, as plain data. Every message says how to fix
 * the problem; none contains a secret (store URLs are shown with their password masked).
 */
export type MeteringError =
  | MeteringApiError
  | VisibilityError
  | StoreError
  | MeteringSettingsError;

/** An OpenStack call the collector needs failed. */
export interface MeteringApiError {
  readonly kind: 'metering-api';
  readonly message: string;
  readonly service: string;
  readonly cause: OpenStackError | TruncatedError;
}

/** One service whose answers show that the metering account sees only part of the cloud. */
export interface Confinement {
  /** Catalog service type, e.g. `volumev3`. */
  readonly service: string;
  /** What showed it, e.g. `GET /servers/detail?all_tenants=1 answered 403`. */
  readonly evidence: string;
  /** The policy rules (in that service's policy.yaml) that decide cross-project reads. */
  readonly rules: readonly string[];
}

/**
 * The metering account can't see every project. The collector stops instead of recording
 * zero usage for the projects it can't see.
 */
export interface VisibilityError {
  readonly kind: 'metering-visibility';
  readonly message: string;
  readonly confined: readonly Confinement[];
}

/** The sample store can't be opened, migrated, read or written. */
export interface StoreError {
  readonly kind: 'metering-store';
  readonly message: string;
}

/** A metering setting (interval, price list, period, store URL) can't be used. */
export interface MeteringSettingsError {
  readonly kind: 'metering-settings';
  readonly message: string;
}

/** Wraps a failed OpenStack call made for `what`. */
export function meteringApiError(service: string, what: string, cause: OpenStackError | TruncatedError): MeteringApiError {
  return { kind: 'metering-api', service, cause, message: `Metering could not ${what}: ${cause.message}` };
}

/**
 * Names every confined service and the rules to change.
 * @example visibilityError([{ service: 'compute', evidence: '…403', rules: ['os_compute_api:servers:detail:get_all_tenants'] }])
 */
export function visibilityError(account: string, confined: readonly Confinement[]): VisibilityError {
  const lines = confined.map((c) => `  - ${c.service}: ${c.evidence}; policy rules: ${c.rules.join(', ')}`);
  return {
    kind: 'metering-visibility',
    confined,
    message:
      `The metering account of cloud ${JSON.stringify(account)} sees only part of the cloud, so its usage would be wrong; nothing was recorded.\n` +
      `${lines.join('\n')}\n` +
      'Give the account cross-project read access in each service (see "Metering account policy" in engine/metering/README.md), then collect again.',
  };
}

/** A store failure; `detail` must not contain the store URL's password. */
export function storeError(what: string, detail: string): StoreError {
  return { kind: 'metering-store', message: `Metering store: could not ${what}: ${detail}` };
}

/** A setting that can't be used, with how to fix it in `message`. */
export function settingsError(message: string): MeteringSettingsError {
  return { kind: 'metering-settings', message };
}
