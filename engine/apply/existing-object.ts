import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import {
  descriptionMarker,
  projectOwner,
  tenantKey,
  type DomainResource,
  type GroupResource,
  type ProjectResource,
  type Resource,
} from '../../constructs/model/index.ts';
import { sameTags, sortedTags } from '../../plans/index.ts';
import * as ks from '../keystone/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';

/**
 * What a create that answered 409 (the name is taken) found in Keystone. Only an object that
 * is *ours* (it carries the marker of this platform and this address) and *as planned* (every
 * attribute equal to the plan's `after`) counts as the create having happened: usually our
 * own earlier attempt, whose answer was lost. Anything else is never adopted.
 */
export type Existing =
  | { readonly kind: 'same'; readonly id: string }
  | { readonly kind: 'differs'; readonly id: string; readonly why: string }
  | { readonly kind: 'foreign'; readonly id: string }
  | { readonly kind: 'absent' };

/** Finds the object that holds the name `after` wanted, and compares it with `after`. */
export function findExisting(s: OpenStackSession, after: DomainResource | ProjectResource | GroupResource, domainId: string | undefined): ResultAsync<Existing, ks.KeystoneError> {
  switch (after.kind) {
    case 'domain':
      return ks.listDomains(s, { name: after.attrs.name }).map((ds) => judge(after, ds.find((d) => d.name === after.attrs.name), (d) => {
        const m = descriptionMarker(d.description);
        return m?.platform === after.platform && m.workspace === after.key.workspace;
      }));
    case 'project':
      return ks.listProjects(s, { name: after.attrs.name, ...(domainId ? { domain_id: domainId } : {}) }).map((ps) => judge(after, ps.find((p) => p.name === after.attrs.name), (p) => {
        const o = projectOwner(p.tags);
        return o?.platform === after.platform && o.workspace === after.key.workspace && o.project === after.key.project;
      }));
    case 'group':
      return ks.listGroups(s, { name: after.attrs.name, ...(domainId ? { domain_id: domainId } : {}) }).map((gs) => judge(after, gs.find((g) => g.name === after.attrs.name), (g) => {
        const m = descriptionMarker(g.description);
        return m?.platform === after.platform && m.tenant === tenantKey(after.key) && m.role === after.key.role;
      }));
  }
}

interface Found {
  readonly id: string;
  readonly description?: string | null;
  readonly enabled?: boolean;
  readonly tags?: readonly string[];
}

function judge<T extends Found>(after: Resource, found: T | undefined, ours: (o: T) => boolean): Existing {
  if (found === undefined) return { kind: 'absent' };
  if (!ours(found)) return { kind: 'foreign', id: found.id };
  const why = difference(after, found);
  return why === undefined ? { kind: 'same', id: found.id } : { kind: 'differs', id: found.id, why };
}

/** The first attribute in which the found object differs from the planned one. */
function difference(after: Resource, o: Found): string | undefined {
  const a = after.attrs as { description?: string; enabled?: boolean; tags?: readonly string[] };
  if (a.description !== undefined && a.description !== (o.description ?? '')) return 'its description';
  if (a.enabled !== undefined && a.enabled !== o.enabled) return `enabled is ${String(o.enabled)}`;
  if (a.tags !== undefined && !sameTags(sortedTags(a.tags), sortedTags(o.tags ?? []))) return 'its tags';
  return undefined;
}

/** Turns a 409's finding into the created object's id, or the reason the create failed. */
export function resolveConflict(e: Existing, what: string): ResultAsync<string, string> {
  switch (e.kind) {
    case 'same':
      return okAsync(e.id);
    case 'absent':
      return errAsync(`Keystone answered 409 for ${what}, but no object of that name was found afterwards; apply again`);
    case 'foreign':
      return errAsync(`${what} exists already (id ${e.id}) and is not keyform's: keyform never adopts an object it did not create. Rename or delete it, or make a new plan (it will show the clash)`);
    case 'differs':
      return errAsync(`${what} exists already (id ${e.id}) as keyform's, but ${e.why} differs from the plan: it was changed since the plan was made. Make a new plan and apply that`);
  }
}
