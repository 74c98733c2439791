/**
 * Ownership markers: how keyform knows an object in Keystone is its own, and for which
 * platform. Several platforms may share one Keystone (one per region), so every marker
 * names the platform; a plan only ever sees the objects of its own platform.
 *
 * - Projects carry tags (Keystone has project tags): `keyform.managed=PLATFORM` and
 *   `keyform.tenant=WORKSPACE.PROJECT` (identifiers are DNS labels, so `.` is unambiguous).
 *   A retired tenant's project also carries `keyform.retired`; a tenant whose deletion policy
 *   is `delete` carries `keyform.deletion_policy=delete`.
 * - Domains, groups and unified limits have no tags: their description ends with
 *   `[keyform platform=PLATFORM workspace=W]`, `[keyform platform=P tenant=W.P role=R]` or
 *   `[keyform platform=P tenant=W.P]`.
 *
 * - Quotas in the service APIs (`quota_backend = "service-apis"`) carry no marker of their own:
 *   the project records each key keyform manages as one tag `keyform.quota=KEY` (see
 *   `QUOTA_TAG`).
 *
 * These tags are outside any user tag prefix on purpose: changing `tag_prefix` must not make
 * keyform forget what it owns.
 */

import type { DeletionPolicy } from './resource.ts';
import { parseTenantKey, tenantKey } from './tenant-key.ts';
import { flatString } from './flat-string.ts';

export const MANAGED_TAG = 'keyform.managed';
export const TENANT_TAG = 'keyform.tenant';
export const RETIRED_TAG = 'keyform.retired';
/**
 * Present on a project whose tenant declares `deletion_policy = "delete"`. The policy must
 * be in the cloud, not only in the config: when a tenant is removed from the config, its
 * live project's tags are all that is left to say whether it may be deleted.
 */
export const DELETE_POLICY_TAG = 'keyform.deletion_policy=delete';

/**
 * The marker tags of a project owned by `platform` for tenant `workspace.project`, with
 * `DELETE_POLICY_TAG` when the tenant's deletion policy is `delete`.
 * @example projectMarkerTags('os-prod', 'acme', 'webshop', 'delete') // ['keyform.managed=os-prod', 'keyform.tenant=acme.webshop', 'keyform.deletion_policy=delete']
 */
export function projectMarkerTags(platform: string, workspace: string, project: string, deletionPolicy: DeletionPolicy = 'retain'): readonly string[] {
  const markers = [flatString([MANAGED_TAG, '=', platform]), flatString([TENANT_TAG, '=', tenantKey({ workspace, project })])];
  return deletionPolicy === 'delete' ? [...markers, DELETE_POLICY_TAG] : markers;
}

/**
 * The deletion policy a project's tags record: `delete` when they hold `DELETE_POLICY_TAG`,
 * else `retain`. Desired and live projects alike hold the policy there and nowhere else.
 * @example deletionPolicyOf(['keyform.deletion_policy=delete', 'keyform.managed=os-prod']) // 'delete'
 */
export function deletionPolicyOf(tags: readonly string[]): DeletionPolicy {
  return tags.includes(DELETE_POLICY_TAG) ? 'delete' : 'retain';
}

/** True for tags that belong to keyform's marker namespace (never user tags). */
export function isMarkerTag(tag: string): boolean {
  return tag === RETIRED_TAG || tag === DELETE_POLICY_TAG || tag.startsWith(`${MANAGED_TAG}=`) || tag.startsWith(`${TENANT_TAG}=`);
}

export interface ProjectOwner {
  readonly platform: string;
  readonly workspace: string;
  readonly project: string;
  readonly retired: boolean;
  /** What removing this tenant does, as recorded on the project. */
  readonly deletionPolicy: DeletionPolicy;
}

