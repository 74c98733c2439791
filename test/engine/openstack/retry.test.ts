import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RETRY, backoffMs, isIdempotent, isTransientFailure, isTransientStatus, retryAfterMs } from '../../../engine/openstack/index.ts';

describe('backoffMs', () => {
  it('stays within [0, min(cap, base·2^(n-1))] for every retry number and jitter draw', () => {
    // GIVEN any retry number and any random draw
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (retry, draw) => {
        // WHEN the wait is computed
        const wait = backoffMs({ ...DEFAULT_RETRY, random: () => draw }, retry);
        // THEN it is inside the full-jitter window
        const ceiling = Math.min(DEFAULT_RETRY.capMs, DEFAULT_RETRY.baseMs * 2 ** (retry - 1));
        expect(wait).toBeGreaterThanOrEqual(0);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('honours Retry-After in seconds or as a date, capped', () => {
    // GIVEN a fixed clock
    const now = Date.parse('2030-01-01T00:00:00Z');
    // WHEN Retry-After says 2 s, a date 5 s ahead, or an hour
    // THEN the wait follows it, up to the cap
    expect(backoffMs(DEFAULT_RETRY, 1, '2', now)).toBe(2000);
    expect(backoffMs(DEFAULT_RETRY, 1, 'Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5000);
    expect(backoffMs(DEFAULT_RETRY, 1, '3600', now)).toBe(DEFAULT_RETRY.retryAfterCapMs);
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('retry classification', () => {
  it('retries 429 and 5xx except 501 and 505, and only idempotent methods unless declared', () => {
    // GIVEN statuses and methods
    // WHEN classified
    // THEN transient faults and safe methods are retried, the rest not
    expect([429, 500, 502, 503, 504].map(isTransientStatus)).toEqual([true, true, true, true, true]);
    expect([400, 401, 404, 409, 501, 505].map(isTransientStatus)).toEqual([false, false, false, false, false, false]);
    expect(['GET', 'HEAD', 'PUT', 'DELETE'].map((m) => isIdempotent(m, undefined))).toEqual([true, true, true, true]);
    expect(isIdempotent('POST', undefined)).toBe(false);
    expect(isIdempotent('POST', true)).toBe(true);
  });

  it('counts an error as transient when the service may not have seen the request or may answer next time', () => {
    // GIVEN errors as the session reports them
    const errors = [
      { kind: 'unreachable' }, { kind: 'timeout' }, { kind: 'http-error', status: 503 }, { kind: 'http-error', status: 429 },
      { kind: 'http-error', status: 501 }, { kind: 'conflict', status: 409 }, { kind: 'tls-error' }, { kind: 'auth-failed', status: 401 },
    ];
    // WHEN each is classified
    // THEN only connection failures, timeouts, 429 and the 5xx that may pass are
    expect(errors.map((e) => isTransientFailure(e))).toEqual([true, true, true, true, false, false, false, false]);
  });
});
