import type { Result } from 'neverthrow';
import { listOnce, probeEndpoints } from '../keystone/index.ts';
import type { CloudConfig, OpenStackError, OpenStackSession } from '../openstack/index.ts';
import { SYSTEM_ACCOUNT_COMMAND } from '../snapshot/index.ts';
import { fail, ok, type CheckRow } from './check-row.ts';
import type { DoctorTarget, TargetNeeds } from './doctor-target.ts';
import { describeScope, findDomain, isSystemAdmin, tokenRoles, userFlags, type KeystoneFacts } from './keystone-facts.ts';
import { PROBE_TAG, writeProbe, type ProbeResult } from './write-probe.ts';

/** The replicator account and what was read about it. */
export interface ReplicatorContext {
  readonly session: OpenStackSession;
  readonly cloud: CloudConfig;
  readonly target: DoctorTarget;
  readonly needs: TargetNeeds;
  readonly facts: KeystoneFacts;
  /** Name for write-probe objects, unique per run. */
  readonly probeName: string;
  /** The system-scoped session for unified limits (undefined: the replicator's own token is), or why there is none. */
  readonly limits: Result<OpenStackSession | undefined, OpenStackError>;
  /** Present with `--write-probe`: told what the probe will create before it does. */
  readonly writeProbe?: { readonly announce: (text: string) => void };
}

/** The rule each service's quota API checks before a quota is set (Zed names). */
const QUOTA_UPDATE_RULES: Readonly<Record<string, string>> = {
  compute: 'nova os_compute_api:os-quota-sets:update',
  volume: 'cinder volume_extension:quotas:update',
  network: 'neutron update_quota',
  'load-balancer': 'octavia os_load-balancer_api:quota:put',
};

/**
 * Whether the replicator account may do what apply does: the Keystone writes
 * (`replicator.identity`), and the quota writes of the platform's backend
 * (`replicator.limits` or `replicator.quotas`).
 */
export async function replicatorRows(c: ReplicatorContext): Promise<readonly CheckRow[]> {
  const quotas = c.target.settings.quotaBackend === 'unified-limits' ? await limitsRow(c) : quotasRow(c);
  return [await identityRow(c), quotas];
}

function systemAdminFix(c: ReplicatorContext): string {
  return `give the account admin on the system (openstack role add ${userFlags(c.cloud, c.session.userId)} --system all admin) and set system_scope: all in clouds.yaml entry ${c.cloud.name}`;
}

/**
 * Admin on the system with a system-scoped token can do every Keystone write apply does,
 * under the old and the new default policies alike: no need to write anything to know it.
 * Anything else depends on the cloud's policy: read from the token's roles and a policy
 * answer (see `policyRow`), or, with `--write-probe`, found out by writing.
 */
async function identityRow(c: ReplicatorContext): Promise<CheckRow> {
  const perWorkspace = c.target.settings.domainPerWorkspace;
  const what = `${perWorkspace ? 'domains, ' : ''}projects, groups, group members and role assignments`;
  const assignments = c.facts.ownAssignments.unwrapOr([]);
  if (isSystemAdmin(assignments) && c.session.scope.kind === 'system') {
    return ok('replicator.identity', `admin on the system with a system-scoped token: may create, update and delete ${what} (read from its role assignments; nothing written)`);
  }
  const configured = c.target.settings.domain;
  // An account that may not list domains may still write in one (a domain admin): probe with the configured domain as its id.
  const shared = perWorkspace ? undefined : c.facts.domains.match((ds) => findDomain(ds, configured), () => ({ id: configured, name: configured }));
  if (!perWorkspace && shared === undefined) {
    return fail('replicator.identity', `not probed: the shared domain ${JSON.stringify(configured)} can't be found (see domain.shared), and the account is not admin on the system`, systemAdminFix(c));
  }
  if (!c.writeProbe) return policyRow(c, what);
  const roles = c.facts.roles.unwrapOr([]);
  const role = c.needs.keystoneRoles.map((n) => roles.find((r) => r.name === n)).find((r) => r !== undefined);
  const where = shared ? `domain ${shared.name}` : 'a domain of its own (created, then deleted)';
  c.writeProbe.announce(
    `keyform doctor --write-probe, platform ${c.target.settings.id}: will create in ${shared ? `domain ${shared.name}` : `a new domain named ${c.probeName}`} a disabled project ` +
      `and a group named ${c.probeName} (project tag ${PROBE_TAG}, described "keyform doctor write probe"), update both, ` +
      `${role ? `grant the group role ${role.name} on the project and revoke it, ` : ''}then delete everything it created.\n`,
  );
  const result = await writeProbe(c.session, { name: c.probeName, platform: c.target.settings.id, domainId: shared?.id, roleId: role?.id });
  return probeRow(c, result, where, role?.name);
}

