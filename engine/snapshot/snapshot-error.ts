import type { KeystoneError } from '../keystone/index.ts';

/** Everything `snapshot()` can fail with: a Keystone call, or a platform Keystone cannot serve. */
export type SnapshotError =
  | KeystoneError
  | DomainNotFound
  | { readonly kind: 'scope-required'; readonly message: string };

/** A domain the platform names (its `domain` or `user_domain`) is in no Keystone domain's name or id. */
export interface DomainNotFound {
  readonly kind: 'domain-not-found';
  readonly message: string;
  readonly domain: string;
}

/** A domain the platform names does not exist; `known` are the names Keystone has. */
export function domainNotFound(platform: string, field: 'domain' | 'user_domain', domain: string, known: readonly string[]): DomainNotFound {
  return {
    kind: 'domain-not-found',
    message:
      `Platform ${JSON.stringify(platform)}: ${field} ${JSON.stringify(domain)} is neither the name nor the id of a Keystone domain ` +
      `(there are ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}). Fix ${field}, or create the domain first.`,
    domain,
  };
}

/** Unified limits of other projects are visible to a system-scoped token only. */
export function scopeRequired(platform: string, scope: string): SnapshotError {
  return {
    kind: 'scope-required',
    message:
      `Platform ${JSON.stringify(platform)} keeps quotas in Keystone unified limits, and Keystone shows other projects' limits ` +
      `to a system-scoped token only (this session is ${scope}-scoped). Open the session with scope 'system' ` +
      '(clouds.yaml `system_scope: all`), and give the replicator account the admin role on the system: ' +
      '`openstack role add --user USER --user-domain DOMAIN --system all admin`.',
  };
}
