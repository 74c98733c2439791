import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { address } from '../../constructs/model/index.ts';
import { diff, orderChanges, schedule, type Change } from '../../plans/index.ts';
import { desiredState, liveState, PLATFORM, tenant, workspaceDomain } from './fixtures.ts';
import { world, worldArb } from './worlds.ts';

const batchesOf = (changes: readonly Change[]) => schedule(changes).map((b) => b.map((r) => `${r.address}#${r.index}`));

describe('schedule', () => {
  it('runs creates parent first and deletes children first, in parallel batches', () => {
    // GIVEN one tenant to create in a new workspace domain and one to delete from another
    const live = liveState([workspaceDomain('old'), ...tenant({ workspace: 'old', ownDomain: true, deletionPolicy: 'delete', members: { bob: ['admin'] } })]);
    const desired = desiredState([workspaceDomain('new'), ...tenant({ workspace: 'new', ownDomain: true, members: { bob: ['admin'] } })]);
    // WHEN the changes are scheduled
    const batches = batchesOf(diff(desired, live).changes);
    // THEN each batch only waits for earlier ones: the domain before its project and group, the membership before its group's delete
    const a = (kind: Parameters<typeof address>[0], ...parts: string[]) => address(kind, [PLATFORM, ...parts]);
    expect(batches).toEqual([
      [`${a('domain', 'new')}#0`, `${a('membership', 'old', 'webshop', 'admin', 'bob')}#0`, `${a('assignment', 'old', 'webshop', 'admin')}#0`],
      [`${a('group', 'new', 'webshop', 'admin')}#0`, `${a('group', 'old', 'webshop', 'admin')}#0`, `${a('project', 'new', 'webshop')}#0`, `${a('project', 'old', 'webshop')}#0`],
      [`${a('membership', 'new', 'webshop', 'admin', 'bob')}#0`, `${a('project', 'old', 'webshop')}#1`, `${a('assignment', 'new', 'webshop', 'admin')}#0`],
      [`${a('domain', 'old')}#0`],
      [`${a('domain', 'old')}#1`],
    ]);
  });

  it('puts every operation in exactly one batch, after every operation it waits for', () => {
    fc.assert(
      fc.property(worldArb, (x) => {
        // GIVEN the changes of random states
        const { desired, live } = world(x);
        const changes = diff(desired, live).changes;
        // WHEN scheduled
        const batches = schedule(changes);
        // THEN each operation is in one batch, later than what it waits for and than its change's previous operation
        const at = new Map<string, number>();
        batches.forEach((b, i) => b.forEach((r) => at.set(`${r.index}#${r.address}`, i)));
        expect(at.size).toBe(changes.reduce((n, c) => n + c.operations.length, 0));
        for (const c of changes) {
          c.operations.forEach((o, i) => {
            const mine = at.get(`${i}#${c.address}`)!;
            if (i > 0) expect(at.get(`${i - 1}#${c.address}`)!).toBeLessThan(mine);
            for (const w of o.waitsFor) expect(at.get(`${w.index}#${w.address}`)!).toBeLessThan(mine);
          });
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('runs a quota\'s delete after its project\'s tag update, which would bring the quota\'s record tag back', () => {
    // GIVEN a tenant whose user tag changes and whose quota key is removed from the config
    const live = liveState(tenant({ tags: { cost_center: 'cc1' }, quotas: { 'compute.cores': 20, 'compute.ram': 1024 } }));
    const desired = desiredState(tenant({ tags: { cost_center: 'cc2' }, quotas: { 'compute.ram': 2048 } }));
    // WHEN the changes are scheduled
    const batches = batchesOf(diff(desired, live).changes);
    // THEN the project's update runs first, then the quota delete beside the quota update
    const a = (kind: Parameters<typeof address>[0], ...parts: string[]) => address(kind, [PLATFORM, ...parts]);
    expect(batches).toEqual([
      [`${a('project', 'acme', 'webshop')}#0`],
      [`${a('quota', 'acme', 'webshop', 'compute.cores')}#0`, `${a('quota', 'acme', 'webshop', 'compute.ram')}#0`],
    ]);
  });

  it('refuses a cycle, which only a bug can make', () => {
    // GIVEN two changes that wait for each other
    const [c] = diff(desiredState(tenant({ roles: {} })), liveState([])).changes;
    const other = { ...c!, address: 'keyform_project.tenant["os-prod/acme/other"]' };
    const a: Change = { ...c!, operations: [{ op: 'create', waitsFor: [{ address: other.address, index: 0 }] }] };
    const b: Change = { ...other, operations: [{ op: 'create', waitsFor: [{ address: a.address, index: 0 }] }] };
    // WHEN scheduled, THEN it throws
    expect(() => schedule([a, b])).toThrow(/dependency cycle/);
  });
});

describe('orderChanges', () => {
  it('orders changes by the batch their first operation runs in, then by address', () => {
    // GIVEN a tenant whose project must exist before its grant and quota
    const changes = diff(desiredState(tenant({ quotas: { 'compute.ram': 1 } })), liveState([])).changes;
    // WHEN shuffled and ordered again
    const ordered = orderChanges([...changes].reverse());
    // THEN parents come first, ties by address
    expect(ordered.map((c) => c.kind)).toEqual(['group', 'project', 'quota', 'assignment']);
  });
});
