import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { applyPlan } from '../../../engine/apply/index.ts';
import { type PlatformTarget } from '../../../engine/plan/index.ts';
import type { SynthOutput } from '../../../constructs/index.ts';
import { OPENSTACK_CLI } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { planNow, platformOf, quotaHcl, usersHcl } from './apply-fixture.ts';

/**
 * A platform as a user spells it, for the tests of keyform's two promises (never touch what
 * it does not own, never take away access by accident): every setting a user may write
 * differently for the same meaning is a field here.
 */
export interface PromiseConfig {
  readonly run: string;
  /** The shared domain, as the user writes it (`default`, `Default`, an id); unset with `perWorkspace`. */
  readonly domain?: string;
  readonly perWorkspace?: boolean;
  /** @default 'default' */
  readonly userDomain?: string;
  /** `role_mapping`; unset keeps the seed's default (every role → member). */
  readonly roleMapping?: Readonly<Record<string, string>>;
  /** @default 'unified-limits' */
  readonly quotaBackend?: 'unified-limits' | 'service-apis';
  /** The landing zone's tag `environment` (project tag `kf_environment=…`). @default 'test' */
  readonly environment?: string;
  /** Quota `compute.cores` on every tenant; unset: no quota. */
  readonly cores?: number;
  /** Project identifiers of workspace w1, each with its deletion policy. */
  readonly tenants: Readonly<Record<string, 'retain' | 'delete'>>;
  /** euid → project roles, bound on every tenant. */
  readonly users: Readonly<Record<string, readonly string[]>>;
}

/** The project name of tenant `p` of workspace w1 in run `run` (unique on a shared Keystone). */
export const projectName = (run: string, p: string): string => `${run}.${p}`;

/** The HCL of `c`, as a user would write it. */
export function promiseHcl(c: PromiseConfig): string {
  const p = platformOf(c.run);
  const placement = c.perWorkspace === true
    ? `  domain_per_workspace = true\n  domain_name_pattern  = "${c.run}-#{workspaceIdentifier}"\n`
    : `  domain               = "${c.domain ?? 'default'}"\n`;
  const mapping = c.roleMapping === undefined ? '' : `  role_mapping         = { ${Object.entries(c.roleMapping).map(([k, v]) => `${k} = "${v}"`).join(', ')} }\n`;
  const quota = quotaHcl(c.cores);
  const users = usersHcl(c.users);
  const projects = Object.entries(c.tenants).map(([id, policy]) => `  project "${id}" {\n    tenant "${p}" {\n      landing_zone    = "lz"\n      deletion_policy = "${policy}"\n    }\n${users}\n  }`).join('\n');
  return `platform "${p}" {
  cloud                = "kf"
  region               = "RegionOne"
  user_domain          = "${c.userDomain ?? 'default'}"
${placement}  project_name_pattern = "${c.run}.#{projectIdentifier}"
  group_name_pattern   = "${c.run}.#{projectIdentifier}-#{platformGroupAlias}"
${mapping}  tag_prefix           = "kf_"
  quota_backend        = "${c.quotaBackend ?? 'unified-limits'}"
}
landing_zone "lz" {
  platform = "${p}"
${quota}  tags     = { environment = "${c.environment ?? 'test'}" }
}
workspace "w1" {
  name = "Workspace one"
${projects}
}
`;
}

/** Writes `c` into `dir` (a fresh folder by default); returns the folder. */
export function writePromiseConfig(c: PromiseConfig, dir = mkdtempSync(join(tmpdir(), 'kf-promise-cfg-'))): string {
  writeFileSync(join(dir, 'keyform.hcl'), promiseHcl(c));
  return dir;
}

/** Plans and applies the targets' config; fails the test on any error or failed change. */
export async function applyNow(output: SynthOutput, targets: readonly PlatformTarget[]): Promise<void> {
  const planned = await planNow(output, targets);
  expect(planned.plan.platforms.flatMap((p) => p.errors.map((e) => e.message))).toEqual([]);
  const report = (await applyPlan(planned.plan, targets))._unsafeUnwrap();
  expect(report.platforms.flatMap((p) => p.changes.filter((c) => c.status !== 'done').map((c) => `${c.address}: ${c.status} ${c.reason ?? ''}`))).toEqual([]);
}

/** `ACTION ADDRESS` of every change a fresh plan has. */
export async function pendingChanges(output: SynthOutput, targets: readonly PlatformTarget[]): Promise<readonly string[]> {
  const planned = await planNow(output, targets);
  return planned.plan.platforms.flatMap((p) => p.changes.map((c) => `${c.action} ${c.address}`));
}

/**
 * Whether `user` (password `secret`, in domain Default) can scope a token to `project` in
 * `domain`, asked of the real openstack CLI as the user would: what a person bound to a
 * tenant actually gets.
 */
export function canScope(user: string, project: string, domain: string): Promise<boolean> {
  // No clouds.yaml entry: the CLI would merge the entry's admin password into the user's credentials.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  const args = ['--os-auth-url', testStack().authUrl, '--os-identity-api-version', '3', 'token', 'issue', '-f', 'json',
    '--os-username', user, '--os-password', 'secret', '--os-user-domain-name', 'Default', '--os-project-name', project, '--os-project-domain-name', domain];
  return new Promise((done) => {
    execFile(OPENSTACK_CLI, args, { env, timeout: 120_000 }, (error, stdout) => {
      done(error === null && typeof (JSON.parse(stdout) as { project_id?: unknown }).project_id === 'string');
    });
  });
}

const KEYFORM = resolve(import.meta.dirname, '../../../engine/cli/keyform.mjs');

/** What a run of the keyform CLI left. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real keyform CLI with `env` (see `cloudsEnv`), as a user or a pipeline does. */
export function keyformCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((done) => {
    execFile(process.execPath, [KEYFORM, ...args], { env: { ...env, CI: 'true' }, timeout: 280_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}
