import fc from 'fast-check';
import { RETIRED_TAG, type DesiredState, type LiveState, type Resource, type UnmanagedObject } from '../../constructs/model/index.ts';
import { desiredState, liveState, tenant, workspaceDomain, type TenantSpec } from './fixtures.ts';

/**
 * Random desired and live states for property tests: two workspaces of two tenants each,
 * drawn independently on both sides (present or not, renamed, retagged, other members,
 * roles, quotas, policies, own domain or shared, renamed domains), plus unmanaged projects
 * whose names may clash with desired ones and may be adopted.
 */
const WORKSPACES = ['a', 'b'] as const;
const PROJECTS = ['p', 'q'] as const;
export const EUIDS = ['u1', 'u2', 'u3'] as const;

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

export const sideArb = fc.record({
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

export const worldArb = fc.record({ desired: sideArb, live: sideArb, users: fc.subarray([...EUIDS]), unmanaged: unmanagedArb });
export type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

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

export function resourcesOf(side: Side, live: boolean, users: readonly string[]): Resource[] {
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
export function world(x: World): { desired: DesiredState; live: LiveState } {
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

