import type { DesiredState } from '../../../constructs/model/resource-set.ts';
import { sortResources } from '../../../constructs/model/resource-set.ts';
import type { DeletionPolicy, QuotaBackendName, Resource } from '../../../constructs/model/resource.ts';
import { address } from '../../../constructs/model/address.ts';
import { projectMarkerTags, withDescriptionMarker } from '../../../constructs/model/markers.ts';

/** One tenant as a test declares it; the builder expands it the way synth does. */
export interface TenantFixture {
  readonly workspace: string;
  readonly project: string;
  /** Keystone domain by name. @default 'default' */
  readonly domain?: string;
  /** Project role alias → Keystone role. */
  readonly roles: Readonly<Record<string, string>>;
  /** Project role alias → bound euids. @default {} */
  readonly members?: Readonly<Record<string, readonly string[]>>;
  /** Quota key → value. @default {} */
  readonly quotas?: Readonly<Record<string, number>>;
  /** @default 'unified-limits' */
  readonly backend?: QuotaBackendName;
  readonly deletionPolicy?: DeletionPolicy;
  /** User tags, already prefixed. @default [] */
  readonly tags?: readonly string[];
}

/** The desired resources of one tenant on `platform`: project, groups, grants, members, quotas. */
export function tenantResources(platform: string, t: TenantFixture): Resource[] {
  const { workspace, project } = t;
  const domain = t.domain ?? 'default';
  const tenant = `${workspace}.${project}`;
  const out: Resource[] = [{
    kind: 'project', address: address('project', [platform, workspace, project]), platform, key: { workspace, project },
    attrs: { name: tenant, domain, description: `${tenant} (keyform)`, enabled: true,
      tags: [...projectMarkerTags(platform, workspace, project, t.deletionPolicy), ...(t.tags ?? [])].sort() },
  }];
  for (const [role, keystoneRole] of Object.entries(t.roles)) {
    const key = { workspace, project, role };
    out.push(
      { kind: 'group', address: address('group', [platform, workspace, project, role]), platform, key,
        attrs: { name: `${tenant}-${role}`, domain, description: withDescriptionMarker(`${role}s of ${tenant}`, { platform, tenant, role }) } },
      { kind: 'assignment', address: address('assignment', [platform, workspace, project, role]), platform, key, attrs: { keystoneRole } },
    );
    for (const euid of t.members?.[role] ?? []) {
      out.push({ kind: 'membership', address: address('membership', [platform, workspace, project, role, euid]), platform,
        key: { ...key, euid }, attrs: {} });
    }
  }
  for (const [quotaKey, value] of Object.entries(t.quotas ?? {})) {
    out.push({ kind: 'quota', address: address('quota', [platform, workspace, project, quotaKey]), platform,
      key: { workspace, project, quotaKey }, attrs: { value, backend: t.backend ?? 'unified-limits' } });
  }
  return out;
}

/** A workspace's own Keystone domain (platforms with `domain_per_workspace`). */
export function domainResource(platform: string, workspace: string, name = workspace): Resource {
  return { kind: 'domain', address: address('domain', [platform, workspace]), platform, key: { workspace },
    attrs: { name, description: withDescriptionMarker(`workspace ${workspace}`, { platform, workspace }), enabled: true } };
}

/** The desired state of one platform, sorted as synth sorts it. */
export function desiredState(platform: string, resources: readonly Resource[]): DesiredState {
  return { platform, resources: sortResources(resources), tagPrefix: 'kf_' };
}
