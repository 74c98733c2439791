import type { DesiredState, LiveState, Resource } from '../constructs/model/index.ts';

/**
 * The desired state with every project's and group's domain written as the name Keystone
 * has for it now, so that the diff compares domains by identity, whatever the spelling:
 * `domain = "default"` (the id of the domain named `Default`) and `domain = "Default"` are
 * the same domain and plan no change.
 *
 * A spelling is resolved as the openstack CLI resolves `--domain`: first as an id, then as a
 * name. So a domain later *named* `default` never takes the place of the domain whose id is
 * `default`. The domains keyform creates itself (one per workspace) are named, never
 * resolved: the name is what keyform gives them. A spelling Keystone knows neither way is
 * left as written (the snapshot has already refused a shared domain that does not exist).
 * @example resolveDomainNames(desired, live) // project.attrs.domain 'default' -> 'Default'
 */
export function resolveDomainNames(desired: DesiredState, live: LiveState): DesiredState {
  const own = new Set<string>();
  for (const r of desired.resources) if (r.kind === 'domain') own.add(r.attrs.name);
  const byId = new Map<string, string>();
  for (const [name, id] of Object.entries(live.domains)) byId.set(id, name);
  const nameOf = (spelling: string): string => (own.has(spelling) ? spelling : byId.get(spelling) ?? spelling);
  let changed = false;
  const resources = desired.resources.map((r): Resource => {
    if (r.kind !== 'project' && r.kind !== 'group') return r;
    const name = nameOf(r.attrs.domain);
    if (name === r.attrs.domain) return r;
    changed = true;
    return r.kind === 'project' ? { ...r, attrs: { ...r.attrs, domain: name } } : { ...r, attrs: { ...r.attrs, domain: name } };
  });
  return changed ? { ...desired, resources } : desired;
}