/** Reads the owner from a project's tags; undefined when the project is not keyform's. */
export function projectOwner(tags: readonly string[]): ProjectOwner | undefined {
  const platform = tags.find((t) => t.startsWith(`${MANAGED_TAG}=`))?.slice(MANAGED_TAG.length + 1);
  const tenant = parseTenantKey(tags.find((t) => t.startsWith(`${TENANT_TAG}=`))?.slice(TENANT_TAG.length + 1));
  if (!platform || !tenant) return undefined;
  return { platform, ...tenant, retired: tags.includes(RETIRED_TAG),
    deletionPolicy: deletionPolicyOf(tags),
  };
}

/** Fields of a description marker, e.g. `{ platform: 'os-prod', tenant: 'acme.webshop', role: 'admin' }`. */
export type DescriptionMarker = Readonly<Record<string, string>>;

const MARKER_RE = /\[keyform((?: [a-z]+=[^\s\]]+)+)\]\s*$/;

/** Appends a marker to a human description: `text [keyform platform=p tenant=w.p role=r]`. */
export function withDescriptionMarker(text: string, marker: DescriptionMarker): string {
  const out = text ? [text, ' [keyform'] : ['[keyform'];
  for (const k of Object.keys(marker)) out.push(' ', k, '=', marker[k]!);
  out.push(']');
  return flatString(out);
}

/** Reads the marker at the end of a description; undefined when there is none. */
export function descriptionMarker(description: string | null | undefined): DescriptionMarker | undefined {
  const m = MARKER_RE.exec(description ?? '');
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const f of m[1]!.trim().split(' ')) {
    const eq = f.indexOf('=');
    out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

/**
 * Records on a project that keyform manages one quota key in the service quota APIs
 * (nova/cinder `os-quota-sets`, neutron `/v2.0/quotas`), which have no description or tag
 * to mark a value with: `keyform.quota=compute.cores`, one tag per key.
 *
 * Why a tag per key, on the project: the snapshot reads it in the project list it already
 * makes (no extra call), a key removed from the config is known to be keyform's and goes
 * back to the cloud's default, and a key never recorded is never touched. One tag per key
 * is added (`PUT …/tags/TAG`) and removed (`DELETE …/tags/TAG`) on its own, so quota
 * operations on one project never race over a shared list. Keys are short (≤ 40
 * characters, no `/` or `,`) and there are at most 25, well inside Keystone's 80 tags of
 * 255 characters per project.
 *
 * Unlike `isMarkerTag` tags these are not part of the project's desired tags: they are
 * written by the quota operations alone (tag before value on create, value before tag on
 * delete, so a half-done operation always leaves the key recorded); a project update
 * never writes them.
 */
export const QUOTA_TAG = 'keyform.quota';

/**
 * The marker tag recording quota key `key` on a project.
 * @example quotaMarkerTag('compute.cores') // 'keyform.quota=compute.cores'
 */
export function quotaMarkerTag(key: string): string {
  return `${QUOTA_TAG}=${key}`;
}

/** The quota keys a project's tags record, sorted; empty when none. */
export function quotaMarkerKeys(tags: readonly string[]): readonly string[] {
  const prefix = `${QUOTA_TAG}=`;
  return tags.filter((t) => t.startsWith(prefix) && t.length > prefix.length).map((t) => t.slice(prefix.length)).sort();
}

/**
 * A project's user tags (every tag but keyform's markers and quota records) as key → value:
 * with `prefix`, only the tags under it, the prefix taken off the key. A tag without `=`
 * has the value `''`. The counterpart of the `PREFIXKEY=VALUE` tags synth writes.
 * @example userTags(['kf_cost_center=cc-42', 'keyform.managed=os-prod', 'team=a'], 'kf_') // Map { 'cost_center' => 'cc-42' }
 */
export function userTags(tags: readonly string[], prefix = ''): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const t of tags) {
    if (isMarkerTag(t) || t.startsWith(`${QUOTA_TAG}=`) || !t.startsWith(prefix)) continue;
    const eq = t.indexOf('=');
    out.set(eq < 0 ? t.slice(prefix.length) : t.slice(prefix.length, eq), eq < 0 ? '' : t.slice(eq + 1));
  }
  return out;
}
