import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { OpenStackSession } from '../../openstack/index.ts';
import { meteringApiError, type MeteringApiError } from '../errors.ts';

/** One cross-project list call, followed through all its pages. */
export interface ListSpec {
  /** Catalog service type. */
  readonly service: string;
  readonly path: string;
  /** The key of the item array in the answer, e.g. `servers`; `KEY_links` holds the next link. */
  readonly key: string;
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Items per page asked for (`limit`). */
  readonly pageSize: number;
}

/** The items of every page, or the refusal of the first page (a policy said no). */
export type ListOutcome = { readonly kind: 'listed'; readonly items: readonly Record<string, unknown>[]; readonly pages: number } | { readonly kind: 'denied'; readonly status: number };

type Page = { readonly items: readonly Record<string, unknown>[]; readonly next: string | undefined };

/**
 * The link to the next page: nova, cinder, neutron and octavia put it in `KEY_links`
 * (`rel: next`, an absolute URL); glance in `next` (a path relative to its endpoint).
 */
function nextLink(body: Record<string, unknown>, key: string): string | undefined {
  const links = body[`${key}_links`];
  if (Array.isArray(links)) {
    const next = (links as { rel?: unknown; href?: unknown }[]).find((l) => l.rel === 'next');
    if (typeof next?.href === 'string') return next.href;
  }
  return typeof body['next'] === 'string' ? body['next'] : undefined;
}

/** `GET path?query` of a list call, as shown in visibility evidence. */
export function listRequest(spec: Pick<ListSpec, 'path' | 'query'>): string {
  const q = Object.entries(spec.query ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return `GET ${spec.path}${q.length > 0 ? `?${q.join('&')}` : ''}`;
}

/** `service GET path?query`, as shown in messages. */
export function describeList(spec: Pick<ListSpec, 'service' | 'path' | 'query'> & { readonly pageSize?: number }): string {
  return `${spec.service} ${listRequest(spec)}`;
}

/**
 * Why a next link may not be followed, or undefined when it may: an absolute link must
 * point at the service's own endpoint (same scheme, host and port), since following it sends
 * the metering account's token there. Relative links resolve against the endpoint.
 */
export function foreignLink(link: string, endpoint: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(link)) return undefined;
  let origin: string;
  try {
    origin = new URL(link).origin;
  } catch {
    return 'the next link is not a URL';
  }
  const own = new URL(endpoint).origin;
  return origin === own ? undefined : `the next link points at ${origin}, not at the service's endpoint ${own}; keyform sends its token to the service's own endpoint only`;
}

/**
 * Lists every item, page by page, following the service's next links until a page has none.
 * A next link seen twice is a broken paging loop and fails instead of looping; a next link
 * to another scheme, host or port fails before anything is sent there. An item seen on two
 * pages (the list changed while paging) is kept once.
 */
export function listAll(session: OpenStackSession, spec: ListSpec): ResultAsync<ListOutcome, MeteringApiError> {
  const what = `list ${describeList(spec)}`;
  const endpoint = session.endpoint(spec.service);
  if (endpoint.isErr()) return errAsync(meteringApiError(spec.service, what, endpoint.error));
  const page = (path: string, first: boolean): ResultAsync<Page | 'denied', MeteringApiError> =>
    session
      .request<Record<string, unknown>>({
        method: 'GET',
        service: spec.service,
        path,
        ...(first ? { query: { ...spec.query, limit: spec.pageSize } } : {}),
        ...(spec.headers ? { headers: spec.headers } : {}),
        expect: [200, 403],
      })
      .mapErr((e) => meteringApiError(spec.service, what, e))
      .andThen((a) => {
        if (a.status === 403) return okAsync('denied' as const);
        const items = a.body?.[spec.key];
        if (!Array.isArray(items)) {
          return errAsync(meteringApiError(spec.service, what, { kind: 'bad-response', message: `the answer has no "${spec.key}" list` }));
        }
        return okAsync({ items: items as Record<string, unknown>[], next: nextLink(a.body, spec.key) });
      });
  const seenLinks = new Set<string>();
  const byId = new Map<string, Record<string, unknown>>();
  const loop = (path: string, first: boolean, pages: number): ResultAsync<ListOutcome, MeteringApiError> =>
    page(path, first).andThen((p) => {
      if (p === 'denied') return first ? okAsync({ kind: 'denied' as const, status: 403 }) : errAsync(meteringApiError(spec.service, what, { kind: 'forbidden', message: 'a later page answered 403', status: 403 }));
      for (const item of p.items) byId.set(String(item['id']), item);
      if (p.next === undefined || p.items.length === 0) return okAsync({ kind: 'listed' as const, items: [...byId.values()], pages: pages + 1 });
      const foreign = foreignLink(p.next, endpoint.value);
      if (foreign) return errAsync(meteringApiError(spec.service, what, { kind: 'bad-response', message: foreign }));
      if (seenLinks.has(p.next)) return errAsync(meteringApiError(spec.service, what, { kind: 'bad-response', message: `the next link ${p.next} came twice (a paging loop)` }));
      seenLinks.add(p.next);
      return loop(p.next, false, pages + 1);
    });
  return loop(spec.path, true, 0);
}
