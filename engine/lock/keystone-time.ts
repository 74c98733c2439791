/**
 * Keystone's clock as one answer showed it. Lock expiry is judged with Keystone's clock,
 * never a machine's own, so that a holder and a breaker whose clocks disagree still agree
 * on when a lease ends.
 */
export interface KeystoneTime {
  /**
   * Keystone's time when it answered (ms since the epoch): its `Date` header, which is
   * truncated to the second; this process's clock only when the header is missing.
   */
  readonly at: number;
  /**
   * `performance.now()` when the request was sent. Keystone answered after that, so its
   * clock at `sentAt` was at most `at + 1 s` (the truncation): a lease written as `at + ttl`
   * cannot end, on this process's monotonic clock, before `sentAt + ttl - 1 s`.
   */
  readonly sentAt: number;
}

/** How much earlier than Keystone's real time a `Date` header can read. */
export const DATE_RESOLUTION_MS = 1000;

/** Keystone's time from an answer's lower-cased headers, for a request sent at `sentAt`. */
export function keystoneTime(headers: Readonly<Record<string, string>>, sentAt: number): KeystoneTime {
  const at = Date.parse(headers.date ?? '');
  return { at: Number.isNaN(at) ? Date.now() : at, sentAt };
}

/**
 * The last moment (on `performance.now()`'s clock) this process may assume a lease it wrote
 * as `t.at + ttlMs` still holds, whatever the two machines' clocks say.
 */
export function leaseEnd(t: KeystoneTime, ttlMs: number): number {
  return t.sentAt + ttlMs - DATE_RESOLUTION_MS;
}
