import type { Resource, ResourceKind } from '../model/resource.ts';
import { nameProblems, tagListProblems } from '../model/constraints.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import type { ConfigPath, Source } from '../problems/source.ts';

/** The declaration an L1 object was expanded from: where its problems are reported. */
export interface Origin {
  readonly source: Source;
  readonly path: ConfigPath;
  /** How to fix a bad rendered name, e.g. which pattern produced it. */
  readonly hint: string;
}

/** Each kind's resource record, by kind: an indexed type, so a record of one kind is a record of any. */
export type ResourceByKind = { readonly [R in Resource as R['kind']]: R };

/**
 * An L1 object as plain readonly data: exactly one Keystone object (or quota entry), as
 * `synth()` emits it, and the declaration it came from. `synth()` expands each tenant into
 * these records (no construct per Keystone object); an L1 construct holds one too.
 * @example keystoneGroup({ platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', name: 'acme.webshop-admin', domain: 'default', description: '', origin })
 */
export interface KeystoneRecord<K extends ResourceKind = ResourceKind> {
  /** The desired resource. Its keys are built in sorted order, so canonical JSON output needs no copy of it. */
  readonly resource: ResourceByKind[K];
  readonly origin: Origin;
}

/** How many attrs objects a record builder keeps for sharing, at most: a long-lived process must not grow without bound. */
export const MAX_SHARED = 10_000;

/** What Keystone would reject about a record's object (its name; a project's tags); empty when nothing. */
export function keystoneRecordProblems(r: KeystoneRecord): ConfigProblem[] {
  const res = r.resource;
  if (res.kind !== 'domain' && res.kind !== 'project' && res.kind !== 'group') return [];
  const at = (message: string, hint: string = r.origin.hint) => problemAt(r.origin.source, r.origin.path, message, hint);
  const name = res.attrs.name;
  if (typeof name !== 'string') return [];
  const out = nameProblems(name).map((p) => at(`${res.kind} name ${JSON.stringify(name)} ${p}`));
  if (res.kind === 'project') {
    for (const p of tagListProblems(res.attrs.tags)) out.push(at(`project ${JSON.stringify(name)} ${p}`, 'remove or shorten landing-zone, workspace or tenant tags'));
  }
  return out;
}
