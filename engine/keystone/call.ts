import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { HttpMethod, OpenStackError, OpenStackSession } from '../openstack/index.ts';

/** Path segment escaping for ids and tags taken from data. */
export function seg(x: string): string {
  return encodeURIComponent(x);
}

/**
 * One identity call that answers `{ [key]: T }` and resolves to the `T`. PATCH is sent as
 * idempotent (setting fields to values twice has one outcome); POST is not retried.
 */
export function identityCall<T>(s: OpenStackSession, method: HttpMethod, path: string, key: string, body?: unknown): ResultAsync<T, OpenStackError> {
  return s
    .request<Record<string, unknown>>({ method, service: 'identity', path, ...(body === undefined ? {} : { body }), idempotent: method === 'PATCH' })
    .andThen((a) => {
      const v = a.body?.[key];
      if (v === undefined) return errAsync<T, OpenStackError>({ kind: 'bad-response', message: `${method} ${path}: the answer has no "${key}".`, method });
      return okAsync(v as T);
    });
}

/** An identity call whose answer has no body worth reading (204 on PUT/DELETE). */
export function identityVoid(s: OpenStackSession, method: HttpMethod, path: string, body?: unknown): ResultAsync<void, OpenStackError> {
  return s.request({ method, service: 'identity', path, ...(body === undefined ? {} : { body }) }).map(() => undefined);
}
