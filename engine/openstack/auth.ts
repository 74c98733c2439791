import { Result, err, ok } from 'neverthrow';
import type { CloudAuth, CloudConfig } from './cloud-config.ts';
import { configInvalid, type OpenStackError } from './errors.ts';
import { secret, type Secret } from './redact.ts';
import type { CatalogService } from './catalog.ts';

/** What a token is scoped to. */
export interface TokenScope {
  readonly kind: 'project' | 'domain' | 'system' | 'unscoped';
  readonly projectId?: string;
  readonly projectName?: string;
  readonly domainId?: string;
  readonly domainName?: string;
}

/** A Keystone token and what came with it. */
export interface Token {
  readonly value: Secret;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  readonly userId: string;
  readonly scope: TokenScope;
  /** The names of the roles the token carries on its scope (implied roles included), sorted. */
  readonly roles: readonly string[];
  readonly catalog: readonly CatalogService[];
}

/** Which scope to ask for: the cloud's own (project, domain, system or none), or system scope. */
export type ScopeRequest = 'default' | 'system';

/**
 * `{auth_url}/auth/tokens`, whether auth_url names the version (`…/v3`) or only the host
 * (`http://keystone:5000`), as keystoneauth's discovery ends up doing for Keystone v3.
 * @example tokenUrl('http://k:5000') // 'http://k:5000/v3/auth/tokens'
 */
export function tokenUrl(authUrl: string): string {
  return `${identityBase(authUrl)}/auth/tokens`;
}

/** A Keystone URL normalized to its v3 root: trailing `/` dropped, `/v2.0` → `/v3`, `/v3` added when no version is named. */
export function identityBase(url: string): string {
  const u = url.replace(/\/+$/, '');
  if (/\/v3$/.test(u)) return u;
  if (/\/v2\.0$/.test(u)) return u.replace(/\/v2\.0$/, '/v3');
  return `${u}/v3`;
}

/** The JSON body of `POST /v3/auth/tokens`. It holds secrets: it goes on the wire and nowhere else. */
export function authBody(cloud: CloudConfig, scope: ScopeRequest): Result<unknown, OpenStackError> {
  const a = cloud.auth;
  if (cloud.authType === 'v3applicationcredential') {
    if (scope === 'system') {
      return err(configInvalid(`Cloud ${JSON.stringify(cloud.name)} uses an application credential, which carries its own scope; a system-scoped session needs password auth or an application credential created under a system-scoped token.`));
    }
    const cred = a.applicationCredentialId
      ? { id: a.applicationCredentialId, secret: a.applicationCredentialSecret!.reveal() }
      : { name: a.applicationCredentialName, secret: a.applicationCredentialSecret!.reveal(), user: userRef(a) };
    return ok({ auth: { identity: { methods: ['application_credential'], application_credential: cred } } });
  }
  const identity = { methods: ['password'], password: { user: { ...userRef(a), password: a.password!.reveal() } } };
  const s = scope === 'system' ? { system: { all: true } } : scopeOf(a);
  return ok({ auth: { identity, ...(s ? { scope: s } : {}) } });
}

function userRef(a: CloudAuth): Record<string, unknown> {
  if (a.userId) return { id: a.userId };
  return { name: a.username, domain: a.userDomainId ? { id: a.userDomainId } : { name: a.userDomainName } };
}

function scopeOf(a: CloudAuth): Record<string, unknown> | undefined {
  if (a.projectId) return { project: { id: a.projectId } };
  if (a.projectName) return { project: { name: a.projectName, domain: a.projectDomainId ? { id: a.projectDomainId } : { name: a.projectDomainName } } };
  if (a.domainId) return { domain: { id: a.domainId } };
  if (a.domainName) return { domain: { name: a.domainName } };
  if (a.systemScope) return { system: { all: true } };
  return undefined;
}

interface TokenBody {
  token?: {
    expires_at?: string;
    user?: { id?: string };
    project?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
    domain?: { id?: string; name?: string };
    system?: unknown;
    roles?: { name?: string }[];
    catalog?: CatalogService[];
  };
}

/** Reads the token from the `X-Subject-Token` header and the scope and catalog from the body. */
export function parseToken(subjectToken: string | undefined, body: unknown): Result<Token, string> {
  const t = (body as TokenBody | null)?.token;
  if (!subjectToken) return err('no X-Subject-Token header');
  if (!t?.user?.id || !t.expires_at) return err('the token body has no user or expiry');
  const expiresAt = Date.parse(t.expires_at);
  if (Number.isNaN(expiresAt)) return err('the token expiry is not a date');
  const scope: TokenScope = t.project?.id
    ? { kind: 'project', projectId: t.project.id, ...opt('projectName', t.project.name), ...opt('domainId', t.project.domain?.id), ...opt('domainName', t.project.domain?.name) }
    : t.domain?.id
      ? { kind: 'domain', domainId: t.domain.id, ...opt('domainName', t.domain.name) }
      : t.system
        ? { kind: 'system' }
        : { kind: 'unscoped' };
  const roles = [...new Set((t.roles ?? []).flatMap((r) => (r.name ? [r.name] : [])))].sort();
  return ok({ value: secret(subjectToken), expiresAt, userId: t.user.id, scope, roles, catalog: t.catalog ?? [] });
}

function opt<K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> {
  return (v ? { [k]: v } : {}) as Partial<Record<K, string>>;
}
