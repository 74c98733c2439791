import { ResultAsync, errAsync } from 'neverthrow';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';
import type { KeystoneError } from '../keystone/index.ts';
import { operationFailed, type OperationFailure } from './apply-error.ts';
import type { IdBook } from './id-book.ts';
import { limitCatalog, type LimitCatalog } from './limit-catalog.ts';

/** What every operation of one platform's apply writes through and looks ids up in. */
export interface WriteContext {
  readonly platform: string;
  /** Identity writes: domains, projects, groups, memberships, role assignments. */
  readonly session: OpenStackSession;
  /** Unified limits (Keystone shows and takes other projects' limits from system scope only). */
  readonly limitsSession: OpenStackSession;
  /** The platform's region: limits are written there. */
  readonly region: string;
  readonly book: IdBook;
  /** Which service and region each unified-limit resource is registered under; read once, on first need. */
  readonly limits: () => ResultAsync<LimitCatalog, KeystoneError>;
}

/** A write context; the limit catalog is read lazily and shared by every quota operation. */
export function writeContext(x: Omit<WriteContext, 'limits'>): WriteContext {
  let catalog: ResultAsync<LimitCatalog, KeystoneError> | undefined;
  return {
    ...x,
    limits: () => {
      catalog ??= limitCatalog(x.limitsSession, x.region);
      // A failed read is not cached: the next quota operation tries again.
      return catalog.orElse((e) => {
        catalog = undefined;
        return errAsync(e);
      });
    },
  };
}

/** Faults worth sending a create again for: the service may not have seen it, and a 409 on the retry resolves it if it did. */
export function isTransient(e: { readonly kind: string; readonly status?: number }): boolean {
  return e.kind === 'Unreachable' || e.kind === 'Timeout' || (e.status !== undefined && (e.status >= 500 || e.status === 429));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a create (POST) again on transient faults, up to `tries` times in all, with jittered
 * backoff. The session retries idempotent calls itself but not POST, which Keystone might
 * have carried out before the answer was lost; names are unique, so the retry of a create
 * that did happen answers 409 and the caller resolves it (see `existing-object.ts`).
 */
export function retryCreate<T>(send: () => ResultAsync<T, OpenStackError>, tries = 5): ResultAsync<T, OpenStackError> {
  const loop = async (): Promise<Awaited<ReturnType<typeof send>>> => {
    for (let i = 1; ; i++) {
      const r = await send();
      if (r.isOk() || i >= tries || !isTransient(r.error)) return r;
      await sleep(Math.floor(Math.random() * 200 * 2 ** (i - 1)));
    }
  };
  return new ResultAsync(loop());
}

/** An operation failure from a Keystone error: the service's message, which already says how to fix it. */
export function fromKeystone(address: string, op: string, e: { readonly message: string }): OperationFailure {
  return operationFailed(address, op, e.message);
}
