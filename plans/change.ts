import type { Resource, ResourceKind } from '../constructs/model/index.ts';
import type { Action } from './action.ts';

/** A reference to one operation of one change: `changes[address].operations[index]`. */
export interface OperationRef {
  readonly address: string;
  readonly index: number;
}

/**
 * One call apply makes against Keystone. A change is a short sequence of them, run in order;
 * their `waitsFor` edges say which operations of *other* changes must have finished first
 * (see `order.ts`). The previous operation of the same change is always waited for and not
 * listed.
 *
 * | op       | acts on                          | does                                                 |
 * |----------|----------------------------------|------------------------------------------------------|
 * | `create` | nothing yet                      | creates the change's `after` record                  |
 * | `update` | the live object (`before.ids`)   | writes `set` (attribute → new value; tags: the whole list, of which apply writes only keyform's tags that differ, one by one) |
 * | `delete` | the live object (`before.ids`)   | deletes it                                           |
 */
export type Operation =
  | { readonly op: 'create'; readonly waitsFor: readonly OperationRef[] }
  | { readonly op: 'update'; readonly set: Readonly<Record<string, AttributeValue>>; readonly waitsFor: readonly OperationRef[] }
  | { readonly op: 'delete'; readonly waitsFor: readonly OperationRef[] };

/** An attribute value as resources hold them. */
export type AttributeValue = string | number | boolean | readonly string[];

/**
 * One resource's planned change. Plain readonly JSON data; apply executes `operations` and
 * needs nothing else re-derived.
 *
 * | action    | before                                | after                                   | operations                    |
 * |-----------|---------------------------------------|-----------------------------------------|-------------------------------|
 * | `create`  | null                                  | the desired record                      | create                        |
 * | `update`  | the live record (with Keystone `ids`) | the record as it will be                | update                        |
 * | `delete`  | the live record                       | null                                    | [update enabled=false,] delete |
 * | `replace` | the live record being replaced        | the desired record of the new object    | project, group, membership, grant: [rename,] create, then retire or [disable,] delete; quota: delete, create |
 * | `no-op`   | the live record                       | the live record                         | none                          |
 *
 * "As it will be": the desired record with the project's tags merged with the tags keyform
 * does not own; for a retired tenant, the live record disabled and tagged `keyform.retired`.
 * An update whose `before.managed` is false is an *adoption*: it adds keyform's markers to
 * an object keyform did not create. A project `replace` under deletion policy `retain`
 * retires the old project (disabled, tagged `keyform.retired`, its tenant marker removed so
 * that keyform lets go of it) instead of deleting it; a replace that keeps the old object
 * reads so in `reason`. A replace whose create comes first is create-before-destroy (see
 * `createsFirst`); its first operation renames the old object (`retiredName`) when the new
 * one needs its name in the same domain.
 */
export interface Change {
  readonly kind: ResourceKind;
  /** The resource's address; unique within a platform's changes. */
  readonly address: string;
  readonly action: Action;
  readonly before: Resource | null;
  readonly after: Resource | null;
  /** Attribute names whose value changes, sorted; empty for create and delete. */
  readonly changed: readonly string[];
  /**
   * The attribute paths that force a replace, sorted: an attribute (`domain`,
   * `keystoneRole`, `backend`) or `ids.PARENT` when a parent object is itself replaced.
   */
  readonly replacePaths: readonly string[];
  readonly operations: readonly Operation[];
  /** Addresses of the changes this one waits for (the union of its operations' `waitsFor`), sorted. */
  readonly dependsOn: readonly string[];
  /** Why, in a sentence, for humans only: renderers show it, apply never reads it. */
  readonly reason: string;
  /**
   * What the reviewer should weigh before applying, for humans only like `reason` (e.g. a
   * quota set below what the project uses now). Added by the engine after the diff, from
   * reads that are no part of the snapshot; absent when there is nothing to say.
   */
  readonly warnings?: readonly string[];
}

/**
 * Something a reviewer should know that is not a change: the plan is still applyable.
 * A bound user without a Keystone user gets no membership; the next plan adds it once the
 * identity provider has created the user.
 */
export interface Remark {
  readonly kind: 'user-not-found';
  readonly platform: string;
  /** The user's external id. */
  readonly euid: string;
  /** `WORKSPACE.PROJECT`. */
  readonly tenant: string;
  /** The project roles the user is bound to, sorted. */
  readonly roles: readonly string[];
  /** The membership addresses that were left out, sorted. */
  readonly addresses: readonly string[];
  readonly message: string;
}

/**
 * A problem that makes the plan unapplyable until the configuration or Keystone changes.
 * `quota-unavailable`: the platform's quota backend cannot hold a declared key (no
 * registered limit; no such service in the region); `name` is the quota key, `domain` and
 * `conflictingId` are empty. `unknown-role`: a role assignment names a Keystone role that does
 * not exist; `name` is the role, `domain` and `conflictingId` are empty.
 */
export interface PlanError {
  readonly kind: 'name-clash' | 'foreign-owner' | 'name-taken' | 'quota-unavailable' | 'unknown-role';
  readonly platform: string;
  /** The desired resource that cannot be created or renamed. */
  readonly address: string;
  readonly name: string;
  /** Domain name; empty for domains. */
  readonly domain: string;
  /** The Keystone id of the object in the way. */
  readonly conflictingId: string;
  readonly message: string;
}
