import { compareCodeUnits, isMarkerTag, RETIRED_TAG, MANAGED_TAG, TENANT_TAG } from '../constructs/model/index.ts';

/**
 * True for the tags keyform owns on a project: its markers (ownership, tenant, retired,
 * deletion policy) and every tag under the platform's prefix. Everything else was put
 * there by someone else and is left as found.
 * @example isKeyformTag('kf_cost_center=cc42', 'kf_') // true
 * @example isKeyformTag('owner=alice', 'kf_') // false
 */
export function isKeyformTag(tag: string, prefix: string): boolean {
  return isMarkerTag(tag) || tag.startsWith(prefix);
}

/**
 * The tags a project should carry: the desired ones (markers and prefix tags) plus the live
 * tags keyform does not own, sorted and without duplicates.
 */
export function mergeTags(desired: readonly string[], live: readonly string[], prefix: string): readonly string[] {
  // Most projects carry no foreign tag: then the desired list (sorted, as synth makes it) is the answer.
  if (live.every((t) => isKeyformTag(t, prefix)) && isSorted(desired)) return desired;
  const out = new Set(desired);
  for (const t of live) if (!isKeyformTag(t, prefix)) out.add(t);
  return sortedTags(out);
}

/**
 * The tags of a retired project: the live tags plus `keyform.retired`. With `release`, also
 * without the ownership and tenant markers, so that keyform lets go of the project (used when
 * a new project takes the tenant's place and the old one is kept).
 */
export function retiredTags(live: readonly string[], release: boolean): readonly string[] {
  const out = new Set(live);
  out.add(RETIRED_TAG);
  if (release) for (const t of live) if (t.startsWith(`${MANAGED_TAG}=`) || t.startsWith(`${TENANT_TAG}=`)) out.delete(t);
  return sortedTags(out);
}

/** Tags in code-unit order, as Keystone records are compared. */
export function sortedTags(tags: Iterable<string>): readonly string[] {
  return [...new Set(tags)].sort((a, b) => compareCodeUnits(a, b));
}

function isSorted(tags: readonly string[]): boolean {
  for (let i = 1; i < tags.length; i++) if (!(tags[i - 1]! < tags[i]!)) return false;
  return true;
}

/** Whether two sorted tag lists are equal. */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
