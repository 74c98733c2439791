import { ok, err, type Result } from 'neverthrow';
import type { Resource } from '../model/resource.ts';
import { sortResources, type DesiredState } from '../model/resource-set.ts';
import { configError, type ConfigError, type ConfigProblem } from '../problems/config-error.ts';
import type { KeyformApp } from '../l2/keyform-app.ts';
import { durationSeconds } from '../l2/metering-collector.ts';
import { KeystoneResource } from '../l1/keystone-resource.ts';
import type { Declaration } from '../l2/declaration.ts';
import { collectDeclarations, type Declarations } from './declarations.ts';
import { resolveReferences } from './resolve-references.ts';
import { expandDomains, domainKey } from './expand-domains.ts';
import { expandTenant } from './expand-tenant.ts';
import { collisionProblems } from './collisions.ts';
import type { MeteringSettings, PlatformSettings, SynthOutput } from './synth-output.ts';
import { compareCodeUnits } from '../model/index.ts';

export interface SynthOptions {
  /**
   * The Keystone a clouds.yaml entry reaches (e.g. its auth_url), so that platforms of
   * different entries on one Keystone share one namespace of names too.
   * @default each entry its own Keystone
   */
  readonly keystoneOf?: (cloud: string) => string;
}

const RESULTS = new WeakMap<KeyformApp, Result<SynthOutput, ConfigError>>();

/**
 * Turns a construct tree into desired state: expands every L2 construct into L1 constructs,
 * checks everything (the tree's own problems, references, rendered names, collisions) and
 * fails with *all* problems, or returns per platform a sorted, deterministic DesiredState
 * with its settings.
 *
 * Expansion adds L1 children to the tree and then locks it, as a CDK app's synth does; a
 * second call returns the first result.
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
  const checked = d.all.map(ownProblems);
  const mistyped = checked.flatMap((c) => ('mistyped' in c ? [c.mistyped] : []));
  if (mistyped.length > 0) return err(configError([...app.problems, ...mistyped]));
  const problems: ConfigProblem[] = checked.flatMap((c) => ('problems' in c ? c.problems : []));
  const refs = resolveReferences(d);
  problems.push(...refs.problems);
  const domains = expandDomains(refs.tenants);
  for (const rt of refs.tenants) {
    const domain = domains.get(domainKey(rt.platform.identifier, rt.tenant.project.workspace.identifier));
    if (domain !== undefined) problems.push(...expandTenant(rt, d.users.get(rt.tenant.project) ?? [], domain));
  }
  const l1 = app.node.findAll().filter((c) => KeystoneResource.isKeystoneResource(c));
  problems.push(...l1.flatMap((r) => r.problems()), ...collisionProblems(l1, (id) => sameKeystone(d, id, opts.keystoneOf)));
  const all = [...app.problems, ...problems.filter((p) => !app.isRejected(p))];
  if (all.length > 0) return err(configError(all));
  return ok(output(d, l1.map((r) => r.resource)));
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

function output(d: Declarations, resources: readonly Resource[]): SynthOutput {
  const byPlatform = new Map<string, Resource[]>([...d.platforms.keys()].map((id) => [id, []]));
  for (const r of resources) byPlatform.get(r.platform)?.push(r);
  const platforms: DesiredState[] = [];
  const settings: Record<string, PlatformSettings> = {};
  for (const [id, p] of d.platforms) {
    const own = sortResources(byPlatform.get(id) ?? []);
    platforms.push({ platform: id, resources: own, tagPrefix: p.tagPrefix });
    const domainNames = own.flatMap((r) => (r.kind === 'domain' ? [r.attrs.name] : []));
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
