import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { DomainResource, GroupResource, ProjectResource } from '../../constructs/model/index.ts';
import { isKeyformTag, type AttributeValue } from '../../plans/index.ts';
import * as ks from '../keystone/index.ts';
import { causeOf, type OpenStackError } from '../openstack/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import { findExisting, resolveConflict } from './existing-object.ts';
import { fromKeystone, type WriteContext } from './write-context.ts';

/** The Keystone objects with a name: domains, projects and groups. */
export type NamedRecord = DomainResource | ProjectResource | GroupResource;

/**
 * Creates a domain, project or group with its marker in the same call (tags or description),
 * so no object keyform made is ever unmarked. A 409 is resolved by reading the object that
 * holds the name: ours and as planned is done, anything else fails (see `existing-object.ts`).
 */
export function createNamed(after: NamedRecord, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const domainId = after.kind === 'domain' ? undefined : ctx.book.domainId(after.attrs.domain);
  if (after.kind !== 'domain' && domainId === undefined) {
    return errAsync(operationFailed(after.address, 'create', `domain ${JSON.stringify(after.attrs.domain)} does not exist in Keystone (yet); make a new plan`));
  }
  const what = `${after.kind} ${JSON.stringify(after.attrs.name)}${after.kind === 'domain' ? '' : ` in domain ${after.attrs.domain}`}`;
  return send(after, domainId ?? '', ctx)
    .orElse((e) => {
      if (e.kind !== 'conflict') return errAsync(fromKeystone(after.address, 'create', e));
      return findExisting(ctx.session, after, domainId)
        .mapErr((x) => fromKeystone(after.address, 'create', x))
        .andThen((found) => resolveConflict(found, what).mapErr((m) => operationFailed(after.address, 'create', m)));
    })
    .map((id) => ctx.book.created(after, id));
}

function send(after: NamedRecord, domainId: string, ctx: WriteContext): ResultAsync<string, OpenStackError> {
  const s = ctx.session;
  switch (after.kind) {
    case 'domain':
      return ks.createDomain(s, { name: after.attrs.name, description: after.attrs.description, enabled: after.attrs.enabled }).map((d) => d.id);
    case 'project': {
      const a = after.attrs;
      return ks.createProject(s, { name: a.name, domain_id: domainId, description: a.description, enabled: a.enabled, tags: a.tags }).map((p) => p.id);
    }
    case 'group':
      return ks.createGroup(s, { name: after.attrs.name, domain_id: domainId, description: after.attrs.description }).map((g) => g.id);
  }
}

/** Only these attributes may be written in place; anything else in `set` is a plan that is not keyform's. */
const UPDATABLE: Readonly<Record<NamedRecord['kind'], readonly string[]>> = {
  domain: ['description', 'enabled', 'name'],
  project: ['description', 'enabled', 'name', 'tags'],
  group: ['description', 'name'],
};

/**
 * Writes `set` onto the live object `before`: its fields in one PATCH, and a project's tags
 * one by one (`PUT`/`DELETE …/tags/TAG`), only those keyform owns that differ from the
 * tags the plan read. Keystone's PATCH would replace the whole list, losing a tag someone
 * added since the snapshot.
 */
export function updateNamed(before: NamedRecord, set: Readonly<Record<string, AttributeValue>>, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const id = before.ids?.id;
  const extra = Object.keys(set).filter((k) => !UPDATABLE[before.kind].includes(k));
  if (id === undefined || extra.length > 0) {
    return errAsync(operationFailed(before.address, 'update', `the plan asks to write ${extra.join(', ') || 'an object without a Keystone id'}, which keyform never does in place; make a new plan`));
  }
  const { tags, ...fields } = set;
  const patch = fields as Record<string, never>;
  const patched: ResultAsync<unknown, OpenStackError> = Object.keys(patch).length === 0 ? okAsync(undefined)
    : before.kind === 'domain' ? ks.updateDomain(ctx.session, id, patch)
    : before.kind === 'project' ? ks.updateProject(ctx.session, id, patch)
    : ks.updateGroup(ctx.session, id, patch);
  const sent = before.kind === 'project' && Array.isArray(tags) ? patched.andThen(() => writeTags(id, before.attrs.tags, tags, ctx)) : patched;
  return sent
    .mapErr((e) => operationFailed(before.address, 'update', e.kind === 'not-found' ? `${before.kind} ${id} was deleted since the plan was made; make a new plan` : e.message, causeOf(e)))
    .map(() => {
      if (before.kind === 'domain' && typeof set['name'] === 'string') ctx.book.domainRenamed(id, set['name']);
      // An adopted project was no managed object of the snapshot: its grants and quotas find its id here.
      if (before.managed === false) ctx.book.created(before, id);
    });
}

/**
 * Adds the owned tags of `wanted` that `live` lacks, then removes the owned tags of `live`
 * that `wanted` lacks, one call at a time: Keystone carries out each call by reading the
 * project's list and writing it back, so two calls on one project at once may lose one.
 * Adding first means a project being released (its markers removed) is marked retired
 * before, so an apply stopped in between leaves it keyform's and the next apply finishes.
 */
function writeTags(id: string, live: readonly string[], wanted: readonly string[], ctx: WriteContext): ResultAsync<void, OpenStackError> {
  const owned = (t: string): boolean => isKeyformTag(t, ctx.tagPrefix);
  const calls = [
    ...wanted.filter((t) => owned(t) && !live.includes(t)).map((t) => () => ks.addProjectTag(ctx.session, id, t)),
    ...live.filter((t) => owned(t) && !wanted.includes(t)).map((t) => () => ks.removeProjectTag(ctx.session, id, t)),
  ];
  return calls.reduce((done: ResultAsync<void, OpenStackError>, call) => done.andThen(call), okAsync(undefined));
}

/** Deletes the live object `before`; one that is already gone counts as deleted. */
export function deleteNamed(before: NamedRecord, ctx: WriteContext): ResultAsync<void, OperationFailure> {
  const id = before.ids?.id;
  if (id === undefined) return errAsync(operationFailed(before.address, 'delete', 'the plan names no Keystone id for it; make a new plan'));
  const sent = before.kind === 'domain' ? ks.deleteDomain(ctx.session, id) : before.kind === 'project' ? ks.deleteProject(ctx.session, id) : ks.deleteGroup(ctx.session, id);
  return sent.orElse((e) => (e.kind === 'not-found' ? okAsync(undefined) : errAsync(fromKeystone(before.address, 'delete', e))));
}
