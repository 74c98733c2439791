import type { Action, PlanSummary } from '../../plans/index.ts';
import type { DestroyOutputs } from './block-destroy.ts';
import type { BlockOutputs } from './block-outputs.ts';

/** Where a run or one of its steps stands. */
export type RunState = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';

/** The steps of a building-block run, in the order they run. */
export const BLOCK_STEPS = [
  { id: 'validate-inputs', displayName: 'Check the inputs' },
  { id: 'plan', displayName: 'Plan the changes' },
  { id: 'apply', displayName: 'Apply the changes' },
  { id: 'outputs', displayName: 'Write the outputs' },
] as const;

export type StepId = (typeof BLOCK_STEPS)[number]['id'];

/**
 * One step as reported. `userMessage` is for the project owner (what happened, what to do,
 * in their words); `systemMessage` is for the platform team (the technical detail). Neither
 * ever holds a secret.
 */
export interface StatusStep {
  readonly id: StepId;
  readonly displayName: string;
  readonly status: RunState;
  readonly userMessage: string;
  readonly systemMessage: string;
}

/**
 * A building-block run's status: the whole document, each time it changes. It is written to
 * `--status FILE` and POSTed to `--status-url` as it is, so a receiver that missed an update
 * loses nothing the next one does not carry; `sequence` orders them.
 *
 * Steps appear when they start: a run that failed in `plan` lists `validate-inputs`
 * (SUCCEEDED) and `plan` (FAILED), and no step after. `outputs` is present on SUCCEEDED only,
 * and not after a dry run, which ends SUCCEEDED after its plan step with the plan in `plan`.
 */
export interface RunStatus {
  readonly formatVersion: 1;
  /** 1 for the first document of a run, one more for each next one. */
  readonly sequence: number;
  readonly status: RunState;
  readonly userMessage: string;
  readonly systemMessage: string;
  readonly steps: readonly StatusStep[];
  /** The plan, from the moment the plan step succeeded: what the run changes (or, with `--dry-run`, would change). */
  readonly plan?: StatusPlan;
  readonly outputs?: BlockOutputs | DestroyOutputs;
}

/**
 * A run's plan as the status carries it: in words for the project owner, and change by
 * change (as the JSON plan names them) for the platform team.
 */
export interface StatusPlan {
  readonly summary: PlanSummary;
  /** One line per change a project owner can see, in the plan's order; empty when nothing changes. */
  readonly description: readonly string[];
  /** In execution order. */
  readonly changes: readonly { readonly action: Action; readonly address: string; readonly reason: string }[];
}

/** The first document of a run: in progress, its first step started. */
export function runStarted(userMessage: string): RunStatus {
  return stepStarted({ formatVersion: 1, sequence: 0, status: 'IN_PROGRESS', userMessage, systemMessage: '', steps: [] }, 'validate-inputs', 'Checking the inputs.');
}

/** `step` has started. Programmer error: a step started twice. */
export function stepStarted(s: RunStatus, step: StepId, userMessage: string): RunStatus {
  if (s.steps.some((x) => x.id === step)) throw new Error(`step ${step} started twice`);
  const displayName = BLOCK_STEPS.find((x) => x.id === step)!.displayName;
  return next(s, { steps: [...s.steps, { id: step, displayName, status: 'IN_PROGRESS', userMessage, systemMessage: '' }] });
}

/** The running step `step` succeeded; the run goes on. With `plan`, the plan step carries the plan into the status. */
export function stepSucceeded(s: RunStatus, step: StepId, userMessage: string, systemMessage: string, plan?: StatusPlan): RunStatus {
  return next(s, { steps: settle(s.steps, step, 'SUCCEEDED', userMessage, systemMessage), ...(plan ? { plan } : {}) });
}

/** The last step succeeded, and with it the run: one document, so no receiver sees one without the other. */
export function runSucceeded(s: RunStatus, step: StepId, messages: RunMessages, outputs: BlockOutputs | DestroyOutputs): RunStatus {
  return next(s, { status: 'SUCCEEDED', ...messages, steps: settle(s.steps, step, 'SUCCEEDED', messages.userMessage, messages.systemMessage), outputs });
}

/** A dry run's plan step succeeded, and with it the run: the plan is in the status, nothing was applied, no outputs. */
export function runPlanned(s: RunStatus, messages: RunMessages, plan: StatusPlan): RunStatus {
  return next(s, { status: 'SUCCEEDED', ...messages, steps: settle(s.steps, 'plan', 'SUCCEEDED', messages.userMessage, messages.systemMessage), plan });
}

/** The running step `step` failed, and with it the run. */
export function runFailed(s: RunStatus, step: StepId, messages: RunMessages): RunStatus {
  return next(s, { status: 'FAILED', ...messages, steps: settle(s.steps, step, 'FAILED', messages.userMessage, messages.systemMessage) });
}

/** A user message and a system message. */
export interface RunMessages {
  readonly userMessage: string;
  readonly systemMessage: string;
}

function next(s: RunStatus, change: Partial<RunStatus>): RunStatus {
  return { ...s, ...change, sequence: s.sequence + 1 };
}

function settle(steps: readonly StatusStep[], step: StepId, status: RunState, userMessage: string, systemMessage: string): StatusStep[] {
  if (steps.find((x) => x.id === step)?.status !== 'IN_PROGRESS') throw new Error(`step ${step} is not running`);
  return steps.map((x) => (x.id === step ? { ...x, status, userMessage, systemMessage } : x));
}
