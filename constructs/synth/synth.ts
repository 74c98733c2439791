import { ok, err, type Result } from 'neverthrow';
import type { Resource } from '../model/resource.ts';
import type { DesiredState } from '../model/resource-set.ts';
import { configError, type ConfigError, type ConfigProblem } from '../problems/config-error.ts';
import type { KeyformApp } from '../l2/keyform-app.ts';
import { durationSeconds } from '../model/duration.ts';
import { KeystoneResource } from '../l1/keystone-resource.ts';
import { keystoneRecordProblems, type KeystoneRecord } from '../l1/keystone-record.ts';
import type { Declaration } from '../l2/declaration.ts';
import { collectDeclarations, type Declarations } from './declarations.ts';
import { resolveReferences, type ResolvedTenant } from './resolve-references.ts';
import { expandDomains, domainKey } from './expand-domains.ts';
import { expandTenant } from './expand-tenant.ts';
import { addToTree } from './expand-into-tree.ts';
import { collisionProblems } from './collisions.ts';
import { sortRecords } from './sort-records.ts';
import type { MeteringSettings, PlatformSettings, SynthOutput } from './synth-output.ts';
import { compareCodeUnits } from '../model/index.ts';

export interface SynthOptions {
  /**
   * The Keystone a clouds.yaml entry reaches (e.g. its auth_url), so that platforms of
   * different entries on one Keystone share one namespace of names too.
   * @default each entry its own Keystone
   */
  readonly keystoneOf?: (cloud: string) => string;
  /**
   * Where the expansion goes. `'records'`: each Keystone object stays plain data, and the
   * tree holds only what was declared. `'tree'`: each is also added to the tree as an L1
   * construct (a child of its tenant, a domain of its workspace) and read back from it, for
   * a program that walks the expanded tree. One rule (`expandTenant`) makes the records
   * either way, so both give the same output and the same problems.
   * @default 'records'
   */
  readonly expandInto?: 'records' | 'tree';
}

const RESULTS = new WeakMap<KeyformApp, Result<SynthOutput, ConfigError>>();

/**
 * Turns a construct tree into desired state: expands every tenant into L1 records (plain
 * data, no construct per Keystone object unless `expandInto: 'tree'`), checks everything
 * (the tree's own problems, references, rendered names, collisions) and fails with *all*
 * problems, or returns per platform a sorted, deterministic DesiredState with its settings.
 *
 * The tree is then locked, as a CDK app's synth does; a second call returns the first
 * result (whatever options it is given).
 * @example synth(app).map((out) => out.platforms[0]?.resources.length)
 */
export function synth(app: KeyformApp, opts: SynthOptions = {}): Result<SynthOutput, ConfigError> {
  const memo = RESULTS.get(app);
  if (memo) return memo;
  const result = synthOnce(app, opts);
  RESULTS.set(app, result);
  app.node.lock();
  return result;
}

function synthOnce(app: KeyformApp, opts: SynthOptions): Result<SynthOutput, ConfigError> {
  const d = collectDeclarations(app);
  const problems: ConfigProblem[] = [];
  const mistyped: ConfigProblem[] = [];
  for (const x of d.all) {
    const c = ownProblems(x);
    if ('mistyped' in c) mistyped.push(c.mistyped);
    else for (const p of c.problems) problems.push(p);
  }
  if (mistyped.length > 0) return err(configError([...app.problems, ...mistyped]));
  const refs = resolveReferences(d);
  problems.push(...refs.problems);
  const tree = opts.expandInto === 'tree';
  const expanded = expandAll(d, refs.tenants, tree);
  for (const p of expanded.problems) problems.push(p);
  const l1: readonly KeystoneRecord[] = tree ? app.node.findAll().filter((c) => KeystoneResource.isKeystoneResource(c)) : expanded.records.concat(d.extraResources);
  for (const r of l1) for (const p of keystoneRecordProblems(r)) problems.push(p);
  const sorted = sortRecords(l1);
  problems.push(...collisionProblems(sorted, (id) => sameKeystone(d, id, opts.keystoneOf)));
  const all = [...app.problems, ...problems.filter((p) => !app.isRejected(p))];
  if (all.length > 0) return err(configError(all));
  return ok(output(d, sorted));
}

