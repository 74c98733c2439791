import {
  MANAGED_TAG, parentAddress, sortResources, TENANT_TAG,
  type DesiredState, type LiveState, type ProjectResource, type Resource, type UnmanagedObject,
} from '../../constructs/model/index.ts';
import { schedule, type Change, type Operation } from '../../plans/index.ts';

/**
 * An in-memory Keystone for property tests: it runs a plan's operations in `schedule` order
 * and enforces what the real Keystone (and keyform's promises) would: unique names per
 * domain, parents existing before children, a domain disabled and empty before it is
 * deleted, a project disabled before it is deleted, and no unmanaged object ever touched
 * except an adoption the configuration asked for, and no access gap: a role assignment
 * whose group and project stay is never revoked before its replacement is granted (Keystone
 * keys a grant by group, project *and* role, so both may exist at once), and after every
 * single operation each user still holds every Keystone role on a tenant's project that
 * they held at the start and the configuration still grants (through a membership, a grant
 * and an enabled project, old or new). Anything else is a *violation*; the returned live
 * state is what a fresh snapshot would see.
 *
 * A replace that creates first leaves two objects behind one address for a while: the new
 * one in `resources`, the old one in `superseded` until its own change removes or releases it.
 */
export interface ModelRun {
  readonly live: LiveState;
  readonly violations: readonly string[];
}

interface Model {
  readonly resources: Map<string, Resource>;
  unmanaged: UnmanagedObject[];
  readonly live: LiveState;
  readonly violations: string[];
  next: number;
  /** Keystone ids at the start, by address: a parent with another id now was replaced. */
  readonly startIds: ReadonlyMap<string, string | undefined>;
  /** Grants revoked while their group and project stayed. */
  readonly revoked: Set<string>;
  /** Old objects a replace created the new object of before removing them, by address. */
  readonly superseded: Map<string, Resource>;
  /** The Keystone ids of the objects each membership, grant and quota hangs on, by its own id. */
  readonly parentIds: Map<string, readonly string[]>;
}

/** One role a user holds on a tenant's project: `euid`, the project's address, the Keystone role. */
interface Access {
  readonly euid: string;
  readonly project: string;
  readonly membership: string;
  readonly assignment: string;
  readonly keystoneRole: string;
}

/** Applies `changes` to `live`; within a batch in reverse order, to catch a missing dependency. */
export function applyChanges(live: LiveState, changes: readonly Change[], desired?: DesiredState): ModelRun {
  const resources = new Map(live.resources.map((r) => [r.address, r]));
  const m: Model = {
    resources, unmanaged: [...live.unmanaged], live, violations: [], next: 0,
    startIds: new Map(live.resources.map((r) => [r.address, idOf(r)])), revoked: new Set(), superseded: new Map(),
    parentIds: new Map(live.resources.map((r) => [idOf(r)!, parentAddresses(r).map((a) => idOf(resources.get(a)) ?? 'missing')])),
  };
  const kept = desired === undefined ? [] : grantedAccess(desired.resources).filter((a) => holds(m, a));
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  for (const batch of schedule(changes)) {
    for (const ref of [...batch].reverse()) {
      const c = byAddress.get(ref.address)!;
      run(m, c, c.operations[ref.index]!);
      for (const a of kept) if (!holds(m, a)) m.violations.push(`access gap: ${a.euid} lost ${a.keystoneRole} on ${a.project} after operation ${ref.index} of ${c.address}`);
    }
  }
  for (const [a, r] of m.superseded) m.violations.push(`${a}: the old ${r.kind} ${idOf(r)} is still there after the apply`);
  return { live: { ...live, resources: sortResources([...m.resources.values()]), unmanaged: m.unmanaged }, violations: m.violations };
}

/** The roles the configuration grants: one per desired membership whose group has a grant. */
function grantedAccess(desired: readonly Resource[]): Access[] {
  const grants = new Map(desired.flatMap((r) => (r.kind === 'assignment' ? [[groupOf(r), r] as const] : [])));
  return desired.flatMap((r) => {
    const g = r.kind === 'membership' ? grants.get(groupOf(r)) : undefined;
    if (r.kind !== 'membership' || g?.kind !== 'assignment') return [];
    return [{ euid: r.key.euid, project: parentAddresses(g)[1]!, membership: r.address, assignment: g.address, keystoneRole: g.attrs.keystoneRole }];
  });
}

