import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RETIRED_TAG, type DesiredState, type LiveState, type Resource, type UnmanagedObject } from '../../constructs/model/index.ts';
import { diff } from '../../plans/index.ts';
import { desiredState, liveState, tenant, workspaceDomain, type TenantSpec } from './fixtures.ts';
import { applyChanges } from './keystone-model.ts';

const WORKSPACES = ['a', 'b'] as const;
const PROJECTS = ['p', 'q'] as const;
const EUIDS = ['u1', 'u2', 'u3'] as const;

const specArb = fc.record({
  renamed: fc.boolean(),
  enabled: fc.boolean(),
  tags: fc.record({ cost: fc.constantFrom('1', '2'), env: fc.constantFrom('dev', 'prod') }, { requiredKeys: [] }),
  roles: fc.record({ admin: fc.constantFrom('member', 'reader'), reader: fc.constantFrom('reader') }, { requiredKeys: ['admin'] }),
  members: fc.subarray(EUIDS.flatMap((e) => [`${e}:admin`, `${e}:reader`])),
  quotas: fc.record({ 'compute.cores': fc.constantFrom(10, 20), 'network.floatingip': fc.constantFrom(1, 2) }, { requiredKeys: [] }),
  deletionPolicy: fc.constantFrom('retain' as const, 'delete' as const),
  retired: fc.boolean(),
  foreignTags: fc.subarray(['owner=x', 'team=y']),
});
type Spec = typeof specArb extends fc.Arbitrary<infer T> ? T : never;

const sideArb = fc.record({
  ownDomain: fc.boolean(),
  domainRenamed: fc.boolean(),
  domainEnabled: fc.boolean(),
  tenants: fc.array(fc.option(specArb, { nil: undefined }), { minLength: 4, maxLength: 4 }),
});
type Side = typeof sideArb extends fc.Arbitrary<infer T> ? T : never;

const unmanagedArb = fc.array(
  fc.record({
    target: fc.constantFrom('a.p', 'a.q', 'b.p', 'a.p.v2', 'zzz'),
    inOwnDomain: fc.boolean(),
    adopt: fc.constantFrom(true, true, false),
    foreign: fc.constantFrom(false, false, false, true),
    tags: fc.subarray(['owner=x', 'kf_cost=9']),
  }),
  { maxLength: 2 },
);

const worldArb = fc.record({ desired: sideArb, live: sideArb, users: fc.subarray([...EUIDS]), unmanaged: unmanagedArb });
type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function tenantSpec(w: string, p: string, s: Spec, side: Side, live: boolean): TenantSpec {
  const members: Record<string, string[]> = {};
  for (const m of s.members) {
    const [euid, role] = m.split(':') as [string, string];
    if (role in s.roles) (members[euid] ??= []).push(role);
  }
  return {
    workspace: w, project: p, ownDomain: side.ownDomain, domain: side.ownDomain ? domainName(w, side) : 'default',
    name: s.renamed ? `${w}.${p}.v2` : `${w}.${p}`, tags: s.tags, roles: s.roles, members, quotas: s.quotas, deletionPolicy: s.deletionPolicy,
    ...(live ? { enabled: s.enabled && !s.retired, extraTags: [...s.foreignTags, ...(s.retired ? [RETIRED_TAG] : [])] } : {}),
  };
}

function domainName(w: string, side: Side): string {
  return side.domainRenamed ? `${w}-2` : w;
}

function resourcesOf(side: Side, live: boolean, users: readonly string[]): Resource[] {
  const out: Resource[] = [];
  WORKSPACES.forEach((w, wi) => {
    const specs = PROJECTS.flatMap((p, pi) => {
      const s = side.tenants[wi * 2 + pi];
      return s === undefined ? [] : [{ p, s }];
    });
    if (specs.length > 0 && side.ownDomain) out.push(workspaceDomain(w, { name: domainName(w, side), enabled: live ? side.domainEnabled : true }));
    for (const { p, s } of specs) {
      // A snapshot only ever sees memberships of users that exist.
      out.push(...tenant(tenantSpec(w, p, s, side, live)).filter((r) => !live || r.kind !== 'membership' || users.includes(r.key.euid)));
    }
  });
  return out;
}

/** A desired and a live state, with unmanaged objects whose names may clash with desired ones. */
function world(x: World): { desired: DesiredState; live: LiveState } {
  const desiredResources = resourcesOf(x.desired, false, x.users);
  const liveResources = resourcesOf(x.live, true, x.users);
  const taken = new Set(liveResources.flatMap((r) => (r.kind === 'project' ? [`${r.attrs.domain}/${r.attrs.name}`] : [])));
  const unmanaged: UnmanagedObject[] = [];
  x.unmanaged.forEach((u, i) => {
    const w = u.target.slice(0, 1);
    const domain = u.inOwnDomain && x.live.ownDomain ? domainName(w, x.live) : 'default';
    if (taken.has(`${domain}/${u.target}`)) return;
    taken.add(`${domain}/${u.target}`);
    unmanaged.push({ kind: 'project', name: u.target, domain, id: `unmanaged-${i}`, tags: u.tags, enabled: true, description: 'by hand', ...(u.foreign ? { ownedByPlatform: 'os-other' } : {}) });
    // A project lives in a domain that exists: one keyform manages, or one it must not touch.
    const managedDomain = liveResources.some((r) => r.kind === 'domain' && r.attrs.name === domain);
    if (domain !== 'default' && !managedDomain && !unmanaged.some((o) => o.kind === 'domain' && o.name === domain)) {
      unmanaged.push({ kind: 'domain', name: domain, domain: '', id: `unmanaged-domain-${i}` });
    }
  });
  const adopted = new Set<string>(x.unmanaged.filter((u) => u.adopt).map((u) => u.target));
  const desired = desiredResources.map((r) => (r.kind === 'project' && adopted.has(r.attrs.name) ? { ...r, adopt: true } : r));
  return { desired: desiredState(desired), live: liveState(liveResources, { users: x.users, unmanaged }) };
}

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
  });

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
        const run = applyChanges(live, planned.changes);
        // THEN Keystone saw nothing it would refuse and nothing keyform must not do
        expect(run.violations).toEqual([]);
        // AND a second plan finds nothing left to do, only the same remarks
        const again = diff(desired, run.live);
        expect(again.changes.map((c) => `${c.action} ${c.address} ${c.reason}`)).toEqual([]);
        expect(again.remarks).toEqual(planned.remarks);
        // AND every unmanaged object the configuration did not adopt is as it was
        const adopted = new Set(planned.changes.flatMap((c) => (c.before?.managed === false ? [c.before.ids!['id']] : [])));
        const before = untouched(live.unmanaged.filter((u) => !adopted.has(u.id)));
        const after = untouched(run.live.unmanaged.filter((u) => live.unmanaged.some((o) => o.id === u.id)));
        expect(after).toEqual(before);
      }),
      { numRuns: 400 },
    );
    expect(applied).toBeGreaterThan(200);
  }, 60_000);

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
  });
});