/**
 * Every domain and tenant expanded into records, and the problems that stopped a tenant.
 * With `tree`, each record is also added to the tree as its L1 construct.
 */
function expandAll(d: Declarations, tenants: readonly ResolvedTenant[], tree: boolean): { records: KeystoneRecord[]; problems: ConfigProblem[] } {
  const domains = expandDomains(tenants);
  const records: KeystoneRecord[] = [...domains.records];
  const problems: ConfigProblem[] = [];
  if (tree) {
    const workspaces = new Map(d.workspaces.map((w) => [w.identifier, w]));
    for (const r of domains.records) addToTree(workspaces.get(r.resource.key.workspace)!, r);
  }
  for (const rt of tenants) {
    const domain = domains.names.get(domainKey(rt.platform.identifier, rt.tenant.project.workspace.identifier));
    if (domain === undefined) continue;
    const e = expandTenant(rt, d.users.get(rt.tenant.project) ?? [], domain);
    if ('problems' in e) {
      problems.push(...e.problems);
      continue;
    }
    for (const r of e.records) {
      records.push(r);
      if (tree) addToTree(rt.tenant, r);
    }
  }
  return { records, problems };
}

/**
 * A TypeScript program can pass props of the wrong type at run time (`roles: 'admin'`, via
 * `as any` or plain JavaScript). Checking a declaration then fails with a TypeError; that is
 * the program's mistake, so it becomes a problem at the declaration, and nothing further is
 * expanded from values of the wrong type.
 */
function ownProblems(x: Declaration): { problems: ConfigProblem[] } | { mistyped: ConfigProblem } {
  try {
    return { problems: x.problems() };
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return { mistyped: x.problem([], `${x.constructor.name} ${JSON.stringify(x.node.id)} has a prop of the wrong type (${e.message})`, 'pass each prop with the type its interface declares', 'key') };
  }
}

/** Platforms of one clouds.yaml entry, or of entries on one Keystone, share its names (multi-region clouds do). */
function sameKeystone(d: Declarations, platform: string, keystoneOf: SynthOptions['keystoneOf']): string {
  const cloud = d.platforms.get(platform)?.cloud;
  if (!cloud) return `platform ${JSON.stringify(platform)}`;
  return keystoneOf?.(cloud) ?? `cloud ${JSON.stringify(cloud)}`;
}

/** `sorted`: every record, sorted by address, no address twice (collisions are problems). */
function output(d: Declarations, sorted: readonly KeystoneRecord[]): SynthOutput {
  const byPlatform = new Map([...d.platforms.keys()].map((id) => [id, [] as Resource[]]));
  for (const { resource: r } of sorted) byPlatform.get(r.platform)?.push(r);
  const platforms: DesiredState[] = [];
  const settings: Record<string, PlatformSettings> = {};
  for (const [id, p] of d.platforms) {
    const own = byPlatform.get(id)!;
    platforms.push({ platform: id, resources: own, tagPrefix: p.tagPrefix });
    const domainNames: string[] = [];
    for (const r of own) if (r.kind === 'domain') domainNames.push(r.attrs.name);
    settings[id] = {
      id,
      cloud: p.cloud ?? null,
      meteringCloud: p.meteringCloud ?? null,
      limitsCloud: p.limitsCloud ?? null,
      region: p.region,
      userDomain: p.userDomain,
      domain: p.domain,
      domainPerWorkspace: p.domainPerWorkspace,
      domains: p.domainPerWorkspace ? [...new Set(domainNames)].sort() : [p.domain],
      domainNamePattern: p.patternTexts.domain_name_pattern,
      projectNamePattern: p.patternTexts.project_name_pattern,
      groupNamePattern: p.patternTexts.group_name_pattern,
      roleMapping: sortedRecord(p.roleMapping),
      tagPrefix: p.tagPrefix,
      quotaBackend: p.quotaBackend,
    };
  }
  const metering: Record<string, MeteringSettings> = {};
  for (const m of d.metering) {
    metering[m.platform] = { platform: m.platform, interval: m.interval, intervalSeconds: durationSeconds(m.interval)!, currency: m.currency ?? null, store: m.store, prices: sortedRecord(m.prices) };
  }
  return { platforms, settings, metering };
}

function sortedRecord<V>(r: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => compareCodeUnits(a, b)));
}
