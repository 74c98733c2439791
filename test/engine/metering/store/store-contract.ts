import { describe, expect, it } from 'vitest';
import type { ResultAsync } from 'neverthrow';
import type { MeteringError } from '../../../../engine/metering/errors.ts';
import type { ProjectRecord, RunRecord, Sample } from '../../../../engine/metering/sample.ts';
import type { MeteringStore, SampleGroup } from '../../../../engine/metering/store/metering-store.ts';
import { buildReport } from '../../../../engine/metering/report/build-report.ts';
import { renderCsv } from '../../../../engine/metering/report/render-csv.ts';
import { renderJson } from '../../../../engine/metering/report/render-json.ts';

/** How a contract run gets stores: `fresh` an empty one; `reopen` the same one again. */
export interface StoreFactory {
  fresh(): Promise<{ store: MeteringStore; reopen: () => ResultAsync<MeteringStore, MeteringError>; forceVersion: (v: number) => Promise<void> }>;
}

const SRC = { platform: 'os-test', region: 'RegionOne' } as const;
const run = (sampledAt: number, samples: number, intervalSeconds = 300): RunRecord => ({
  ...SRC,
  sampledAt,
  intervalSeconds,
  startedAt: sampledAt + 1,
  finishedAt: sampledAt + 2,
  sampleCount: samples,
});
const server = (id: string, flavor = 'm1.small', project = 'p-a'): Sample => ({
  resourceId: id,
  resourceType: 'server',
  projectId: project,
  traits: { status: 'ACTIVE', vcpus: 1, flavor, ram_mib: 2048, disk_gib: 20 },
});
const projects: ProjectRecord[] = [{ projectId: 'p-a', name: 'acme.web', owner: { platform: 'os-test', workspace: 'acme', project: 'web' } }];

