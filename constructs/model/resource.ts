import type { IdsByKind } from './ids.ts';

/**
 * The resource kinds keyform manages, as plain readonly, JSON-serializable records.
 *
 * Every resource has the same shape: a `kind`, a stable `address`, the `platform` it belongs
 * to, its identity `key` (what makes it *this* object across renames) and its `attrs` (what
 * is compared and written). Live resources (from a snapshot) also carry Keystone ids.
 *
 * | kind        | key                                   | attrs                                   |
 * |-------------|---------------------------------------|-----------------------------------------|
 * | domain      | workspace                             | name, description, enabled              |
 * | project     | workspace, project                    | name, domain, description, enabled, tags|
 * | group       | workspace, project, role              | name, domain, description               |
 * | membership  | workspace, project, role, euid        | (none: it exists or not)                |
 * | assignment  | workspace, project, role              | keystoneRole                            |
 * | quota       | workspace, project, quotaKey          | value, backend                          |
 */

/** The closed set of resource kinds, in parent-first order. */
export const RESOURCE_KINDS = ['domain', 'project', 'group', 'membership', 'assignment', 'quota'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Which backend a quota entry is written to. */
export type QuotaBackendName = 'unified-limits' | 'service-apis';

/**
 * What a tenant's removal does to its project. @default 'retain'
 * A project record holds it in one place only: its tags (`deletionPolicyOf` in `markers.ts`).
 */
export type DeletionPolicy = 'retain' | 'delete';

export interface DomainKey {
  readonly workspace: string;
}
export interface ProjectKey {
  readonly workspace: string;
  readonly project: string;
}
export interface GroupKey extends ProjectKey {
  /** The project role alias (e.g. `admin`, `user`, `reader`). */
  readonly role: string;
}
export interface MembershipKey extends GroupKey {
  /** The user's external id, stored by the identity provider in Keystone `User.name`. */
  readonly euid: string;
}
export interface QuotaKey extends ProjectKey {
  /** `service.resource`, e.g. `compute.cores`. */
  readonly quotaKey: string;
}

export interface DomainAttrs {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
}
export interface ProjectAttrs {
  readonly name: string;
  /** The *name* of the Keystone domain the project lives in. Changing it forces a replace. */
  readonly domain: string;
  readonly description: string;
  readonly enabled: boolean;
  /** Every tag on the project, sorted. Tags outside keyform's prefix are kept as found. */
  readonly tags: readonly string[];
}
export interface GroupAttrs {
  readonly name: string;
  /** The *name* of the Keystone domain the group lives in. Changing it forces a replace. */
  readonly domain: string;
  readonly description: string;
}
export type MembershipAttrs = Readonly<Record<string, never>>;
/** Memberships have no attributes: one frozen empty object serves every membership record (an own `{}` costs ~60 bytes each). */
export const NO_MEMBERSHIP_ATTRS: MembershipAttrs = Object.freeze({});
export interface AssignmentAttrs {
  /** The Keystone role the group holds on the project (e.g. `member`). A change is a replace. */
  readonly keystoneRole: string;
}
export interface QuotaAttrs {
  /** The limit; -1 means unlimited. */
  readonly value: number;
  readonly backend: QuotaBackendName;
}

interface ResourceOf<K extends ResourceKind, Key, Attrs> {
  readonly kind: K;
  /** Stable, unique within a ResourceSet; see `address.ts`. */
  readonly address: string;
  /** The platform (Keystone endpoint + region) this resource belongs to. */
  readonly platform: string;
  readonly key: Key;
  readonly attrs: Attrs;
  /** Keystone ids, present on live resources only; their fields per kind are in `ids.ts`. */
  readonly ids?: IdsByKind[K];
  /** Live resources: whether the object carries keyform's marker for this platform. */
  readonly managed?: boolean;
}

export type DomainResource = ResourceOf<'domain', DomainKey, DomainAttrs>;
export type ProjectResource = ResourceOf<'project', ProjectKey, ProjectAttrs> & {
  /** Desired resources only: take over an unmanaged project of the same name. @default false */
  readonly adopt?: boolean;
};
export type GroupResource = ResourceOf<'group', GroupKey, GroupAttrs>;
export type MembershipResource = ResourceOf<'membership', MembershipKey, MembershipAttrs>;
export type AssignmentResource = ResourceOf<'assignment', GroupKey, AssignmentAttrs>;
export type QuotaResource = ResourceOf<'quota', QuotaKey, QuotaAttrs>;

export type Resource =
  | DomainResource
  | ProjectResource
  | GroupResource
  | MembershipResource
  | AssignmentResource
  | QuotaResource;

/** The resource record of a given kind. */
export type ResourceOfKind<K extends ResourceKind> = Extract<Resource, { kind: K }>;
