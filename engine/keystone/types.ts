/**
 * Keystone v3 objects as the API returns them (only the fields keyform reads or writes).
 * Names follow the API (snake_case) so that a body can be checked against the API reference.
 */

export interface Domain {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
}

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly tags: readonly string[];
  readonly parent_id?: string | null;
  readonly is_domain?: boolean;
}

export interface Group {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly description: string;
}

export interface User {
  readonly id: string;
  readonly name: string;
  readonly domain_id: string;
  readonly enabled: boolean;
}

export interface Role {
  readonly id: string;
  readonly name: string;
  readonly domain_id?: string | null;
}

/** One entry of `GET /v3/role_assignments`. Exactly one of user/group and one scope is set. */
export interface RoleAssignment {
  readonly role: { readonly id: string; readonly name?: string };
  readonly user?: { readonly id: string; readonly name?: string; readonly domain?: { readonly id: string; readonly name?: string } };
  readonly group?: { readonly id: string; readonly name?: string };
  readonly scope: {
    readonly project?: { readonly id: string; readonly name?: string };
    readonly domain?: { readonly id: string; readonly name?: string };
    readonly system?: { readonly all: boolean };
    readonly 'OS-INHERIT:inherited_to'?: string;
  };
  /** In effective mode, `membership` names the group a user's assignment comes through. */
  readonly links: { readonly assignment?: string; readonly membership?: string; readonly prior_role?: string };
}

export interface Service {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly enabled?: boolean;
}

export interface RegisteredLimit {
  readonly id: string;
  readonly service_id: string;
  readonly region_id: string | null;
  readonly resource_name: string;
  readonly default_limit: number;
  readonly description: string | null;
}

export interface Limit {
  readonly id: string;
  readonly service_id: string;
  readonly region_id: string | null;
  readonly resource_name: string;
  readonly resource_limit: number;
  readonly project_id: string | null;
  readonly domain_id: string | null;
  readonly description: string | null;
}
