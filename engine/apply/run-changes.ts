import type { ResultAsync } from 'neverthrow';
import type { ResourceKind } from '../../constructs/model/index.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';
import { schedule, type Action, type Change } from '../../plans/index.ts';
import type { ErrorCause } from '../openstack/index.ts';
import type { OperationFailure } from './apply-error.ts';

/** What became of one change: all its operations done, one failed, or not run because a change it waits for failed. */
export type ChangeStatus = 'done' | 'failed' | 'skipped';

/** One change's outcome, as the apply report lists it. */
export interface ChangeOutcome {
  readonly address: string;
  readonly kind: ResourceKind;
  readonly action: Action;
  readonly status: ChangeStatus;
  /** Failed: what went wrong and what to do. Skipped: why it did not run. */
  readonly reason?: string;
  /** Failed: the service error behind `reason` (kind, HTTP status, request id), when there was one. */
  readonly cause?: ErrorCause;
  /** Skipped: the failed changes it waits for, sorted. */
  readonly blockedBy?: readonly string[];
  /** How many of its operations were carried out. */
  readonly operationsDone: number;
}

/** What the runner tells a progress display. */
export interface RunEvents {
  /** A change settled (every operation done, or one failed, or skipped). */
  readonly onSettled?: (outcome: ChangeOutcome) => void;
}

export interface RunOptions {
  /** Operations in flight at most. @default 8 */
  readonly parallelism?: number;
  /** When aborted, no further operation starts; those in flight finish. */
  readonly signal?: AbortSignal;
  readonly events?: RunEvents;
}

/** Runs one operation; the runner never looks inside. */
export type OperationRunner = (change: Change, index: number) => ResultAsync<void, OperationFailure>;

type State = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

interface Node {
  readonly change: Change;
  readonly index: number;
  readonly level: number;
  state: State;
  waiting: number;
  readonly dependents: Node[];
  /** Skipped nodes: the failed changes upstream. */
  readonly causes: Set<string>;
}

const keyOf = (address: string, index: number): string => `${index}#${address}`;

function buildNodes(changes: readonly Change[]): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  schedule(changes).forEach((batch, level) => {
    for (const ref of batch) {
      const change = byAddress.get(ref.address);
      if (change) nodes.set(keyOf(ref.address, ref.index), { change, index: ref.index, level, state: 'pending', waiting: 0, dependents: [], causes: new Set() });
    }
  });
  for (const n of nodes.values()) {
    const o = n.change.operations[n.index]!;
    const deps = [...(n.index > 0 ? [keyOf(n.change.address, n.index - 1)] : []), ...o.waitsFor.map((w) => keyOf(w.address, w.index))];
    for (const d of new Set(deps)) {
      const dep = nodes.get(d);
      if (dep === undefined) throw new Error(`operation ${n.index} of ${n.change.address} waits for ${d}, which is not in the plan`);
      dep.dependents.push(n);
      n.waiting++;
    }
  }
  return nodes;
}

/**
 * Runs the changes' operations in dependency order with at most `parallelism` in flight: an
 * operation starts as soon as every operation it waits for is done (earliest batch first, as
 * `schedule()` cuts them). A failed operation fails its change; everything downstream of it is
 * skipped, naming the failure, while independent branches go on.
 * @example await runChanges(platformPlan.changes, (c, i) => runOperation(c, i, ctx), { parallelism: 8 })
 */
export function runChanges(changes: readonly Change[], run: OperationRunner, opts: RunOptions = {}): Promise<readonly ChangeOutcome[]> {
  const ordered = [...changes].sort((a, b) => compareCodeUnits(a.address, b.address));
  const nodes = buildNodes(ordered);
  const ready: Node[][] = [];
  const failures = new Map<string, Failure>();
  const settledOps = new Map<string, number>();
  const outcomes = new Map<string, ChangeOutcome>();
  const width = Math.max(1, opts.parallelism ?? 8);
  for (const n of nodes.values()) if (n.waiting === 0) (ready[n.level] ??= []).push(n);

  const settle = (n: Node, state: State): void => {
    n.state = state;
    const count = (settledOps.get(n.change.address) ?? 0) + 1;
    settledOps.set(n.change.address, count);
    if (count === n.change.operations.length) {
      const o = outcomeOf(n.change, nodes, failures);
      outcomes.set(o.address, o);
      opts.events?.onSettled?.(o);
    }
  };
  const skipDownstream = (from: Node, cause: string): void => {
    for (const d of from.dependents) {
      if (d.state !== 'pending') {
        if (d.state === 'skipped') d.causes.add(cause);
        continue;
      }
      d.causes.add(cause);
      settle(d, 'skipped');
      skipDownstream(d, cause);
    }
  };
  const nextReady = (): Node | undefined => {
    for (const level of ready) if (level !== undefined && level.length > 0) return level.shift();
    return undefined;
  };

  return new Promise((resolve) => {
    let running = 0;
    const finish = (): void => {
      for (const n of nodes.values()) if (n.state === 'pending') settle(n, 'skipped');
      resolve(ordered.map((c) => outcomes.get(c.address)!));
    };
    const pump = (): void => {
      while (running < width && opts.signal?.aborted !== true) {
        const n = nextReady();
        if (n === undefined) break;
        running++;
        n.state = 'running';
        void Promise.resolve(run(n.change, n.index))
          .then((r): Failure | undefined => (r.isOk() ? undefined : { reason: r.error.message, ...(r.error.cause ? { cause: r.error.cause } : {}) }), (e: unknown) => ({ reason: `unexpected error: ${String(e)}` }))
          .then((failure) => {
            running--;
            if (failure === undefined) {
              settle(n, 'done');
              for (const d of n.dependents) if (d.state === 'pending' && --d.waiting === 0) (ready[d.level] ??= []).push(d);
            } else {
              failures.set(n.change.address, failure);
              settle(n, 'failed');
              skipDownstream(n, n.change.address);
            }
            pump();
          });
      }
      if (running === 0) finish();
    };
    pump();
  });
}

/** Why a change failed, as its outcome reports it. */
type Failure = Pick<ChangeOutcome, 'reason' | 'cause'>;

function outcomeOf(c: Change, nodes: ReadonlyMap<string, Node>, failures: ReadonlyMap<string, Failure>): ChangeOutcome {
  const ops = c.operations.map((_, i) => nodes.get(keyOf(c.address, i))!);
  const done = ops.filter((n) => n.state === 'done').length;
  const base = { address: c.address, kind: c.kind, action: c.action, operationsDone: done };
  const failure = failures.get(c.address);
  if (failure !== undefined) return { ...base, status: 'failed', ...failure };
  if (done === ops.length) return { ...base, status: 'done' };
  const causes = [...new Set(ops.flatMap((n) => [...n.causes]))].sort();
  if (causes.length === 0) return { ...base, status: 'skipped', reason: 'not started: the apply was interrupted or lost its lock' };
  return { ...base, status: 'skipped', blockedBy: causes, reason: `it waits for ${causes.length === 1 ? causes[0] : `${causes.length} changes`}, which failed` };
}
