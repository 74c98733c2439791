import { err, ok, type Result } from 'neverthrow';
import type { LiveState } from '../../constructs/index.ts';
import { compareCodeUnits, tenantKey } from '../../constructs/model/index.ts';
import type { Remark } from '../../plans/index.ts';
import type { TenantScope } from './tenant-scope.ts';

/** A bound user who could not be given access yet, in words for the project owner. */
export interface OutputRemark {
  readonly euid: string;
  /** The project roles the user is bound to, sorted. */
  readonly roles: readonly string[];
  readonly message: string;
}

/**
 * What a successful building-block run hands back to the pipeline: the Keystone ids of the
 * tenant's objects as they are after the apply, and the users left out for now.
 * @example { "behavior": "APPLY", "projectId": "4f1c…", "domainId": "default", "groups": { "admin": "9ab2…" }, "remarks": [] }
 */
export interface BlockOutputs {
  readonly behavior: 'APPLY';
  readonly platform: string;
  readonly workspace: string;
  readonly project: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly domainId: string;
  readonly domainName: string;
  /** Project role alias → Keystone group id, keys sorted. */
  readonly groups: Readonly<Record<string, string>>;
  /** Sorted by euid. */
  readonly remarks: readonly OutputRemark[];
}

/**
 * The outputs read from `live`, a snapshot taken after the apply and cut to the tenant;
 * fails (with the reason) when the tenant's project is not there.
 */
export function blockOutputs(live: LiveState, scope: TenantScope, remarks: readonly Remark[]): Result<BlockOutputs, string> {
  const project = live.resources.find((r) => r.kind === 'project' && r.key.workspace === scope.workspace && r.key.project === scope.project);
  if (project === undefined || project.kind !== 'project') return err(`the project of ${tenantKey(scope)} is not in Keystone after the apply`);
  const projectId = project.ids?.id;
  const domainId = project.ids?.domainId ?? live.domains[project.attrs.domain];
  if (projectId === undefined || domainId === undefined) return err(`the snapshot holds no id for the project of ${tenantKey(scope)} or its domain`);
  const groups: Record<string, string> = {};
  for (const r of live.resources) {
    if (r.kind === 'group' && r.ids?.id !== undefined) groups[r.key.role] = r.ids.id;
  }
  return ok({
    behavior: 'APPLY', platform: scope.platform, workspace: scope.workspace, project: scope.project,
    projectId, projectName: project.attrs.name, domainId, domainName: project.attrs.domain,
    groups: Object.fromEntries(Object.entries(groups).sort(([a], [b]) => compareCodeUnits(a, b))),
    remarks: remarks.map(ownerRemark).sort((a, b) => compareCodeUnits(a.euid, b.euid)),
  });
}

/**
 * A replication remark as a project owner reads it: who is missing, and what makes it right.
 * @example ownerRemark(r).message // 'bob@acme.example (reader) has no account in the cloud yet, …'
 */
export function ownerRemark(r: Remark): OutputRemark {
  return {
    euid: r.euid, roles: r.roles,
    message: `${r.euid} (${r.roles.join(', ')}) has no account in the cloud yet, so they could not be given access to the project. ` +
      'They get it on the next run of this building block after they have logged in to the cloud once.',
  };
}
