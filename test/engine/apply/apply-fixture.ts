import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { synthConfig, type SynthOutput } from '../../../constructs/index.ts';
import { planTargets, openTargets, type PlannedPlatforms, type PlatformTarget } from '../../../engine/plan/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import type { TestStack } from '../../openstack/stack.ts';

/** A short id that makes a test's platform, domains and users its own on a shared Keystone. */
export function runId(): string {
  return `t${randomBytes(3).toString('hex')}`;
}

/** The shape of a test config: `tenants` tenants in one workspace, each with the bound users. */
export interface TestConfig {
  readonly run: string;
  readonly tenants: number;
  /** euid → roles, bound on every tenant. */
  readonly users: Readonly<Record<string, readonly string[]>>;
  /** Quota `compute.cores` on every tenant (needs a registered limit for compute class:VCPU). */
  readonly cores?: number;
}

/** The platform id of a run. */
export const platformOf = (run: string): string => `p-${run}`;
/** The Keystone domain the run's workspace `w` lives in. */
export const domainOf = (run: string, w = 'w1'): string => `${run}-${w}`;

/** The `user` blocks of a project binding `users` (euid → roles), one a line. */
export function usersHcl(users: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(users).map(([u, roles]) => `    user "${u}" { roles = [${roles.map((r) => `"${r}"`).join(', ')}] }`).join('\n');
}

/** A landing zone's `quota` line for `compute.cores`; empty without `cores`. */
export function quotaHcl(cores: number | undefined): string {
  return cores === undefined ? '' : `  quota    = { "compute.cores" = ${cores} }\n`;
}

/** Writes the run's config (HCL) into a fresh folder; returns the folder. */
export function writeConfig(c: TestConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'kf-apply-cfg-'));
  const p = platformOf(c.run);
  const users = usersHcl(c.users);
  const quota = quotaHcl(c.cores);
  const projects = Array.from({ length: c.tenants }, (_, i) => `  project "p${i + 1}" {\n    tenant "${p}" { landing_zone = "lz" }\n${users}\n  }`).join('\n');
  writeFileSync(join(dir, 'keyform.hcl'), `platform "${p}" {
  cloud                = "kf"
  region               = "RegionOne"
  user_domain          = "default"
  domain_per_workspace = true
  domain_name_pattern  = "${c.run}-#{workspaceIdentifier}"
  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}"
  group_name_pattern   = "#{workspaceIdentifier}.#{projectIdentifier}-#{platformGroupAlias}"
  role_mapping         = { admin = "member", user = "member", reader = "reader" }
  tag_prefix           = "kf_"
  quota_backend        = "unified-limits"
}
landing_zone "lz" {
  platform = "${p}"
${quota}  tags     = { environment = "test" }
}
workspace "w1" {
  name = "Workspace one"
  tags = { cost_center = "cc-1" }
${projects}
}
`);
  return dir;
}

/**
 * Writes a clouds.yaml whose cloud `kf` is the stack's `admin`, optionally through `proxyUrl`
 * (auth and identity both, so that every call goes through it) and with `api_timeout`.
 */
export function writeClouds(stack: TestStack, opts: { readonly proxyUrl?: string; readonly timeoutS?: number } = {}): string {
  const { clouds } = parse(readFileSync(stack.cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: Record<string, unknown> }> };
  const admin = clouds['admin']!;
  const kf: Record<string, unknown> = { ...admin, auth: { ...admin.auth } };
  if (opts.proxyUrl) {
    (kf['auth'] as Record<string, unknown>)['auth_url'] = `${opts.proxyUrl}/v3`;
    kf['identity_endpoint_override'] = `${opts.proxyUrl}/v3`;
  }
  if (opts.timeoutS !== undefined) kf['api_timeout'] = opts.timeoutS;
  const dir = mkdtempSync(join(tmpdir(), 'kf-apply-clouds-'));
  const file = join(dir, 'clouds.yaml');
  writeFileSync(file, stringify({ clouds: { kf } }), { mode: 0o600 });
  return file;
}

/** The environment that makes keyform (in-process or a child) use `cloudsFile`. */
export function cloudsEnv(cloudsFile: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  return { ...env, OS_CLIENT_CONFIG_FILE: cloudsFile };
}

/** Synthesizes the config and opens its platform's sessions through `cloudsFile`. */
export async function targetsFor(configDir: string, cloudsFile: string, opts: { readonly timeoutMs?: number } = {}): Promise<{ output: SynthOutput; targets: readonly PlatformTarget[] }> {
  const output = (await synthConfig(configDir))._unsafeUnwrap().output;
  const settings = output.platforms.map((d) => output.settings[d.platform]!);
  const targets = (await openTargets(settings, { env: cloudsEnv(cloudsFile), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) }))._unsafeUnwrap();
  return { output, targets };
}

/** A fresh plan of the targets. */
export async function planNow(output: SynthOutput, targets: readonly PlatformTarget[]): Promise<PlannedPlatforms> {
  return (await planTargets(targets, output.platforms, 'test', new Date().toISOString()))._unsafeUnwrap();
}

/** An admin session (project scope) or a system-scoped one on the stack, for setup and checks. */
export async function adminSession(stack: TestStack, system = false): Promise<OpenStackSession> {
  const cloud = loadCloud({ cloud: system ? 'admin-system' : 'admin', files: { clouds: stack.cloudsYaml }, env: {} })._unsafeUnwrap();
  return (await openSession(cloud))._unsafeUnwrap();
}

/**
 * Makes sure Keystone has a `compute` service with a registered limit for `class:VCPU` in
 * RegionOne, as a cloud operator sets up before quotas can go into unified limits.
 */
export async function ensureCoresRegistered(sys: OpenStackSession): Promise<void> {
  const services = (await ks.listServices(sys, { type: 'compute' }))._unsafeUnwrap();
  const registered = (await ks.listRegisteredLimits(sys, { resource_name: 'class:VCPU' }))._unsafeUnwrap();
  if (registered.some((r) => services.some((s) => s.id === r.service_id) && (r.region_id === 'RegionOne' || r.region_id === null))) return;
  const svc = services[0]?.id ?? (await sys.request<{ service: { id: string } }>({ method: 'POST', service: 'identity', path: '/services', body: { service: { type: 'compute', name: 'nova' } } }))._unsafeUnwrap().body.service.id;
  (await ks.createRegisteredLimits(sys, [{ service_id: svc, region_id: 'RegionOne', resource_name: 'class:VCPU', default_limit: 10 }]))._unsafeUnwrap();
}

/** Deletes the run's workspace domain (disabled first), which takes its projects and groups along. */
export async function removeRunDomain(stack: TestStack, run: string): Promise<void> {
  const sys = await adminSession(stack, true);
  for (const d of (await ks.listDomains(sys, { name: domainOf(run) }))._unsafeUnwrap()) {
    await ks.updateDomain(sys, d.id, { enabled: false });
    await ks.deleteDomain(sys, d.id);
  }
  sys.close();
}