function groupOf(r: Resource): string {
  return parentAddresses(r)[0] ?? '';
}

/** Whether the user of `a` holds its role now: a membership in a group that has the grant on an enabled project of the tenant. */
function holds(m: Model, a: Access): boolean {
  const alive = (address: string): Resource[] => [m.resources.get(address), m.superseded.get(address)].filter((r): r is Resource => r !== undefined);
  const projects = new Set(alive(a.project).filter((p) => p.kind === 'project' && p.attrs.enabled).map((p) => idOf(p)!));
  const groups = new Set(alive(a.membership).map((x) => m.parentIds.get(idOf(x)!)?.[0]));
  return alive(a.assignment).some((g) => {
    const [group, project] = m.parentIds.get(idOf(g)!) ?? [];
    return g.kind === 'assignment' && g.attrs.keystoneRole === a.keystoneRole && groups.has(group) && projects.has(project!);
  });
}

function run(m: Model, c: Change, o: Operation): void {
  if (o.op === 'create') create(m, c);
  else if (o.op === 'update') update(m, c, o.set);
  else remove(m, c);
}

function create(m: Model, c: Change): void {
  const a = c.after!;
  const held = m.resources.get(a.address);
  if (held !== undefined && c.action === 'replace' && idOf(held) === idOf(c.before)) {
    m.resources.delete(a.address);
    m.superseded.set(a.address, held);
  } else if (held !== undefined) m.violations.push(`create over a live object at ${a.address}`);
  if (a.kind === 'assignment' && m.revoked.has(a.address) && parentsStay(m, a)) m.violations.push(`access gap: ${a.address} was revoked before its replacement was granted`);
  const base = a.kind === 'project' ? (({ adopt: _a, ...rest }: ProjectResource) => rest)(a) : a;
  // Every kind gets one made-up id: the model only compares ids records as a whole (`identity`).
  const r = { ...base, ids: { id: `new-${m.next++}` }, managed: true } as Resource;
  checkName(m, r);
  checkParents(m, r);
  m.parentIds.set(idOf(r)!, parentAddresses(r).map((p) => idOf(m.resources.get(p)) ?? 'missing'));
  m.resources.set(r.address, r);
}

function update(m: Model, c: Change, set: Readonly<Record<string, unknown>>): void {
  const b = c.before!;
  if (b.managed === false) return adopt(m, c, set);
  const found = target(m, c);
  if (found === undefined) return;
  const { r, place } = found;
  const next = { ...r, attrs: { ...r.attrs, ...set } } as Resource;
  place.set(r.address, next);
  if ('name' in set) checkName(m, next);
  if (r.kind === 'domain' && 'name' in set) renameDomain(m, r.attrs.name, String(set['name']));
  if (next.kind === 'project' && !next.attrs.tags.some((t) => t.startsWith(`${MANAGED_TAG}=${m.live.platform}`)) && !next.attrs.tags.some((t) => t.startsWith(`${TENANT_TAG}=`))) {
    place.delete(r.address);
    const { name, domain, description, enabled, tags } = next.attrs;
    m.unmanaged = [...m.unmanaged, { kind: 'project', name, domain, id: idOf(r)!, description, enabled, tags }];
  }
}

function adopt(m: Model, c: Change, set: Readonly<Record<string, unknown>>): void {
  const b = c.before!;
  const u = m.unmanaged.find((x) => x.id === idOf(b));
  if (u === undefined || c.after?.kind !== 'project' || c.after.adopt !== true) {
    m.violations.push(`update of an unmanaged object at ${c.address} without adopt = true`);
    return;
  }
  m.unmanaged = m.unmanaged.filter((x) => x !== u);
  // The object as it is now (its domain may have been renamed since the plan), with the update applied.
  const attrs = { name: u.name, domain: u.domain, description: u.description ?? '', enabled: u.enabled ?? true, tags: u.tags ?? [] };
  m.resources.set(c.address, { ...b, attrs: { ...attrs, ...set }, managed: true } as Resource);
}

