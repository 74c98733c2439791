import { ResultAsync, err, errAsync, ok, okAsync, type Result } from 'neverthrow';
import { queryString, type OpenStackError, type OpenStackSession } from '../openstack/index.ts';
import { sharedValues, type Decoder } from './decode.ts';

/** Query parameters of a list call. */
export type ListQuery = Readonly<Record<string, string | boolean | undefined>>;

/**
 * Keystone cut a list short (`"truncated": true`, from `list_limit` in keystone.conf) and no
 * narrower query could fetch it whole. A truncated list is never taken as complete: acting
 * on one would plan deletes of objects that merely were not listed.
 */
export interface TruncatedError {
  readonly kind: 'truncated';
  readonly message: string;
  /** The queries that came back truncated, e.g. `/projects?domain_id=…`. */
  readonly queries: readonly string[];
}

/** Everything a Keystone call can fail with. */
export type KeystoneError = OpenStackError | TruncatedError;

/** A list Keystone truncated even after narrowing. */
export function truncated(what: string, queries: readonly string[]): TruncatedError {
  return {
    kind: 'truncated',
    message:
      `Keystone truncated the list of ${what} (${queries.join(', ')} answered "truncated": true), even after narrowing the query. ` +
      'keyform never acts on a partial list. Raise list_limit in keystone.conf ([DEFAULT], or the [identity] / [resource] / [assignment] / [unified_limit] section) above the number of objects, or remove it.',
    queries,
  };
}

/** One list call and whether Keystone says it is complete. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly truncated: boolean;
  readonly query: string;
}

/**
 * `GET {path}` on identity and returns `body[key]`, with Keystone's truncation flag. With
 * `decode`, each item is read into the fields keyform uses as soon as the answer is parsed
 * (the parsed objects are dropped then), and an item lacking one fails the call, naming it.
 */
export function listOnce<T>(s: OpenStackSession, path: string, key: string, query: ListQuery = {}, decode?: Decoder<T>): ResultAsync<ListPage<T>, OpenStackError> {
  return s.request<Record<string, unknown>>({ method: 'GET', service: 'identity', path, query }).andThen((a) => {
    const items = a.body?.[key];
    if (!Array.isArray(items)) {
      return errAsync<ListPage<T>, OpenStackError>({ kind: 'bad-response', message: `GET ${path}: the answer has no "${key}" list.`, method: 'GET' });
    }
    const page = { truncated: a.body.truncated === true, query: path + queryString(query) };
    if (decode === undefined) return okAsync({ items: items as T[], ...page });
    return decodeItems(items, decode, page.query, key).map((decoded) => ({ items: decoded, ...page }));
  });
}

/**
 * The items of a list answer read by `decode`; the first one it cannot read fails them all,
 * named by its place and id (`query` and `key` say which answer it was in).
 * @example decodeItems(JSON.parse(body).projects, decodeProject, '/projects', 'projects')
 */
export function decodeItems<T>(items: readonly unknown[], decode: Decoder<T>, query: string, key: string): Result<T[], OpenStackError> {
  const decoded = new Array<T>(items.length);
  const shared = sharedValues();
  for (let i = 0; i < items.length; i++) {
    const r = decode(items[i], shared);
    if (r.isErr()) return err(undecodable(query, key, i, items[i], r.error));
    decoded[i] = r.value;
  }
  return ok(decoded);
}

/** An item of a list keyform cannot read: which list, which item, which field. */
function undecodable(query: string, key: string, index: number, item: unknown, problem: string): OpenStackError {
  const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? ` (id ${(item as { id: string }).id})` : '';
  return {
    kind: 'bad-response',
    message: `GET ${query}: item ${index}${id} of "${key}" cannot be read: ${problem}. The answer is not what Keystone's v3 API returns; check that the identity endpoint is Keystone v3, or report the answer.`,
    method: 'GET',
  };
}

/**
 * Narrower queries to try, in turn, when a list comes back truncated: each a set of queries
 * that together cover what the caller needs. A function when they depend on another read
 * (e.g. the domains): it is called only when a list is truncated, so the list need not wait.
 */
export type Fallbacks = readonly (readonly ListQuery[])[] | (() => ResultAsync<readonly (readonly ListQuery[])[], KeystoneError>);

/** `fallbacks`, then `more`. */
export function andThenTry(fallbacks: Fallbacks, more: readonly (readonly ListQuery[])[]): Fallbacks {
  if (more.length === 0) return fallbacks;
  return typeof fallbacks === 'function' ? () => fallbacks().map((f) => [...f, ...more]) : [...fallbacks, ...more];
}

/**
 * A complete list: the plain query first; when Keystone truncates it, each fallback in turn
 * (a set of narrower queries that together cover what the caller needs, e.g. one per domain),
 * merged and de-duplicated by `id`. Fails with `truncated` when every fallback is cut too.
 * Each item is read by `decode` (see `listOnce`).
 * @example listAll(s, '/projects', 'projects', decodeProject, {}, [[{ enabled: 'true' }, { enabled: 'false' }]])
 */
export function listAll<T extends { readonly id: string }>(
  s: OpenStackSession,
  path: string,
  key: string,
  decode: Decoder<T>,
  query: ListQuery = {},
  fallbacks: Fallbacks = [],
  what: string = key,
): ResultAsync<readonly T[], KeystoneError> {
  return listOnce(s, path, key, query, decode).andThen((first) => {
    if (!first.truncated) return okAsync<readonly T[], KeystoneError>(first.items);
    const cut = [first.query];
    const resolved = typeof fallbacks === 'function' ? fallbacks() : okAsync<readonly (readonly ListQuery[])[], KeystoneError>(fallbacks);
    return resolved.andThen((plans) => tryFrom(plans, 0));
    function tryFrom(plans: readonly (readonly ListQuery[])[], i: number): ResultAsync<readonly T[], KeystoneError> {
      const plan = plans[i];
      if (!plan) return errAsync(truncated(what, cut));
      return listPartitions(s, path, key, decode, plan.map((q) => ({ ...query, ...q }))).andThen((r) => {
        if (r.ok) return okAsync<readonly T[], KeystoneError>(r.items);
        cut.push(r.cut);
        return tryFrom(plans, i + 1);
      });
    }
  });
}

type PartitionOutcome<T> = { readonly ok: true; readonly items: readonly T[] } | { readonly ok: false; readonly cut: string };

/** Runs the queries one after the other, stopping at the first truncated one. */
function listPartitions<T extends { readonly id: string }>(s: OpenStackSession, path: string, key: string, decode: Decoder<T>, queries: readonly ListQuery[]): ResultAsync<PartitionOutcome<T>, OpenStackError> {
  const seen = new Map<string, T>();
  const step = (i: number): ResultAsync<PartitionOutcome<T>, OpenStackError> => {
    const q = queries[i];
    if (!q) return okAsync({ ok: true, items: [...seen.values()] });
    return listOnce(s, path, key, q, decode).andThen((page) => {
      if (page.truncated) return okAsync<PartitionOutcome<T>, OpenStackError>({ ok: false, cut: page.query });
      for (const item of page.items) seen.set(item.id, item);
      return step(i + 1);
    });
  };
  return step(0);
}
