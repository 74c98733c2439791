import { renderProblem, type ConfigError, type UnknownPlatform } from '../../constructs/index.ts';
import type { PlanError } from '../../plans/index.ts';
import type { PlatformApplyReport } from '../apply/index.ts';
import type { LockError } from '../lock/index.ts';
import type { OpenStackError } from '../openstack/index.ts';
import type { SnapshotError } from '../snapshot/index.ts';
import type { StepId } from './run-status.ts';
import type { ScopeClash } from './tenant-scope.ts';
import type { FileWriteError } from '../util/write-file-atomic.ts';

/**
 * Why a building-block run failed, twice: `userMessage` in words a project owner
 * understands (what happened to their project, what to do next, whom to ask), and
 * `systemMessage` with the technical detail for the platform team. Secrets never appear:
 * the detail comes from errors that are redacted where they are made.
 */
export interface BlockFailure {
  readonly kind: 'block-failed';
  readonly step: StepId;
  readonly userMessage: string;
  readonly systemMessage: string;
}

const failure = (step: StepId, userMessage: string, systemMessage: string): BlockFailure => ({ kind: 'block-failed', step, userMessage, systemMessage });

const NOTHING_CHANGED = 'Nothing was changed in the cloud.';
const TELL_TEAM = 'This is not a problem with your inputs: please tell the platform team (the system message has the details).';

/** The inputs file could not be read. */
export function inputsUnreadable(file: string, why: string): BlockFailure {
  return failure('validate-inputs', `The building block's inputs could not be read. ${NOTHING_CHANGED}`, `Cannot read the inputs file ${file}: ${why}. Pass the file the pipeline wrote with --inputs.`);
}

/**
 * Problems found in the inputs or the configuration. Those of the inputs file are the project
 * owner's to fix and are listed for them; any other is the platform team's.
 */
