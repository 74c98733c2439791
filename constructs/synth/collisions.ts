import type { Resource } from '../model/resource.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { renderLocation, compareProblems } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import type { KeystoneRecord } from '../l1/keystone-record.ts';
import { tenantKey } from '../model/index.ts';

/**
 * Keystone names must be unique: domains by name, projects and groups by name within their
 * domain (compared without case, as Keystone's usual MySQL collation does), across every
 * platform on the same Keystone (`keystoneOf` names it; by default each platform its own). Two resources
 * that render to the same name, or share an address, are one problem that names them all,
 * reported at the last of them in source order. `sorted` holds the records sorted by address
 * (`sortRecords`), so records that share an address stand side by side.
 */
export function collisionProblems(sorted: readonly KeystoneRecord[], keystoneOf: (platform: string) => string = (p) => p): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (let i = 0; i < sorted.length; ) {
    let end = i + 1;
    while (end < sorted.length && sorted[end]!.resource.address === sorted[i]!.resource.address) end++;
    if (end - i > 1) out.push(collision(true, sorted.slice(i, end), keystoneOf));
    i = end;
  }
  // Nearly every name is seen once: the first record per name is kept alone, a list is made only
  // for a clash. Names are looked up per Keystone, kind and domain, each level a map keyed by a
  // string the records share, so that no lookup makes or hashes a joined key (60,000 names at
  // 10,000 tenants).
  const first = new Map<string, Map<string, Map<string, Map<string, KeystoneRecord>>>>();
  const more = new Map<KeystoneRecord, KeystoneRecord[]>();
  const keystones = new Map<string, string>();
  for (const r of sorted) {
    const res = r.resource;
    if (res.kind !== 'domain' && res.kind !== 'project' && res.kind !== 'group') continue;
    let keystone = keystones.get(res.platform);
    if (keystone === undefined) keystones.set(res.platform, (keystone = keystoneOf(res.platform)));
    const domain = res.kind === 'domain' ? '' : res.attrs.domain.toLowerCase();
    const names = lookupOrAdd(lookupOrAdd(lookupOrAdd(first, keystone), res.kind), domain);
    const name = res.attrs.name.toLowerCase();
    const seen = names.get(name);
    if (seen === undefined) {
      names.set(name, r);
      continue;
    }
    const list = more.get(seen);
    if (list) list.push(r);
    else more.set(seen, [seen, r]);
  }
  for (const list of more.values()) out.push(collision(false, list, keystoneOf));
  return out;
}

/** The map under `key` in `maps`, added empty when there is none. */
function lookupOrAdd<V>(maps: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let m = maps.get(key);
  if (m === undefined) maps.set(key, (m = new Map()));
  return m;
}

function collision(sameAddress: boolean, list: readonly KeystoneRecord[], keystoneOf: (platform: string) => string): ConfigProblem {
  const located = list.map((r) => ({ r, at: problemAt(r.origin.source, r.origin.path, '', '') })).sort((a, b) => compareProblems(a.at, b.at));
  const names = located.map(({ r, at }) => `${owner(r.resource)} (${renderLocation(at)})`).join(' and ');
  const last = located[located.length - 1]!.r;
  const res = last.resource;
  if (sameAddress) {
    return problemAt(last.origin.source, last.origin.path, `${res.address} is declared ${list.length} times: ${names}`, 'declare each resource once');
  }
  const name = (res.attrs as { name: string }).name;
  const where = res.kind === 'domain' ? '' : ` in domain ${JSON.stringify((res.attrs as { domain: string }).domain)}`;
  const platforms = [...new Set(list.map((r) => r.resource.platform))].sort();
  if (platforms.length > 1) {
    return problemAt(
      last.origin.source,
      last.origin.path,
      `${res.kind} name ${JSON.stringify(name)}${where} is rendered by platforms ${platforms.map((p) => JSON.stringify(p)).join(' and ')}, which share one Keystone (${keystoneOf(res.platform)}): ${names}`,
      `give one of the platforms a ${res.kind}_name_pattern (or domain) of its own, so that their names differ`,
    );
  }
  return problemAt(
    last.origin.source,
    last.origin.path,
    `${res.kind} name ${JSON.stringify(name)}${where} on platform ${JSON.stringify(res.platform)} is rendered for ${list.length} ${res.kind === 'domain' ? 'workspaces' : 'tenants'}: ${names}`,
    `change the ${res.kind}_name_pattern of platform ${JSON.stringify(res.platform)} (e.g. use more of each identifier) or an identifier, so that the names differ`,
  );
}

function owner(r: Resource): string {
  switch (r.kind) {
    case 'domain':
      return `workspace ${r.key.workspace}`;
    case 'project':
      return `tenant ${tenantKey(r.key)}`;
    case 'group':
    case 'assignment':
      return `tenant ${tenantKey(r.key)} role ${r.key.role}`;
    case 'membership':
      return `tenant ${tenantKey(r.key)} role ${r.key.role} user ${r.key.euid}`;
    case 'quota':
      return `tenant ${tenantKey(r.key)} quota ${r.key.quotaKey}`;
  }
}
