import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { OpenStackSession } from '../openstack/index.ts';
import { listOnce, truncated, type KeystoneError } from './list.ts';
import type { RoleAssignment } from './types.ts';
import { decodeRoleAssignment } from './decode.ts';

/** Filters of `GET /v3/role_assignments`; `effective` expands groups into their members and adds implied roles. */
export interface RoleAssignmentQuery {
  readonly effective?: boolean;
  readonly include_names?: boolean;
  readonly include_subtree?: boolean;
  readonly 'user.id'?: string;
  readonly 'group.id'?: string;
  readonly 'role.id'?: string;
  readonly 'scope.project.id'?: string;
  readonly 'scope.domain.id'?: string;
  readonly 'scope.system'?: 'all';
}

/**
 * Role assignments matching `q`. Keystone (Zed) never truncates this list, but the flag is
 * checked all the same: a future list_limit on it must fail loudly, not shorten a plan.
 * Note the cost of `effective`: Keystone lists the members of every assigned group, one
 * query per group, so it grows with the number of groups (12.75 s for 3,000 groups here).
 */
export function listRoleAssignments(s: OpenStackSession, q: RoleAssignmentQuery = {}): ResultAsync<readonly RoleAssignment[], KeystoneError> {
  return listOnce(s, '/role_assignments', 'role_assignments', { ...q }, decodeRoleAssignment).andThen((page) =>
    page.truncated ? errAsync<readonly RoleAssignment[], KeystoneError>(truncated('role assignments', [page.query])) : okAsync(page.items),
  );
}
