import {
  MANAGED_TAG, objectIdOf, parentAddress, sortResources, TENANT_TAG,
  type LiveState, type ProjectResource, type Resource, type UnmanagedObject,
} from '../../constructs/model/index.ts';
import { schedule, type Change, type Operation } from '../../plans/index.ts';

/**
 * An in-memory Keystone for property tests: it runs a plan's operations in `schedule` order
 * and enforces what the real Keystone (and keyform's promises) would: unique names per
 * domain, parents existing before children, a domain disabled and empty before it is
 * deleted, a project disabled before it is deleted, and no unmanaged object ever touched
 * except an adoption the configuration asked for, and no access gap: a role assignment
 * whose group and project stay is never revoked before its replacement is granted (Keystone
 * keys a grant by group, project *and* role, so both may exist at once). Anything else is a
 * *violation*; the returned live state is what a fresh snapshot would see.
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
  /** Grants a new grant of another role took the address of, not revoked yet. */
  readonly superseded: Map<string, Resource>;
}

/** Applies `changes` to `live`; within a batch in reverse order, to catch a missing dependency. */
export function applyChanges(live: LiveState, changes: readonly Change[]): ModelRun {
  const m: Model = {
    resources: new Map(live.resources.map((r) => [r.address, r])), unmanaged: [...live.unmanaged], live, violations: [], next: 0,
    startIds: new Map(live.resources.map((r) => [r.address, identity(r)])), revoked: new Set(), superseded: new Map(),
  };
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  for (const batch of schedule(changes)) {
    for (const ref of [...batch].reverse()) {
      const c = byAddress.get(ref.address)!;
      run(m, c, c.operations[ref.index]!);
    }
  }
  return { live: { ...live, resources: sortResources([...m.resources.values()]), unmanaged: m.unmanaged }, violations: m.violations };
}

function run(m: Model, c: Change, o: Operation): void {
  if (o.op === 'create') create(m, c);
  else if (o.op === 'update') update(m, c, o.set);
  else remove(m, c);
}

function create(m: Model, c: Change): void {
  const a = c.after!;
  const held = m.resources.get(a.address);
  if (a.kind === 'assignment' && held?.kind === 'assignment' && held.attrs.keystoneRole !== a.attrs.keystoneRole) m.superseded.set(a.address, held);
  else if (held !== undefined) m.violations.push(`create over a live object at ${a.address}`);
  if (a.kind === 'assignment' && m.revoked.has(a.address) && parentsStay(m, a)) m.violations.push(`access gap: ${a.address} was revoked before its replacement was granted`);
  const base = a.kind === 'project' ? (({ adopt: _a, ...rest }: ProjectResource) => rest)(a) : a;
  // Every kind gets one made-up id: the model only compares ids records as a whole (`identity`).
  const r = { ...base, ids: { id: `new-${m.next++}` }, managed: true } as Resource;
  checkName(m, r);
  checkParents(m, r);
  m.resources.set(r.address, r);
}

function update(m: Model, c: Change, set: Readonly<Record<string, unknown>>): void {
  const b = c.before!;
  if (b.managed === false) return adopt(m, c, set);
  const r = target(m, c);
  if (r === undefined) return;
  const next = { ...r, attrs: { ...r.attrs, ...set } } as Resource;
  if ('name' in set) checkName(m, next);
  if (r.kind === 'domain' && 'name' in set) renameDomain(m, r.attrs.name, String(set['name']));
  if (next.kind === 'project' && !next.attrs.tags.some((t) => t.startsWith(`${MANAGED_TAG}=${m.live.platform}`)) && !next.attrs.tags.some((t) => t.startsWith(`${TENANT_TAG}=`))) {
    m.resources.delete(r.address);
    const { name, domain, description, enabled, tags } = next.attrs;
    m.unmanaged = [...m.unmanaged, { kind: 'project', name, domain, id: objectIdOf(r)!, description, enabled, tags }];
    return;
  }
  m.resources.set(r.address, next);
}

function adopt(m: Model, c: Change, set: Readonly<Record<string, unknown>>): void {
  const b = c.before!;
  const u = m.unmanaged.find((x) => x.id === objectIdOf(b));
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
  const old = m.superseded.get(c.address);
  if (old !== undefined && identity(old) === identity(c.before)) {
    m.superseded.delete(c.address);
    return;
  }
  const r = target(m, c);
  if (r === undefined) return;
  if ((r.kind === 'domain' || r.kind === 'project') && r.attrs.enabled) m.violations.push(`delete of enabled ${r.kind} ${r.address}`);
  if (r.kind === 'domain') {
    const inside = [...m.resources.values(), ...m.unmanaged].filter((x) => ('attrs' in x ? (x.kind === 'project' || x.kind === 'group') && x.attrs.domain === r.attrs.name : x.kind !== 'domain' && x.domain === r.attrs.name));
    if (inside.length > 0) m.violations.push(`delete of domain ${r.address} that still holds ${inside.length} objects`);
  }
  m.resources.delete(r.address);
  if (r.kind === 'assignment' && parentsStay(m, r)) m.revoked.add(r.address);
  // Keystone deletes a group's memberships and assignments with it, a project's assignments and limits with it.
  for (const x of [...m.resources.values()]) if (parentAddresses(x).includes(r.address)) m.resources.delete(x.address);
}

function target(m: Model, c: Change): Resource | undefined {
  const r = m.resources.get(c.address);
  if (r === undefined || identity(r) !== identity(c.before)) {
    m.violations.push(`${c.action} of ${c.address}: the object it was planned against is not there`);
    return undefined;
  }
  return r;
}

function checkName(m: Model, r: Resource): void {
  if (r.kind !== 'domain' && r.kind !== 'project' && r.kind !== 'group') return;
  const domain = r.kind === 'domain' ? '' : r.attrs.domain;
  const clash = [...m.resources.values()].some((x) => x.address !== r.address && x.kind === r.kind && x.attrs.name === r.attrs.name && (x.kind === 'domain' || x.attrs.domain === domain))
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
