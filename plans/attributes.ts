import type { ResourceKind, Resource, ProjectResource, GroupResource } from '../constructs/model/index.ts';
import { worstImpact, type AttributeImpact } from './action.ts';
import { domainIdentity, type ResourceIndex } from './parents.ts';
import { sameTags, sortedTags } from './tags.ts';

/**
 * What changing each attribute of each kind costs, the lookup table diffs dispatch through.
 * Keystone cannot move a project or group to another domain, nor change the role of an
 * existing role assignment, and a quota moving between backends is a different object:
 * those force a replace. Memberships have no attributes: they exist or not.
 */
export const ATTRIBUTE_IMPACTS: { readonly [K in ResourceKind]: Readonly<Record<string, AttributeImpact>> } = {
  domain: { description: 'update', enabled: 'update', name: 'update' },
  project: { description: 'update', domain: 'replace', enabled: 'update', name: 'update', tags: 'update' },
  group: { description: 'update', domain: 'replace', name: 'update' },
  membership: {},
  assignment: { keystoneRole: 'replace' },
  quota: { backend: 'replace', value: 'update' },
};

const ATTRIBUTE_NAMES: Readonly<Record<ResourceKind, readonly string[]>> = {
  domain: Object.keys(ATTRIBUTE_IMPACTS.domain).sort(),
  project: Object.keys(ATTRIBUTE_IMPACTS.project).sort(),
  group: Object.keys(ATTRIBUTE_IMPACTS.group).sort(),
  membership: [],
  assignment: Object.keys(ATTRIBUTE_IMPACTS.assignment).sort(),
  quota: Object.keys(ATTRIBUTE_IMPACTS.quota).sort(),
};

/** The outcome of comparing one resource's attributes. */
export interface AttributeDiff {
  /** The attributes whose value differs, sorted. */
  readonly changed: readonly string[];
  /** The changed attributes that force a replace, sorted. */
  readonly replacePaths: readonly string[];
  /** The worst impact over `changed`. */
  readonly impact: AttributeImpact;
}

/** The two sides a record is looked up in, to resolve its domain. */
export interface Sides {
  readonly after: ResourceIndex;
  readonly before: ResourceIndex;
}

/**
 * Compares `after` (as it should be) with `before` (as it is), attribute by attribute.
 * A project's or group's `domain` is compared by identity (see `domainIdentity`): a domain
 * keyform renames is the same domain, so its projects stay where they are.
 */
export function compareAttributes(after: Resource, before: Resource, sides: Sides): AttributeDiff {
  const impacts = ATTRIBUTE_IMPACTS[after.kind];
  const changed: string[] = [];
  const replacePaths: string[] = [];
  for (const name of ATTRIBUTE_NAMES[after.kind]) {
    if (attributeEqual(name, after, before, sides)) continue;
    changed.push(name);
    if (impacts[name] === 'replace') replacePaths.push(name);
  }
  return { changed, replacePaths, impact: worstImpact(changed.map((n) => impacts[n]!)) };
}

function attributeEqual(name: string, after: Resource, before: Resource, sides: Sides): boolean {
  if (name === 'domain' && (after.kind === 'project' || after.kind === 'group')) {
    return domainIdentity(after, sides.after) === domainIdentity(before as ProjectResource | GroupResource, sides.before);
  }
  const a = (after.attrs as Readonly<Record<string, unknown>>)[name];
  const b = (before.attrs as Readonly<Record<string, unknown>>)[name];
  if (Array.isArray(a) && Array.isArray(b)) return sameTags(a as string[], b as string[]) || sameTags(a as string[], sortedTags(b as string[]));
  return a === b;
}