function remove(m: Model, c: Change): void {
  const found = target(m, c);
  if (found === undefined) return;
  const { r, place } = found;
  if ((r.kind === 'domain' || r.kind === 'project') && r.attrs.enabled) m.violations.push(`delete of enabled ${r.kind} ${r.address}`);
  if (r.kind === 'domain') {
    const inside = [...m.resources.values(), ...m.superseded.values(), ...m.unmanaged].filter((x) => ('attrs' in x ? (x.kind === 'project' || x.kind === 'group') && x.attrs.domain === r.attrs.name : x.kind !== 'domain' && x.domain === r.attrs.name));
    if (inside.length > 0) m.violations.push(`delete of domain ${r.address} that still holds ${inside.length} objects`);
  }
  place.delete(r.address);
  if (r.kind === 'assignment' && place === m.resources && parentsStay(m, r)) m.revoked.add(r.address);
  // Keystone deletes a group's memberships and assignments with it, a project's assignments and limits with it.
  const gone = idOf(r)!;
  for (const side of [m.resources, m.superseded]) for (const x of [...side.values()]) if (m.parentIds.get(idOf(x)!)?.includes(gone)) side.delete(x.address);
}

/**
 * The identity of `r` in the model: its Keystone object id, or for a relation without one (a
 * live membership or grant) its ids record as text; the model gives what it creates an `id`.
 */
function idOf(r: Resource | null | undefined): string | undefined {
  const ids = r?.ids as Readonly<Record<string, string>> | undefined;
  return ids === undefined ? undefined : (ids['id'] ?? JSON.stringify(ids));
}

/** The object a change's update or delete acts on: the old one of a replace under way, else the one at its address. */
function target(m: Model, c: Change): { r: Resource; place: Map<string, Resource> } | undefined {
  const id = idOf(c.before);
  for (const place of [m.superseded, m.resources]) {
    const r = place.get(c.address);
    if (r !== undefined && idOf(r) === id) return { r, place };
  }
  m.violations.push(`${c.action} of ${c.address}: the object it was planned against is not there`);
  return undefined;
}

function checkName(m: Model, r: Resource): void {
  if (r.kind !== 'domain' && r.kind !== 'project' && r.kind !== 'group') return;
  const domain = r.kind === 'domain' ? '' : r.attrs.domain;
  const clash = [...m.resources.values(), ...m.superseded.values()].some((x) => idOf(x) !== idOf(r) && x.kind === r.kind && x.attrs.name === r.attrs.name && (x.kind === 'domain' || x.attrs.domain === domain))
    || m.unmanaged.some((u) => u.kind === r.kind && u.name === r.attrs.name && u.domain === domain);
  if (clash) m.violations.push(`${r.address}: ${r.kind} name ${r.attrs.name} is already taken in domain ${domain}`);
}

function checkParents(m: Model, r: Resource): void {
  for (const p of parentAddresses(r)) if (!m.resources.has(p)) m.violations.push(`${r.address} created before its parent ${p}`);
  if (r.kind === 'membership' && !(r.key.euid in m.live.users)) m.violations.push(`${r.address}: user ${r.key.euid} does not exist`);
  if (r.kind === 'project' || r.kind === 'group') {
    const exists = r.attrs.domain in m.live.domains || [...m.resources.values()].some((x) => x.kind === 'domain' && x.attrs.name === r.attrs.domain);
    if (!exists) m.violations.push(`${r.address} created in missing domain ${r.attrs.domain}`);
  }
}

/** Whether every parent of `r` is still the object it was at the start (not replaced, not gone). */
function parentsStay(m: Model, r: Resource): boolean {
  return parentAddresses(r).every((p) => m.startIds.get(p) !== undefined && identity(m.resources.get(p)) === m.startIds.get(p));
}

/** What an object points at in Keystone (the model's own notion, independent of plans/parents.ts). */
function parentAddresses(r: Resource): string[] {
  if (r.kind === 'membership') return [parentAddress(r, 'group')];
  if (r.kind === 'assignment') return [parentAddress(r, 'group'), parentAddress(r, 'project')];
  if (r.kind === 'quota') return [parentAddress(r, 'project')];
  return [];
}

function renameDomain(m: Model, from: string, to: string): void {
  for (const x of [...m.resources.values()]) {
    if ((x.kind === 'project' || x.kind === 'group') && x.attrs.domain === from) m.resources.set(x.address, { ...x, attrs: { ...x.attrs, domain: to } } as Resource);
  }
  m.unmanaged = m.unmanaged.map((u) => (u.kind !== 'domain' && u.domain === from ? { ...u, domain: to } : u));
}

/** Which Keystone object a record stands for: its ids record as a whole (a replaced object has other ids). */
function identity(r: Resource | null | undefined): string | undefined {
  return r?.ids === undefined ? undefined : JSON.stringify(r.ids);
}
