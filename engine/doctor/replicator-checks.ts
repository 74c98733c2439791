import { listOnce } from '../keystone/index.ts';
import type { CloudConfig, OpenStackSession } from '../openstack/index.ts';
import { fail, ok, type CheckRow } from './check-row.ts';
import type { DoctorTarget, TargetNeeds } from './doctor-target.ts';
import { describeScope, findDomain, isSystemAdmin, tokenRoles, userFlags, type KeystoneFacts } from './keystone-facts.ts';
import { writeProbe, type ProbeResult } from './write-probe.ts';

/** The replicator account and what was read about it. */
export interface ReplicatorContext {
  readonly session: OpenStackSession;
  readonly cloud: CloudConfig;
  readonly target: DoctorTarget;
  readonly needs: TargetNeeds;
  readonly facts: KeystoneFacts;
  /** Name for write-probe objects, unique per run. */
  readonly probeName: string;
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
 * Anything else depends on the cloud's policy, so a write probe finds out.
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
  const roles = c.facts.roles.unwrapOr([]);
  const role = c.needs.keystoneRoles.map((n) => roles.find((r) => r.name === n)).find((r) => r !== undefined);
  const where = shared ? `domain ${shared.name}` : 'a domain of its own (created, then deleted)';
  const result = await writeProbe(c.session, { name: c.probeName, platform: c.target.settings.id, domainId: shared?.id, roleId: role?.id });
  return probeRow(c, result, where, role?.name);
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

/** Keystone shows other projects' limits to system-scoped tokens only; writing them needs admin. */
async function limitsRow(c: ReplicatorContext): Promise<CheckRow> {
  const scope = c.session.scope.kind;
  if (scope !== 'system') {
    return fail('replicator.limits', `the token is ${scope}-scoped; Keystone shows other projects' unified limits to a system-scoped token only`, systemAdminFix(c));
  }
  const read = await listOnce(c.session, '/limits', 'limits', { resource_name: 'keyform-doctor-read-check' });
  if (read.isErr()) return fail('replicator.limits', `reading limits failed: ${read.error.message}`, systemAdminFix(c));
  if (!isSystemAdmin(c.facts.ownAssignments.unwrapOr([]))) {
    return fail('replicator.limits', 'may read limits but not write them: identity:create_limits, update_limit and delete_limit need the admin role', systemAdminFix(c));
  }
  return ok('replicator.limits', 'admin on the system with a system-scoped token: may read and write every project\'s limits');
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
