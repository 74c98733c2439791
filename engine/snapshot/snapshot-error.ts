import type { KeystoneError } from '../keystone/index.ts';
import type { QuotaReadError } from '../quota/quota-backend.ts';

/** Everything `snapshot()` can fail with: a Keystone call, a platform Keystone cannot serve, or its quota backend's read. */
export type SnapshotError =
  | KeystoneError
  | DomainNotFound
  | QuotaReadError;

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
