import { unknownPlatform, type ConfigError, type UnknownPlatform } from '../../constructs/index.ts';
import type { NotAnAddition, PlanFileError, StalePlanError } from '../../plans/index.ts';
import type { KeystoneError } from '../keystone/index.ts';
import type { LockError } from '../lock/index.ts';
import type { ErrorCause } from '../openstack/index.ts';
import type { SnapshotError } from '../snapshot/index.ts';

/** One operation of one change did not happen; the rest of the apply goes on where it can. */
export interface OperationFailure {
  readonly kind: 'operation-failed';
  readonly address: string;
  /** `create`, `update` or `delete`. */
  readonly op: string;
  readonly message: string;
  /** The service error behind it (kind, HTTP status, request id); absent when keyform itself refused. */
  readonly cause?: ErrorCause;
}

/** An operation failed: `message` says what, why, and what to do; `cause` is the service error behind it. */
export function operationFailed(address: string, op: string, message: string, cause?: ErrorCause): OperationFailure {
  return { kind: 'operation-failed', address, op, message, ...(cause === undefined ? {} : { cause }) };
}

/** Why a whole apply (or one platform of it) did not run. */
export type ApplyError =
  | StalePlanError
  | LockError
  | SnapshotError
  | ConfigError
  | PlanFileError
  | KeystoneError
  | { readonly kind: 'plan-errored'; readonly message: string }
  | UnknownPlatform
  | { readonly kind: 'endpoint-mismatch'; readonly platform: string; readonly message: string }
  | { readonly kind: 'not-approved'; readonly message: string }
  | { readonly kind: 'plan-file-unreadable'; readonly file: string; readonly message: string }
  | InvalidOption
  | { readonly kind: 'not-only-additions'; readonly refused: readonly NotAnAddition[]; readonly message: string }
  | { readonly kind: 'adoption-not-configured'; readonly addresses: readonly string[]; readonly message: string };

/** A saved plan adopts projects the configuration does not adopt (see `unconfiguredAdoptions`): nothing was applied. */
export function adoptionNotConfigured(addresses: readonly string[], configPath: string): ApplyError {
  return {
    kind: 'adoption-not-configured', addresses,
    message: [
      `Nothing was applied: the plan adopts ${addresses.length === 1 ? 'a project' : `${addresses.length} projects`} keyform did not create, but the configuration at ${configPath} does not adopt ${addresses.length === 1 ? 'it' : 'them'} as the plan says:`,
      ...addresses.map((a) => `  - ${a}`),
      'A plan file may adopt only what the configuration asks for (adopt = true on the tenant, with the same name and domain). Set it there if the adoption is wanted, then make a new plan with `keyform plan --out FILE`, review it, and apply that one.',
    ].join('\n'),
  };
}

/** `--only-additions` met a plan with other changes: nothing was applied. */
export function notOnlyAdditions(refused: readonly NotAnAddition[]): ApplyError {
  const shown = refused.slice(0, 20).map((r) => `  - ${r.address}: ${r.why}`);
  const more = refused.length > shown.length ? [`  … and ${refused.length - shown.length} more`] : [];
  return {
    kind: 'not-only-additions', refused,
    message: [
      `Nothing was applied: --only-additions applies only memberships created for users who now exist in Keystone, and the plan has ${refused.length} other ${refused.length === 1 ? 'change' : 'changes'}:`,
      ...shown, ...more,
      'Review them in a plan (`keyform plan --out FILE`, `keyform show FILE`) and apply that plan without --only-additions.',
    ].join('\n'),
  };
}

/** The plan file cannot be read. */
export function planFileUnreadable(file: string, detail: string): ApplyError {
  return { kind: 'plan-file-unreadable', file, message: `Cannot read the plan file ${file} (${detail}). Pass the file \`keyform plan --out FILE\` wrote.` };
}

/** A command-line option has a value keyform cannot use; `message` names it and what it takes. */
export interface InvalidOption {
  readonly kind: 'invalid-option';
  readonly message: string;
}

/** A command-line option has a value keyform cannot use. */
export function invalidOption(message: string): InvalidOption {
  return { kind: 'invalid-option', message };
}

/** The plan has errors (name clashes, foreign owners): nothing of it may be applied. */
export function planErrored(count: number): ApplyError {
  return {
    kind: 'plan-errored',
    message: `The plan has ${count} ${count === 1 ? 'error' : 'errors'} (shown above) and cannot be applied. Fix the configuration or Keystone as each error says, then plan again.`,
  };
}

/** A saved plan names a platform the configuration does not declare (needed for its cloud and region). */
export function platformNotConfigured(platform: string, known: readonly string[], configPath: string): ApplyError {
  return unknownPlatform(platform, known,
    `The plan is for platform ${platform}, which the configuration at ${configPath} does not declare; apply reads the platform's cloud from it. Pass the --config the plan was made with.`);
}

/** A saved plan was made against another Keystone than the one the platform's cloud reaches now. */
export function endpointMismatch(platform: string, planned: string, now: string): ApplyError {
  return {
    kind: 'endpoint-mismatch', platform,
    message: `The plan for platform ${platform} was made against ${planned}, but its cloud now reaches ${now}. Nothing was applied: check clouds.yaml and OS_CLOUD, or make a new plan against this cloud.`,
  };
}

/** Apply without a plan file asks first; with no terminal and no --auto-approve it refuses. */
export function notApproved(why: 'declined' | 'interrupted' | 'no-tty'): ApplyError {
  return {
    kind: 'not-approved',
    message: why === 'declined'
      ? 'Apply cancelled: only `yes` approves. Nothing was applied.'
      : why === 'interrupted'
      ? 'Apply interrupted before it started: nothing was applied, and the lock was released.'
      : 'Nothing was applied: `keyform apply` without a plan file asks for approval, and there is no terminal to ask on. Pass --auto-approve, or apply a reviewed plan file (`keyform plan --out FILE`, then `keyform apply FILE`).',
  };
}