export function inputsInvalid(e: ConfigError, inputsFile: string): BlockFailure {
  const own = e.problems.filter((p) => p.file === inputsFile);
  const system = e.problems.map(renderProblem).join('\n');
  if (own.length < e.problems.length) return failure('validate-inputs', `keyform's configuration for this platform has problems. ${NOTHING_CHANGED} ${TELL_TEAM}`, system);
  // Each message names its field or object already; the system message adds lines and columns.
  const list = own.map((p) => `- ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n');
  return failure('validate-inputs', `The building block's inputs are not valid. ${NOTHING_CHANGED} Please correct:\n${list}`, system);
}

/** `--destroy` was given, but the inputs say `"behavior": "APPLY"`: neither is taken over the other. */
export function behaviorContradicted(inputsFile: string): BlockFailure {
  return failure('validate-inputs', `The building block was asked to remove your project, but its inputs say to create or update it ("behavior": "APPLY"). ${NOTHING_CHANGED} ${TELL_TEAM}`,
    `--destroy contradicts "behavior": "APPLY" in ${inputsFile}: drop the flag, or write "behavior": "DESTROY" (or leave "behavior" out) in the inputs.`);
}

/** The inputs name a platform keyform does not know. */
export function platformRefused(e: UnknownPlatform): BlockFailure {
  return failure('validate-inputs', `The platform ${JSON.stringify(e.platform)} is not one keyform replicates to. ${NOTHING_CHANGED} Check the platform chosen for the building block, or ask the platform team.`, e.message);
}

/** The configuration could not be loaded at all. */
export function configBroken(e: ConfigError): BlockFailure {
  return failure('validate-inputs', `keyform's configuration could not be read. ${NOTHING_CHANGED} ${TELL_TEAM}`, e.problems.map(renderProblem).join('\n') || e.message);
}

/** Talking to the cloud failed in `step`; `changed` says whether the apply had already written. */
export function cloudFailed(step: StepId, e: OpenStackError | SnapshotError | LockError, changed: boolean): BlockFailure {
  const state = changed ? 'The changes to your project were made, but this run could not finish.' : NOTHING_CHANGED;
  const again = changed ? 'Run the building block again to finish.' : 'Run the building block again';
  const down = e.kind === 'unreachable' || e.kind === 'timeout' || (e.kind === 'http-error' && ((e as OpenStackError).status ?? 0) >= 500);
  if (down) return failure(step, `The cloud could not be reached. ${state} ${again} later; if this keeps happening, please tell the platform team.`, e.message);
  if (e.kind === 'lock-held') return failure(step, `Another change to this cloud is being made right now. ${state} ${again} in a few minutes.`, e.message);
  return failure(step, `keyform is not set up correctly for this cloud. ${state} ${TELL_TEAM}`, e.message);
}

/** The plan cannot be applied: names the tenant needs are taken, or a quota cannot be set. */
export function planRefused(errors: readonly PlanError[], clashes: readonly ScopeClash[]): BlockFailure {
  const lines = [
    ...clashes.map((c) => `- The ${c.kind} name ${JSON.stringify(c.name)} is already used by ${c.kind === 'domain' ? 'workspace' : 'project'} ${c.holderTenant}.`),
    ...errors.map((e) => `- ${ownerReason(e)}`),
  ];
  const system = [
    ...clashes.map((c) => `${c.address} needs the ${c.kind} name ${JSON.stringify(c.name)}, which ${c.holder} holds.`),
    ...errors.map((e) => e.message),
  ].join('\n');
  return failure('plan', `Your project cannot be set up as asked. ${NOTHING_CHANGED}\n${lines.join('\n')}\nChoose other identifiers, or ask the platform team.`, system);
}

function ownerReason(e: PlanError): string {
  const what = e.address.startsWith('keyform_group') ? 'group' : e.address.startsWith('keyform_domain') ? 'domain' : 'project';
  switch (e.kind) {
    case 'name-clash':
      return `The ${what} name ${JSON.stringify(e.name)} is already used in the cloud by something keyform does not manage.`;
    case 'foreign-owner':
      return `The ${what} name ${JSON.stringify(e.name)} is already used in the cloud by another platform.`;
    case 'name-taken':
      return `The ${what} name ${JSON.stringify(e.name)} is still held by an earlier project that keyform keeps.`;
    case 'quota-unavailable':
      return `The quota ${JSON.stringify(e.name)} cannot be set on this cloud.`;
    case 'unknown-role':
      return `The platform maps a role to ${JSON.stringify(e.name)}, which this cloud does not have.`;
  }
}

/** Some changes failed or were not run; the next run converges from what was done. */
export function applyIncomplete(r: PlatformApplyReport, interrupted: boolean): BlockFailure {
  const c = r.counts;
  const why = interrupted ? 'The run was stopped before it finished' : `${c.failed} of ${c.total} changes could not be made${c.skipped > 0 ? ` (and ${c.skipped} that depend on them were not tried)` : ''}`;
  const detail = r.changes.filter((o) => o.status !== 'done').map((o) => `${o.address} (${o.action}) ${o.status}: ${o.reason ?? ''}`);
  return failure('apply', `${why}; ${c.done} were made. Run the building block again: it continues where this run stopped. If it fails again, please tell the platform team.`,
    [...(r.error ? [r.error] : []), ...detail].join('\n'));
}

/** The run was stopped (SIGINT/SIGTERM) before `step` could start. */
export function runStopped(step: StepId, changed: boolean): BlockFailure {
  return failure(step, `The run was stopped before it finished. ${changed ? 'The changes to your project were made, but the outputs were not written.' : NOTHING_CHANGED} Run the building block again.`, 'Stopped by a signal (SIGINT or SIGTERM).');
}

/** The tenant's objects could not be read back, or the outputs not written, after a successful apply. */
export function outputsFailed(why: string | FileWriteError): BlockFailure {
  const detail = typeof why === 'string' ? why : why.message;
  return failure('outputs', `The changes to your project were made, but the outputs could not be handed back. Run the building block again; if this keeps happening, please tell the platform team.`, detail);
}