/**
 * Keystone's default rule for every identity write apply makes (identity:create_project,
 * update_project, delete_project, create_group, update_group, delete_group,
 * add_user_to_group, create_grant, create_domain) is `admin_required` (role:admin). Keystone
 * can't be asked about a write without making it, but it can about a GET:
 * `identity:list_endpoints` is `admin_required or (role:reader and system_scope:all)`, and for
 * the project- or domain-scoped token this row looks at the second half can't match, so its
 * answer is admin_required's. (`identity:list_access_tokens` is admin_required alone, but
 * Keystone refuses it to application credential tokens whatever the policy says.) A
 * policy.yaml that narrows the writes alone is only seen by `--write-probe`.
 */
const POLICY_PROBE = { rule: 'identity:list_endpoints', path: '/endpoints' } as const; // what probeEndpoints asks

async function policyRow(c: ReplicatorContext, what: string): Promise<CheckRow> {
  const scope = describeScope(c.session);
  const roles = c.session.roles;
  const held = adminScopes(c);
  const assigned = held === undefined ? "its role assignments can't be read" : held.length > 0 ? `its role assignments give admin on ${held.join(', ')}` : 'its role assignments give admin nowhere';
  const get = `GET /v3${POLICY_PROBE.path}`;
  if (!roles.includes('admin')) {
    return fail('replicator.identity', `the token carries ${roles.join(', ') || 'no role'} on ${scope}, not admin (${assigned}); Keystone's default rule for writing ${what} is admin_required (role:admin); nothing written`, systemAdminFix(c));
  }
  const answer = await probeEndpoints(c.session);
  if (answer.isErr() && answer.error.status === 403) {
    return fail('replicator.identity', `the token carries admin on ${scope}, but Keystone refused ${get}, whose rule ${POLICY_PROBE.rule} is the writes' admin_required for this token by default: this cloud's policy does not count the token as admin; nothing written`, `${systemAdminFix(c)}, or find the rule in Keystone's policy.yaml that narrows admin_required`);
  }
  const asked = answer.isOk()
    ? `Keystone allowed ${get}, whose rule ${POLICY_PROBE.rule} is the writes' admin_required for this token`
    : `Keystone could not answer ${get} (${answer.error.message}), so the token's roles alone decide`;
  return ok('replicator.identity', `the token carries admin on ${scope} (${assigned}); ${asked}: may create, update and delete ${what} under Keystone's default policy; nothing written (keyform doctor --write-probe tries the writes)`);
}

/** Where the account's role assignments give it admin, sorted; undefined when they can't be read. */
function adminScopes(c: ReplicatorContext): readonly string[] | undefined {
  if (c.facts.ownAssignments.isErr()) return undefined;
  const where = c.facts.ownAssignments.value.filter((a) => a.role.name === 'admin').map((a) =>
    a.scope.system?.all ? 'the system' : a.scope.project ? `project ${a.scope.project.name ?? a.scope.project.id}` : a.scope.domain ? `domain ${a.scope.domain.name ?? a.scope.domain.id}` : 'an unknown scope',
  );
  return [...new Set(where)].sort();
}

