import { describe, expect, it } from 'vitest';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { address } from '../../../constructs/model/index.ts';
import type { Change, Operation, OperationRef } from '../../../plans/index.ts';
import { operationFailed, runChanges, type OperationRunner } from '../../../engine/apply/index.ts';

// Tiny builders: a change is its address and its operations' waits; apply never reads the rest.
const proj = (p: string): string => address('project', ['os', 'w', p]);
const grp = (p: string, r: string): string => address('group', ['os', 'w', p, r]);
const asg = (p: string, r: string): string => address('assignment', ['os', 'w', p, r]);
const ref = (a: string, index = 0): OperationRef => ({ address: a, index });

function change(addr: string, kind: Change['kind'], ops: readonly (readonly OperationRef[])[], op: Operation['op'] = 'create'): Change {
  const operations = ops.map((waitsFor) => (op === 'update' ? { op, set: {}, waitsFor } : { op, waitsFor }) as Operation);
  return {
    kind, address: addr, action: op === 'create' ? 'create' : op === 'delete' ? 'delete' : 'update', before: null, after: null, changed: [], replacePaths: [],
    operations, dependsOn: [...new Set(ops.flat().map((r) => r.address))].sort(), reason: 'test',
  };
}

/** Two tenants: each a project and a group, and an assignment that waits for both. */
const twoTenants: readonly Change[] = ['a', 'b'].flatMap((p) => [
  change(proj(p), 'project', [[]]),
  change(grp(p, 'admin'), 'group', [[]]),
  change(asg(p, 'admin'), 'assignment', [[ref(grp(p, 'admin')), ref(proj(p))]]),
]);

/** A runner that records the order operations start in and fails the addresses in `failing`. */
function recorder(failing: readonly string[] = [], delayMs = 1): { run: OperationRunner; started: string[]; maxInFlight: () => number } {
  const started: string[] = [];
  let inFlight = 0;
  let max = 0;
  const run: OperationRunner = (c, i) => {
    started.push(`${i}#${c.address}`);
    inFlight++;
    max = Math.max(max, inFlight);
    const done = new Promise<void>((r) => setTimeout(r, delayMs)).then(() => void inFlight--);
    return ResultAsync.fromSafePromise(done).andThen(() => (failing.includes(c.address) ? errAsync(operationFailed(c.address, 'create', 'Keystone said no')) : okAsync(undefined)));
  };
  return { run, started, maxInFlight: () => max };
}

describe('runChanges', () => {
  it('starts an operation only after every operation it waits for is done', async () => {
    // GIVEN two tenants whose assignments wait for their project and group
    const r = recorder();
    // WHEN they run with room for everything at once
    const outcomes = await runChanges(twoTenants, r.run, { parallelism: 8 });
    // THEN each assignment starts after its project and group, and all are done
    for (const p of ['a', 'b']) {
      const at = (a: string): number => r.started.indexOf(`0#${a}`);
      expect(at(asg(p, 'admin'))).toBeGreaterThan(at(proj(p)));
      expect(at(asg(p, 'admin'))).toBeGreaterThan(at(grp(p, 'admin')));
    }
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });

  it('never has more operations in flight than the parallelism allows', async () => {
    // GIVEN 30 independent changes that take a little while each
    const many = Array.from({ length: 30 }, (_, i) => change(proj(`p${i}`), 'project', [[]]));
    const r = recorder([], 5);
    // WHEN they run with parallelism 3
    await runChanges(many, r.run, { parallelism: 3 });
    // THEN at most 3 ran at once, and at least 2 did (it is concurrent)
    expect(r.maxInFlight()).toBe(3);
    expect(r.started).toHaveLength(30);
  });

  it('skips what waits for a failed change, naming it, while independent branches go on', async () => {
    // GIVEN tenant a's group fails
    const r = recorder([grp('a', 'admin')]);
    // WHEN the two tenants run
    const outcomes = await runChanges(twoTenants, r.run, { parallelism: 2 });
    const by = new Map(outcomes.map((o) => [o.address, o]));
    // THEN the group failed with the reason, its assignment is skipped naming it, and tenant b is done
    expect(by.get(grp('a', 'admin'))).toMatchObject({ status: 'failed', reason: 'Keystone said no', operationsDone: 0 });
    expect(by.get(asg('a', 'admin'))).toMatchObject({ status: 'skipped', blockedBy: [grp('a', 'admin')] });
    expect(r.started).not.toContain(`0#${asg('a', 'admin')}`);
    expect([proj('a'), proj('b'), grp('b', 'admin'), asg('b', 'admin')].map((a) => by.get(a)?.status)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('runs the operations of one change in order, and a failed first one stops the rest of it', async () => {
    // GIVEN a delete that first disables, and a runner that fails the disable
    const del = change(proj('a'), 'project', [[], []], 'update');
    const r = recorder([proj('a')]);
    // WHEN it runs
    const [outcome] = await runChanges([del], r.run);
    // THEN only the first operation was sent and the change failed
    expect(r.started).toEqual([`0#${proj('a')}`]);
    expect(outcome).toMatchObject({ status: 'failed', operationsDone: 0 });
  });

  it('starts nothing more once aborted, and reports what did not run as skipped', async () => {
    // GIVEN an abort signal that fires after the first operation starts
    const abort = new AbortController();
    const r = recorder([], 5);
    // WHEN the two tenants run one at a time
    const outcomes = await runChanges(twoTenants, (c, i) => {
      abort.abort();
      return r.run(c, i);
    }, { parallelism: 1, signal: abort.signal });
    // THEN one change is done and every other one is skipped as not started
    expect(outcomes.filter((o) => o.status === 'done')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped').every((o) => /interrupted/.test(o.reason ?? ''))).toBe(true);
    expect(r.started).toHaveLength(1);
  });
});
