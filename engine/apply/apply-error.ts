import type { ConfigError } from '../../constructs/index.ts';
import type { NotAnAddition, PlanFileError, StalePlanError } from '../../plans/index.ts';
import type { KeystoneError } from '../keystone/index.ts';
import type { LockError } from '../lock/index.ts';
import type { SnapshotError } from '../snapshot/index.ts';

/** One operation of one change did not happen; the rest of the apply goes on where it can. */
export interface OperationFailure {
  readonly kind: 'OperationFailed';
  readonly address: string;
  /** `create`, `update` or `delete`. */
  readonly op: string;
  readonly message: string;
}

/** An operation failed: `message` says what, why, and what to do. */
export function operationFailed(address: string, op: string, message: string): OperationFailure {
  return { kind: 'OperationFailed', address, op, message };
}

/** Why a whole apply (or one platform of it) did not run. */
export type ApplyError =
  | StalePlanError
  | LockError
  | SnapshotError
  | ConfigError
  | PlanFileError
  | KeystoneError
  | { readonly kind: 'PlanErrored'; readonly message: string }
  | { readonly kind: 'PlatformNotConfigured'; readonly platform: string; readonly message: string }
  | { readonly kind: 'EndpointMismatch'; readonly platform: string; readonly message: string }
  | { readonly kind: 'NotApproved'; readonly message: string }
  | { readonly kind: 'PlanFileUnreadable'; readonly file: string; readonly message: string }
  | { readonly kind: 'InvalidOption'; readonly message: string }
  | { readonly kind: 'NotOnlyAdditions'; readonly refused: readonly NotAnAddition[]; readonly message: string }
  | { readonly kind: 'AdoptionNotConfigured'; readonly addresses: readonly string[]; readonly message: string };

/** A saved plan adopts projects the configuration does not adopt (see `unconfiguredAdoptions`): nothing was applied. */
export function adoptionNotConfigured(addresses: readonly string[], configPath: string): ApplyError {
  return {
    kind: 'AdoptionNotConfigured', addresses,
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
    kind: 'NotOnlyAdditions', refused,
    message: [
      `Nothing was applied: --only-additions applies only memberships created for users who now exist in Keystone, and the plan has ${refused.length} other ${refused.length === 1 ? 'change' : 'changes'}:`,
      ...shown, ...more,
      'Review them in a plan (`keyform plan --out FILE`, `keyform show FILE`) and apply that plan without --only-additions.',
    ].join('\n'),
  };
}

/** The plan file cannot be read. */
export function planFileUnreadable(file: string, detail: string): ApplyError {
  return { kind: 'PlanFileUnreadable', file, message: `Cannot read the plan file ${file} (${detail}). Pass the file \`keyform plan --out FILE\` wrote.` };
}

/** A command-line option has a value apply cannot use. */
export function invalidOption(message: string): ApplyError {
  return { kind: 'InvalidOption', message };
}

/** The plan has errors (name clashes, foreign owners): nothing of it may be applied. */
export function planErrored(count: number): ApplyError {
  return {
    kind: 'PlanErrored',
    message: `The plan has ${count} ${count === 1 ? 'error' : 'errors'} (shown above) and cannot be applied. Fix the configuration or Keystone as each error says, then plan again.`,
  };
}

/** A saved plan names a platform the configuration does not declare (needed for its cloud and region). */
export function platformNotConfigured(platform: string, configPath: string): ApplyError {
  return {
    kind: 'PlatformNotConfigured', platform,
    message: `The plan is for platform ${platform}, which the configuration at ${configPath} does not declare; apply reads the platform's cloud from it. Pass the --config the plan was made with.`,
  };
}

/** A saved plan was made against another Keystone than the one the platform's cloud reaches now. */
export function endpointMismatch(platform: string, planned: string, now: string): ApplyError {
  return {
    kind: 'EndpointMismatch', platform,
    message: `The plan for platform ${platform} was made against ${planned}, but its cloud now reaches ${now}. Nothing was applied: check clouds.yaml and OS_CLOUD, or make a new plan against this cloud.`,
  };
}

/** Apply without a plan file asks first; with no terminal and no --auto-approve it refuses. */
export function notApproved(why: 'declined' | 'interrupted' | 'no-tty'): ApplyError {
  return {
    kind: 'NotApproved',
    message: why === 'declined'
      ? 'Apply cancelled: only `yes` approves. Nothing was applied.'
      : why === 'interrupted'
      ? 'Apply interrupted before it started: nothing was applied, and the lock was released.'
      : 'Nothing was applied: `keyform apply` without a plan file asks for approval, and there is no terminal to ask on. Pass --auto-approve, or apply a reviewed plan file (`keyform plan --out FILE`, then `keyform apply FILE`).',
  };
}