/** The rules every store keeps, as tests; called once per implementation. */
export function storeContract(name: string, factory: StoreFactory): void {
  describe(`${name} store contract`, () => {
    it('reads back a recorded run with its samples and the project map', async () => {
      // GIVEN an empty store
      const { store } = await factory.fresh();
      // WHEN a run with two servers is recorded
      const outcome = await store.recordRun(run(3600, 2), [server('s-2'), server('s-1', 'm1.large')], projects);
      // THEN the run, its samples (sorted by id) and the project are there
      expect(outcome._unsafeUnwrap()).toEqual({ recorded: true, samples: 2 });
      expect((await store.runs(SRC, 0, 7200))._unsafeUnwrap()).toEqual([run(3600, 2)]);
      expect((await store.samplesAt(SRC, 3600))._unsafeUnwrap()).toEqual([server('s-1', 'm1.large'), server('s-2')]);
      expect([...(await store.ownerVersions('os-test'))._unsafeUnwrap().values()]).toEqual([{ ...projects[0], tags: {} }]);
      expect((await store.hasRun(SRC, 3600))._unsafeUnwrap()).toBe(true);
      expect((await store.hasRun(SRC, 3900))._unsafeUnwrap()).toBe(false);
      await store.close();
    });

    it('keeps one sample per resource and sample time when a run is recorded twice', async () => {
      // GIVEN a store with a run recorded
      const { store } = await factory.fresh();
      await store.recordRun(run(3600, 1), [server('s-1')], projects);
      // WHEN the same sample time is recorded again (a restarted collector), with other traits
      const again = await store.recordRun(run(3600, 2), [server('s-1', 'm1.large'), server('s-9')], projects);
      // THEN nothing changes: the first run and its sample stay as they were
      expect(again._unsafeUnwrap()).toEqual({ recorded: false, reason: 'duplicate-run' });
      expect((await store.samplesAt(SRC, 3600))._unsafeUnwrap()).toEqual([server('s-1')]);
      expect((await store.runs(SRC, 0, 7200))._unsafeUnwrap()).toHaveLength(1);
      await store.close();
    });

    it('writes a run with all its samples or not at all', async () => {
      // GIVEN a run whose second sample can't be stored (its traits don't serialize)
      const { store } = await factory.fresh();
      const broken = { ...server('s-2'), traits: { size: 1n as unknown as number } };
      // WHEN it is recorded
      const r = await store.recordRun(run(3600, 2), [server('s-1'), broken], projects);
      // THEN it fails and leaves neither the run nor its first sample behind
      expect(r.isErr()).toBe(true);
      expect((await store.hasRun(SRC, 3600))._unsafeUnwrap()).toBe(false);
      expect((await store.samplesAt(SRC, 3600))._unsafeUnwrap()).toEqual([]);
      // AND the same run can be recorded afterwards
      expect((await store.recordRun(run(3600, 1), [server('s-1')], projects))._unsafeUnwrap()).toEqual({ recorded: true, samples: 1 });
      await store.close();
    });

    it('sums weighted samples per resource, traits and hour', async () => {
      // GIVEN three runs, a resize between the second and third, and another platform's run
      const { store } = await factory.fresh();
      await store.recordRun(run(3600, 1), [server('s-1')], projects);
      await store.recordRun(run(3900, 1), [server('s-1')], projects);
      await store.recordRun(run(7200, 1), [server('s-1', 'm1.large')], projects);
      await store.recordRun({ ...run(3600, 1), platform: 'other' }, [server('x-1')], []);
      // WHEN groups are read with weights (the third run reaches into the next hour's query only)
      const groups: SampleGroup[] = [];
      const weights = [
        { sampledAt: 3600, hourStart: 3600, seconds: 300 },
        { sampledAt: 3900, hourStart: 3600, seconds: 120 },
        { sampledAt: 7200, hourStart: 7200, seconds: 300 },
      ];
      const n = await store.forEachSampleGroup(SRC, weights, (g) => groups.push(g));
      // THEN each (resource, traits, hour) is one group with the summed seconds, in hour order
      expect(n._unsafeUnwrap()).toBe(2);
      expect(groups.map((g) => [g.resourceId, g.hourStart, g.seconds, g.traits['flavor']])).toEqual([
        ['s-1', 3600, 420, 'm1.small'],
        ['s-1', 7200, 300, 'm1.large'],
      ]);
      await store.close();
    });

    it('sums a run whose window is split over two hours into each hour, beside unsplit runs', async () => {
      // GIVEN runs at 3300 and 3600 (whole) and one at 7000 whose 300 s cross the 7200 hour boundary
      const { store } = await factory.fresh();
      for (const t of [3300, 3600, 7000]) await store.recordRun(run(t, 1), [server('s-1')], projects);
      const weights = [
        { sampledAt: 3300, hourStart: 0, seconds: 300 },
        { sampledAt: 3600, hourStart: 3600, seconds: 300 },
        { sampledAt: 7000, hourStart: 3600, seconds: 200 },
        { sampledAt: 7000, hourStart: 7200, seconds: 100 },
      ];
      // WHEN groups are read
      const groups: SampleGroup[] = [];
      await store.forEachSampleGroup(SRC, weights, (g) => groups.push(g));
      // THEN each hour has its part of each run, and nothing else, in hour order
      expect(groups.map((g) => g.hourStart)).toEqual([...groups.map((g) => g.hourStart)].sort((x, y) => x - y));
      const perHour = new Map<number, number>();
      for (const g of groups) perHour.set(g.hourStart, (perHour.get(g.hourStart) ?? 0) + g.seconds);
      expect([...perHour]).toEqual([[0, 300], [3600, 500], [7200, 100]]);
      await store.close();
    });

    it('keeps two regions of one platform apart: the same sample time and resource ids are two runs and two samples', async () => {
      // GIVEN a run of RegionOne
      const { store } = await factory.fresh();
      const two = { platform: 'os-test', region: 'RegionTwo' };
      await store.recordRun(run(3600, 1), [server('s-1')], projects);
      // WHEN RegionTwo's collector records the same sample time with a resource of the same id
      const second = await store.recordRun({ ...run(3600, 1), ...two }, [server('s-1', 'm1.large')], projects);
      // THEN it is recorded, not taken for a duplicate, and each region reads its own sample
      expect(second._unsafeUnwrap()).toEqual({ recorded: true, samples: 1 });
      expect((await store.samplesAt(SRC, 3600))._unsafeUnwrap()).toEqual([server('s-1')]);
      expect((await store.samplesAt(two, 3600))._unsafeUnwrap()).toEqual([server('s-1', 'm1.large')]);
      expect((await store.hasRun(two, 3900))._unsafeUnwrap()).toBe(false);
      expect((await store.sources())._unsafeUnwrap()).toEqual([SRC, two]);
      // AND the project's owner version is kept once for both
      expect((await store.ownerVersions('os-test'))._unsafeUnwrap().size).toBe(1);
      await store.close();
    });

    it('bills a project moved between workspaces to each for its own hours, and leaves the closed period\'s statement unchanged', async () => {
      // GIVEN a project of workspace acme (cost centre cc-1) with one server, sampled hourly for 2 hours
      const { store } = await factory.fresh();
      const asAcme: ProjectRecord[] = [{ projectId: 'p-a', name: 'acme.web', owner: { platform: 'os-test', workspace: 'acme', project: 'web' }, tags: { cost_center: 'cc-1' } }];
      const asGlobex: ProjectRecord[] = [{ projectId: 'p-a', name: 'globex.web', owner: { platform: 'os-test', workspace: 'globex', project: 'web' }, tags: { cost_center: 'cc-2' } }];
      const hourly = (t: number) => ({ ...run(t, 1), intervalSeconds: 3600 });
      for (const t of [0, 3600]) await store.recordRun(hourly(t), [server('s-1')], asAcme);
      const opts = { platforms: [{ ...SRC, prices: { 'server.flavor.m1.small': 0.5 } }], currency: { code: 'EUR', digits: 2 } } as const;
      const closed = { ...opts, period: { from: 0, to: 7200 } };
      const before = (await buildReport(store, closed))._unsafeUnwrap();
      // WHEN the project moves to workspace globex (its tags change) and is sampled for 3 more hours
      for (const t of [7200, 10800, 14400]) await store.recordRun(hourly(t), [server('s-1')], asGlobex);
      // THEN the whole period bills acme 2 hours and globex 3, each with its own cost centre
      const all = (await buildReport(store, { ...opts, period: { from: 0, to: 18000 } }))._unsafeUnwrap();
      expect(all.statements.map((st) => [st.group, st.tenants.map((t) => [t.tenant, t.tags['cost_center'], t.items.find((i) => i.metric === 'server.hours')!.quantity]), st.total])).toEqual([
        ['acme', [['acme.web', 'cc-1', 2]], '1.00'],
        ['globex', [['globex.web', 'cc-2', 3]], '1.50'],
      ]);
      // AND the statement of the closed period is the same, byte for byte, as before the move
      const after = (await buildReport(store, closed))._unsafeUnwrap();
      expect(renderJson(after)).toBe(renderJson(before));
      expect(renderCsv(after)).toBe(renderCsv(before));
      expect(before.statements.map((st) => st.group)).toEqual(['acme']);
      await store.close();
    });

    it('keeps its data and schema version when opened again', async () => {
      // GIVEN a store with a run
      const { store, reopen } = await factory.fresh();
      await store.recordRun(run(3600, 1), [server('s-1')], projects);
      const version = (await store.schemaVersion())._unsafeUnwrap();
      await store.close();
      // WHEN it is opened again (migrations run again)
      const again = (await reopen())._unsafeUnwrap();
      // THEN the data is there and the version unchanged
      expect((await again.samplesAt(SRC, 3600))._unsafeUnwrap()).toEqual([server('s-1')]);
      expect((await again.schemaVersion())._unsafeUnwrap()).toBe(version);
      expect(version).toBeGreaterThanOrEqual(1);
      await again.close();
    });

    it('refuses a store written by a newer keyform', async () => {
      // GIVEN a store whose schema is newer than this keyform knows
      const { store, reopen, forceVersion } = await factory.fresh();
      await store.close();
      await forceVersion(999);
      // WHEN it is opened
      const r = await reopen();
      // THEN it is refused with advice
      expect(r._unsafeUnwrapErr().message).toMatch(/schema is version 999.*Upgrade keyform/);
    });
  });
}
