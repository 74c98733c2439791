/**
 * When and how long to wait before sending a request again. Retries are bounded: a fault
 * that persists becomes an error naming the attempts, never an endless loop.
 */
export interface RetryPolicy {
  /** Extra attempts after the first. @default 4 */
  readonly retries: number;
  /** First backoff step. @default 250 */
  readonly baseMs: number;
  /** Largest backoff step. @default 8000 */
  readonly capMs: number;
  /** Largest wait honoured from a Retry-After header. @default 30000 */
  readonly retryAfterCapMs: number;
  /** Source of jitter in [0, 1). @default Math.random */
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 250, capMs: 8000, retryAfterCapMs: 30_000, random: Math.random };

/**
 * The wait before retry number `retry` (1-based): the server's Retry-After when it sent one
 * (capped), else "full jitter" exponential backoff, uniform in [0, min(cap, base·2^(retry-1))],
 * so that many clients hit by the same outage do not come back in lockstep.
 * @example backoffMs(DEFAULT_RETRY, 1) // somewhere in 0..250
 */
export function backoffMs(policy: RetryPolicy, retry: number, retryAfter?: string, now: number = Date.now()): number {
  const hinted = retryAfterMs(retryAfter, now);
  if (hinted !== undefined) return Math.min(hinted, policy.retryAfterCapMs);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * ceiling);
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses worth another try: rate limiting and server-side failures that may pass (not 501/505). */
export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** GET, HEAD, PUT and DELETE may be repeated without changing the outcome; POST/PATCH only when the caller says so. */
export function isIdempotent(method: string, declared: boolean | undefined): boolean {
  return declared === true || method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE';
}

/** An error worth trying again for: the service may not have seen the request, or may answer next time. */
export function isTransientFailure(e: { readonly kind: string; readonly status?: number }): boolean {
  return e.kind === 'unreachable' || e.kind === 'timeout' || (e.status !== undefined && isTransientStatus(e.status));
}
