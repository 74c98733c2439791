import type { Resource } from './resource.ts';

declare const KEYSTONE_ID: unique symbol;

/** The Keystone object types whose ids keyform records. */
export type KeystoneObjectType = 'domain' | 'project' | 'group' | 'user' | 'role' | 'limit' | 'service';

/**
 * The id Keystone gave an object of type `T`. At run time a plain string (the plan file
 * holds it as one); the brand only exists for the compiler, so that a group id cannot be
 * passed where a project id is wanted.
 * @example const p: ProjectId = keystoneId('project', '5b2c…')
 */
export type KeystoneId<T extends KeystoneObjectType> = string & { readonly [KEYSTONE_ID]: T };
export type DomainId = KeystoneId<'domain'>;
export type ProjectId = KeystoneId<'project'>;
export type GroupId = KeystoneId<'group'>;
export type UserId = KeystoneId<'user'>;
export type RoleId = KeystoneId<'role'>;
export type LimitId = KeystoneId<'limit'>;
export type ServiceId = KeystoneId<'service'>;

/**
 * Marks `raw`, read from Keystone (or from a plan file checked against the plan schema), as
 * the id of an object of type `type`. The only place a string becomes a typed id.
 * @example keystoneId('group', g.id)
 */
export function keystoneId<T extends KeystoneObjectType>(_type: T, raw: string): KeystoneId<T> {
  return raw as KeystoneId<T>;
}

/**
 * The Keystone ids a live resource carries, per kind (desired resources carry none). The
 * field names are those of the plan file (`before.ids`).
 *
 * | kind       | ids                                                                        |
 * |------------|----------------------------------------------------------------------------|
 * | domain     | `id`                                                                       |
 * | project    | `id`, `domainId` (absent on an unmanaged project offered for adoption)     |
 * | group      | `id`, `domainId`                                                           |
 * | membership | `groupId`, `userId`                                                        |
 * | assignment | `groupId`, `projectId`, `roleId`                                           |
 * | quota      | `projectId`; with `unified-limits` also the limit's `id` and its `serviceId` |
 */
export interface DomainIds {
  readonly id: DomainId;
}
export interface ProjectIds {
  readonly id: ProjectId;
  readonly domainId?: DomainId;
}
export interface GroupIds {
  readonly id: GroupId;
  readonly domainId: DomainId;
}
export interface MembershipIds {
  readonly groupId: GroupId;
  readonly userId: UserId;
}
export interface AssignmentIds {
  readonly groupId: GroupId;
  readonly projectId: ProjectId;
  readonly roleId: RoleId;
}
export interface QuotaIds {
  readonly projectId: ProjectId;
  /** `unified-limits` only: the project limit. */
  readonly id?: LimitId;
  /** `unified-limits` only: the service the limit is registered for. */
  readonly serviceId?: ServiceId;
}

/** The ids record of each resource kind. */
export interface IdsByKind {
  readonly domain: DomainIds;
  readonly project: ProjectIds;
  readonly group: GroupIds;
  readonly membership: MembershipIds;
  readonly assignment: AssignmentIds;
  readonly quota: QuotaIds;
}

/**
 * The Keystone id of the object a live resource *is*: the domain, project or group, or the
 * unified limit of a quota. Undefined for relations (memberships and role assignments are
 * identified by their ends, not by an id of their own), for a service-apis quota, and for
 * desired resources.
 * @example objectIdOf(liveProject) // '5b2c…'
 */
export function objectIdOf(r: Resource): string | undefined {
  switch (r.kind) {
    case 'domain':
    case 'project':
    case 'group':
    case 'quota':
      return r.ids?.id;
    case 'membership':
    case 'assignment':
      return undefined;
  }
}