function probeRow(c: ReplicatorContext, r: ProbeResult, where: string, role: string | undefined): CheckRow {
  const left = r.leftovers.length > 0 ? `; left behind: ${r.leftovers.join(', ')}: delete them by hand` : '; nothing left behind';
  if (r.refused) {
    return fail('replicator.identity', `write probe in ${where}: "${r.refused.operation}" was refused (${r.refused.message})${left}`, systemAdminFix(c));
  }
  const granted = role ? `, granted the group role ${role} on the project and revoked it` : ' (no mapped role exists to grant)';
  const found = `write probe in ${where} passed: created, updated and deleted a project and a group named ${c.probeName} (disabled, marked "keyform doctor")${granted}${left}`;
  return r.leftovers.length > 0 ? fail('replicator.identity', found, 'delete the objects named above') : ok('replicator.identity', found);
}

/**
 * Keystone shows other projects' limits to system-scoped tokens only; writing them needs
 * admin. Checked on the session plan and apply use for limits (see `openLimitsSession`):
 * `limits_cloud`, else the replicator's own token or the same account system-scoped.
 */
async function limitsRow(c: ReplicatorContext): Promise<CheckRow> {
  const limitsCloud = c.target.settings.limitsCloud;
  const fix = limitsCloud
    ? `give the account of limits_cloud ${JSON.stringify(limitsCloud)} admin on the system (${SYSTEM_ACCOUNT_COMMAND}) and system_scope: all`
    : c.cloud.authType === 'v3applicationcredential'
      ? `add limits_cloud = "ENTRY" to the platform: a clouds.yaml entry of a password account with ${SYSTEM_ACCOUNT_COMMAND} and system_scope: all`
      : `${systemAdminFix(c)}, or add limits_cloud = "ENTRY" to the platform naming an account that has it`;
  if (c.limits.isErr()) return fail('replicator.limits', c.limits.error.message, fix);
  const s = c.limits.value ?? c.session;
  const who = limitsCloud ? `limits_cloud ${JSON.stringify(limitsCloud)}` : c.limits.value ? 'the replicator account, system-scoped' : 'the replicator token';
  const read = await listOnce(s, '/limits', 'limits', { resource_name: 'keyform-doctor-read-check' });
  if (read.isErr()) return fail('replicator.limits', `${who}: reading limits failed: ${read.error.message}`, fix);
  if (!s.roles.includes('admin')) {
    return fail('replicator.limits', `${who} may read limits but not write them: its system-scoped token carries ${s.roles.join(', ') || 'no role'}, and identity:create_limits, update_limit and delete_limit need admin`, fix);
  }
  return ok('replicator.limits', `${who}: admin with a system-scoped token, may read and write every project's limits`);
}

function projectAdminFix(c: ReplicatorContext): string {
  const sc = c.session.scope;
  const project = sc.kind === 'project' ? (sc.projectName ?? sc.projectId) : 'PROJECT';
  return `give it admin on its project (openstack role add ${userFlags(c.cloud, c.session.userId)} --project ${project} admin)`;
}

/** The service quota APIs let admin set any project's quotas under their default policies. */
function quotasRow(c: ReplicatorContext): CheckRow {
  const services = c.needs.quotaServices;
  if (services.length === 0) return ok('replicator.quotas', 'the config declares no quotas: nothing to write');
  const rules = services.map((q) => QUOTA_UPDATE_RULES[q] ?? q).join(', ');
  const scope = describeScope(c.session);
  if (c.facts.ownAssignments.isErr()) {
    return fail('replicator.quotas', `the account can't read its own role assignments (${c.facts.ownAssignments.error.message}), which admin may: it is not admin, and ${rules} need admin by default`, projectAdminFix(c));
  }
  const roles = tokenRoles(c.session, c.facts.ownAssignments.value);
  if (!roles.includes('admin')) {
    return fail('replicator.quotas', `the token carries ${roles.join(', ') || 'no role'} on ${scope}, not admin; ${rules} need admin by default`, projectAdminFix(c));
  }
  return ok('replicator.quotas', `admin on ${scope}: the default policies (${rules}) let admin set any project's quotas`);
}
