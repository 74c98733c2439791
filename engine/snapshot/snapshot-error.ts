import type { KeystoneError } from '../keystone/index.ts';
import type { QuotaReadError } from '../quota/quota-backend.ts';

/** Everything `snapshot()` can fail with: a Keystone call, a platform Keystone cannot serve, or its quota backend's read. */
export type SnapshotError =
  | KeystoneError
  | { readonly kind: 'DomainNotFound'; readonly message: string; readonly domain: string }
  | QuotaReadError;

/** A domain the platform names does not exist. */
export function domainNotFound(platform: string, field: 'domain' | 'user_domain', domain: string, known: readonly string[]): SnapshotError {
  return {
    kind: 'DomainNotFound',
    message:
      `Platform ${JSON.stringify(platform)}: ${field} ${JSON.stringify(domain)} is neither the name nor the id of a Keystone domain ` +
      `(there are ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}). Fix ${field}, or create the domain first.`,
    domain,
  };
}
