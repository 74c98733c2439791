import {
  compareCodeUnits, DELETE_POLICY_TAG, objectIdOf, projectOwner, type DeletionPolicy, type DesiredState, type LiveState, type Resource, type ResourceKind,
} from '../../constructs/index.ts';
import type { PlatformPlan } from '../../plans/index.ts';
import { inScope, type TenantScope } from './tenant-scope.ts';

/**
 * What a destroy run wants of its scope: nothing of the tenant, and its workspace's domain
 * only while another tenant of the workspace has objects on the platform.
 *
 * Why the domain is kept by looking past the scope: the live state the plan sees is cut to
 * the tenant, so the diff would take the domain for empty once the tenant's project goes,
 * and a Keystone domain delete takes every project and group inside with it. The other
 * tenants' objects are in `live` (the whole platform's snapshot), so they decide here.
 * @example destroyDesired(scoped, snapshot.live, scope).resources // [] or [the domain]
 */
export function destroyDesired(desired: DesiredState, live: LiveState, scope: TenantScope): DesiredState {
  const shared = live.resources.some((r) => r.kind !== 'domain' && r.platform === scope.platform && r.key.workspace === scope.workspace && !inScope(r, scope));
  return { ...desired, resources: desired.resources.filter((r) => r.kind === 'domain' && shared) };
}

/**
 * The scoped live state with the tenant's project carrying `policy`, the deletion policy the
 * destroy run's inputs declare: the governance system's latest word wins over the one an
 * earlier run recorded on the project. Unchanged when the inputs declare none (then the
 * recorded policy holds, as for a tenant removed from a configuration).
 */
export function withDeletionPolicy(live: LiveState, scope: TenantScope, policy: DeletionPolicy | undefined): LiveState {
  if (policy === undefined) return live;
  const resources = live.resources.map((r) => {
    if (r.kind !== 'project' || !inScope(r, scope)) return r;
    const others = r.attrs.tags.filter((t) => t !== DELETE_POLICY_TAG);
    const tags = policy === 'delete' ? [...others, DELETE_POLICY_TAG].sort() : others;
    return { ...r, attrs: { ...r.attrs, tags } };
  });
  return { ...live, resources };
}

/** The deletion policy the tenant's live project records; undefined when Keystone holds no project of the tenant. */
export function livePolicy(live: LiveState, scope: TenantScope): DeletionPolicy | undefined {
  const p = live.resources.find((r) => r.kind === 'project' && inScope(r, scope));
  return p?.kind === 'project' ? projectOwner(p.attrs.tags)?.deletionPolicy : undefined;
}

/** One of the tenant's objects in Keystone, as a destroy run's outputs list it. */
export interface TenantObject {
  readonly kind: ResourceKind;
  readonly address: string;
  /** What the object is called: its Keystone name, `EUID in ROLE` for a membership, `ROLE: KEYSTONE_ROLE` for a grant, `KEY = VALUE` for a quota. */
  readonly name: string;
  /** Its Keystone id, where it has one of its own. */
  readonly id?: string;
}

/**
 * What a destroy run hands back: what it removed from Keystone (in the order it did) and
 * what of the tenant is left there after it (sorted by address; under `retain`, the
 * disabled project and its quotas; with another tenant in the workspace, its domain).
 * Both empty: the tenant was gone before the run.
 * @example { "behavior": "DESTROY", "deletionPolicy": "retain", "removed": [{ "kind": "group", "name": "acme.webshop-admin", … }], "retained": [{ "kind": "project", … }] }
 */
export interface DestroyOutputs {
  readonly behavior: 'DESTROY';
  readonly platform: string;
  readonly workspace: string;
  readonly project: string;
  readonly deletionPolicy: DeletionPolicy;
  readonly removed: readonly TenantObject[];
  readonly retained: readonly TenantObject[];
}

/** The outputs of a destroy run from its plan and `after`, a snapshot taken after the apply and cut to the tenant. */
export function destroyOutputs(p: Pick<PlatformPlan, 'changes'>, after: LiveState, scope: TenantScope, deletionPolicy: DeletionPolicy): DestroyOutputs {
  const removed = p.changes.filter((c) => c.action === 'delete' && c.before !== null).map((c) => tenantObject(c.before!));
  const retained = after.resources.map(tenantObject).sort((a, b) => compareCodeUnits(a.address, b.address));
  return { behavior: 'DESTROY', platform: scope.platform, workspace: scope.workspace, project: scope.project, deletionPolicy, removed, retained };
}

function tenantObject(r: Resource): TenantObject {
  const id = objectIdOf(r);
  return { kind: r.kind, address: r.address, name: objectName(r), ...(id === undefined ? {} : { id }) };
}

function objectName(r: Resource): string {
  switch (r.kind) {
    case 'domain':
    case 'project':
    case 'group':
      return r.attrs.name;
    case 'membership':
      return `${r.key.euid} in ${r.key.role}`;
    case 'assignment':
      return `${r.key.role}: ${r.attrs.keystoneRole}`;
    case 'quota':
      return `${r.key.quotaKey} = ${r.attrs.value}`;
  }
}
