import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { objectIdOf, type UnmanagedObject } from '../../constructs/model/index.ts';
import { diff } from '../../plans/index.ts';
import { desiredState, liveState } from './fixtures.ts';
import { applyChanges } from './keystone-model.ts';
import { EUIDS, resourcesOf, sideArb, world, worldArb } from './worlds.ts';

/** What keyform must leave alone, compared the way Keystone stores it (the domain by id, not by its name). */
function untouched(u: readonly UnmanagedObject[]): unknown[] {
  return u.map(({ domain: _d, ...rest }) => rest).sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('diff properties', () => {
  it('finds nothing to do when the live state is what is desired', () => {
    fc.assert(
      fc.property(sideArb, (side) => {
        // GIVEN a desired state and a snapshot of exactly it, every bound user existing
        const resources = resourcesOf(side, false, EUIDS);
        // WHEN they are diffed
        const d = diff(desiredState(resources), liveState(resources, { users: [...EUIDS] }));
        // THEN nothing changes and nothing is remarked
        expect(d.changes).toEqual([]);
        expect(d.remarks).toEqual([]);
        expect(d.errors).toEqual([]);
        expect(d.unchanged).toBe(resources.length);
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('converges: applying the changes to the live state yields the desired state and leaves unmanaged objects alone', () => {
    let applied = 0;
    fc.assert(
      fc.property(worldArb, (x) => {
        // GIVEN random desired and live states
        const { desired, live } = world(x);
        const planned = diff(desired, live);
        if (planned.errors.length > 0) return;
        applied++;
        // WHEN the changes run in the in-memory Keystone
        const run = applyChanges(live, planned.changes, desired);
        // THEN Keystone saw nothing it would refuse and nothing keyform must not do, and no user lost, at any point, a role they had and keep
        expect(run.violations).toEqual([]);
        // AND a second plan finds nothing left to do, only the same remarks
        const again = diff(desired, run.live);
        expect(again.changes.map((c) => `${c.action} ${c.address} ${c.reason}`)).toEqual([]);
        expect(again.remarks).toEqual(planned.remarks);
        // AND every unmanaged object the configuration did not adopt is as it was
        const adopted = new Set(planned.changes.flatMap((c) => (c.before?.managed === false ? [objectIdOf(c.before)] : [])));
        const before = untouched(live.unmanaged.filter((u) => !adopted.has(u.id)));
        const after = untouched(run.live.unmanaged.filter((u) => live.unmanaged.some((o) => o.id === u.id)));
        expect(after).toEqual(before);
      }),
      { numRuns: 400 },
    );
    expect(applied).toBeGreaterThan(200);
  }, 120_000);

  it('never throws and never plans a change for an object without the platform marker', () => {
    fc.assert(
      fc.property(worldArb, (x) => {
        // GIVEN random states with unmanaged objects
        const { desired, live } = world(x);
        // WHEN they are diffed
        const d = diff(desired, live);
        // THEN the only changes whose live side is unmanaged are adoptions the configuration asked for
        for (const c of d.changes.filter((c) => c.before?.managed === false)) {
          expect(c.action).toBe('update');
          expect(desired.resources.find((r) => r.address === c.address)).toMatchObject({ adopt: true });
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
