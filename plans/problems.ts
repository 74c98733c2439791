import { quotaKeyInfo, type AssignmentResource, type QuotaResource } from '../constructs/model/index.ts';
import { choiceHint } from '../constructs/problems/index.ts';
import type { PlanError, Remark } from './change.ts';

/** Where a name lives in Keystone, for messages. */
export interface NamedObject {
  readonly kind: 'domain' | 'project' | 'group';
  readonly name: string;
  /** Domain name; empty for domains. */
  readonly domain: string;
}

function describe(o: NamedObject): string {
  return o.kind === 'domain' ? `domain ${JSON.stringify(o.name)}` : `${o.kind} ${JSON.stringify(o.name)} in domain ${JSON.stringify(o.domain)}`;
}

/** A desired object's name is held by an object keyform does not manage. */
export function nameClash(platform: string, address: string, o: NamedObject, conflictingId: string): PlanError {
  const adopt = o.kind === 'project' ? ', or set adopt = true on the tenant to take the existing project over' : '';
  return {
    kind: 'name-clash', platform, address, name: o.name, domain: o.domain, conflictingId,
    message: `${address} needs ${describe(o)}, which already exists (id ${conflictingId}) and is not managed by keyform. ` +
      `Change the name pattern or the identifier, rename or delete the existing ${o.kind}${adopt}.`,
  };
}

/** A desired object's name is held by an object of another keyform platform sharing this Keystone. */
export function foreignOwner(platform: string, address: string, o: NamedObject, conflictingId: string, owner: string): PlanError {
  return {
    kind: 'foreign-owner', platform, address, name: o.name, domain: o.domain, conflictingId,
    message: `${address} needs ${describe(o)}, which belongs to keyform platform ${JSON.stringify(owner)} (id ${conflictingId}); ` +
      'a platform never takes over another platform\'s objects. Give the platforms that share this Keystone different name patterns or domains.',
  };
}

/** A desired object's name is held by another object keyform manages and keeps (e.g. a retired project). */
export function nameTaken(platform: string, address: string, o: NamedObject, conflictingId: string, holder: string): PlanError {
  return {
    kind: 'name-taken', platform, address, name: o.name, domain: o.domain, conflictingId,
    message: `${address} needs ${describe(o)}, which ${holder} already uses (id ${conflictingId}) and keeps. ` +
      'Change the name pattern or the identifier, or rename the existing object in two steps (first away, then to the new owner).',
  };
}

/** A bound user has no Keystone user yet: no membership is planned for them. */
export function userNotFound(platform: string, euid: string, tenant: string, roles: readonly string[], addresses: readonly string[]): Remark {
  return {
    kind: 'user-not-found', platform, euid, tenant, roles, addresses,
    message: `user ${JSON.stringify(euid)} is bound to ${tenant} (${roles.join(', ')}) but has no Keystone user yet, ` +
      'so no group membership is planned; the next plan adds it once the identity provider has created the user (usually at first login).',
  };
}

/** The platform's quota backend cannot hold a declared quota key (the live state's `quotaDefaults` lack it). */
export function quotaUnavailable(q: QuotaResource): PlanError {
  const info = quotaKeyInfo(q.key.quotaKey);
  const unified = info?.unifiedLimits;
  const why = q.attrs.backend === 'unified-limits' && unified !== undefined
    ? `Keystone has no registered limit for ${unified.serviceType} ${unified.resourceName} in the platform's region, and refuses project limits without one (403). ` +
      `Have the cloud operator register the default first (\`openstack registered limit create --service ${unified.serviceType} --region REGION --default-limit N ${unified.resourceName}\`), or remove the key`
    : `the cloud has no ${info?.serviceApi.service ?? 'such'} quota API with ${info?.serviceApi.name ?? q.key.quotaKey} in the platform's region (the service is not in the catalog, or does not know the resource). Remove the key, or add the service`;
  return {
    kind: 'quota-unavailable', platform: q.platform, address: q.address, name: q.key.quotaKey, domain: '', conflictingId: '',
    message: `${q.address}: quota ${q.key.quotaKey} cannot be set: ${why}.`,
  };
}

/**
 * A role assignment names a Keystone role Keystone does not have (a typo in `role_mapping`):
 * applying it would fail after the old grant is gone, so the plan stops here. `name` is the role.
 */
export function unknownRole(a: AssignmentResource, known: readonly string[]): PlanError {
  return {
    kind: 'unknown-role', platform: a.platform, address: a.address, name: a.attrs.keystoneRole, domain: '', conflictingId: '',
    message: `${a.address}: role_mapping of platform ${JSON.stringify(a.platform)} maps ${a.key.role} to Keystone role ${JSON.stringify(a.attrs.keystoneRole)}, which Keystone does not have. ` +
      `Fix role_mapping (${choiceHint(a.attrs.keystoneRole, known, 'Keystone roles')}), or have the cloud operator create the role.`,
  };
}
