import type { DesiredState, LiveState, Resource } from '../../constructs/index.ts';
import { tenantKey } from '../../constructs/model/index.ts';

/**
 * The part of a platform one building-block run may see and change: one tenant's project,
 * groups, memberships, role assignments and quotas, and its workspace's domain (when the
 * platform has one domain per workspace, the tenant's project lives in it).
 *
 * Why the live state is cut to it, and not only the desired state: a platform plan deletes
 * what the config no longer declares, so a plan of one tenant against the whole platform
 * would remove every other tenant. Cut on both sides, the other tenants are simply not seen.
 */
export interface TenantScope {
  readonly platform: string;
  readonly workspace: string;
  readonly project: string;
}

/** Whether `r` belongs to the scope's tenant (or is its workspace's domain). */
export function inScope(r: Resource, s: TenantScope): boolean {
  if (r.platform !== s.platform || r.key.workspace !== s.workspace) return false;
  return r.kind === 'domain' || r.key.project === s.project;
}

/** The desired state cut to the scope. */
export function scopeDesired(desired: DesiredState, s: TenantScope): DesiredState {
  return { ...desired, resources: desired.resources.filter((r) => inScope(r, s)) };
}

/**
 * The live state cut to the scope. Unmanaged objects, users, roles, domains and quota
 * defaults stay whole: name clashes with objects keyform does not own are still plan errors.
 */
export function scopeLive(live: LiveState, s: TenantScope): LiveState {
  return { ...live, resources: live.resources.filter((r) => inScope(r, s)) };
}

/** A name the tenant needs that another tenant of the platform holds. */
export interface ScopeClash {
  /** The tenant's desired resource. */
  readonly address: string;
  readonly kind: 'domain' | 'project' | 'group';
  readonly name: string;
  /** The address of the other tenant's object. */
  readonly holder: string;
  /** `WORKSPACE.PROJECT` of the other tenant (the workspace alone for a domain). */
  readonly holderTenant: string;
}

/**
 * Desired objects of the scope whose Keystone name (unique per kind and domain) an object of
 * another tenant holds. Cut out of the live state, those objects would not stop the plan,
 * and the create would fail in Keystone halfway through the apply: they are found first.
 */
export function scopeClashes(desired: DesiredState, live: LiveState, s: TenantScope): readonly ScopeClash[] {
  const others = new Map<string, Resource>();
  for (const r of live.resources) {
    const k = nameKey(r);
    if (k !== undefined && !inScope(r, s)) others.set(k, r);
  }
  const out: ScopeClash[] = [];
  for (const r of desired.resources) {
    const k = nameKey(r);
    const holder = k === undefined ? undefined : others.get(k);
    if (holder === undefined || (r.kind !== 'domain' && r.kind !== 'project' && r.kind !== 'group')) continue;
    const holderTenant = 'project' in holder.key ? tenantKey(holder.key) : holder.key.workspace;
    out.push({ address: r.address, kind: r.kind, name: r.attrs.name, holder: holder.address, holderTenant });
  }
  return out;
}

/** Keystone keeps domain names unique, and project and group names unique per domain. */
function nameKey(r: Resource): string | undefined {
  if (r.kind === 'domain') return `domain\u0000\u0000${r.attrs.name}`;
  if (r.kind === 'project' || r.kind === 'group') return `${r.kind}\u0000${r.attrs.domain}\u0000${r.attrs.name}`;
  return undefined;
}
