import type { Result } from 'neverthrow';
import { listDomains, listRoleAssignments, listRoles, type Domain, type KeystoneError, type Role, type RoleAssignment } from '../keystone/index.ts';
import type { CloudConfig, OpenStackSession } from '../openstack/index.ts';

/** What several checks read from Keystone with the replicator account, read once. */
export interface KeystoneFacts {
  readonly domains: Result<readonly Domain[], KeystoneError>;
  readonly roles: Result<readonly Role[], KeystoneError>;
  /**
   * The account's own role assignments, with names: effective ones on projects and domains
   * (through groups, inherited, implied) and its direct ones on the system.
   */
  readonly ownAssignments: Result<readonly RoleAssignment[], KeystoneError>;
}

/** Reads the facts in parallel; each may fail on its own (a 403 is an answer too). */
export async function readKeystoneFacts(s: OpenStackSession): Promise<KeystoneFacts> {
  const [domains, roles, onProjects, onSystem] = await Promise.all([
    listDomains(s),
    listRoles(s),
    listRoleAssignments(s, { 'user.id': s.userId, effective: true, include_names: true }),
    // Keystone's effective listing leaves system assignments out: they are asked for apart.
    listRoleAssignments(s, { 'user.id': s.userId, 'scope.system': 'all', include_names: true }),
  ]);
  const ownAssignments = onProjects.andThen((a) => onSystem.map((b) => [...a, ...b]));
  return { domains, roles, ownAssignments };
}

/** The domain a config names by id or name (`default` or `Default`): one rule, the snapshot's. */
export { findDomain } from '../snapshot/index.ts';

/** Whether the account holds `admin` on the system. */
export function isSystemAdmin(assignments: readonly RoleAssignment[]): boolean {
  return assignments.some((a) => a.scope.system?.all === true && a.role.name === 'admin');
}

/** The names of the roles the account holds on its token's own scope, sorted. */
export function tokenRoles(s: OpenStackSession, assignments: readonly RoleAssignment[]): readonly string[] {
  const sc = s.scope;
  const onScope = assignments.filter((a) =>
    sc.kind === 'system' ? a.scope.system?.all === true : sc.kind === 'project' ? a.scope.project?.id === sc.projectId : sc.kind === 'domain' ? a.scope.domain?.id === sc.domainId : false,
  );
  return [...new Set(onScope.map((a) => a.role.name ?? a.role.id))].sort();
}

/** `project admin (domain Default)`, `the system`, … for messages. */
export function describeScope(s: OpenStackSession): string {
  const sc = s.scope;
  if (sc.kind === 'system') return 'the system';
  if (sc.kind === 'project') return `project ${sc.projectName ?? sc.projectId}${sc.domainName ? ` (domain ${sc.domainName})` : ''}`;
  if (sc.kind === 'domain') return `domain ${sc.domainName ?? sc.domainId}`;
  return 'no scope';
}

/** `--user NAME --user-domain DOMAIN` (or `--user ID`) for the fix commands. */
export function userFlags(cloud: CloudConfig, userId: string): string {
  const a = cloud.auth;
  if (!a.username) return `--user ${userId}`;
  const domain = a.userDomainName ?? a.userDomainId;
  return `--user ${a.username}${domain ? ` --user-domain ${domain}` : ''}`;
}
