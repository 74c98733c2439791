import { describe, expect, it } from 'vitest';
import { keystoneTime, leaseEnd } from '../../../engine/lock/index.ts';

describe('Keystone time', () => {
  it('reads Keystone\'s clock from the Date header, not from this machine', () => {
    // GIVEN an answer whose Date is an hour behind this machine
    const date = new Date(Date.now() - 3_600_000);
    // WHEN it is read
    const t = keystoneTime({ date: date.toUTCString() }, 123);
    // THEN Keystone's time is the header's (to the second) and the send time is kept
    expect(t).toEqual({ at: Math.floor(date.getTime() / 1000) * 1000, sentAt: 123 });
  });

  it('ends a lease, on this process\'s clock, a TTL after the request was sent less the Date header\'s second', () => {
    // GIVEN a renewal sent at 5000 ms (monotonic) whose answer said 12:00:00
    const t = keystoneTime({ date: 'Sun, 06 Dec 2026 12:00:00 GMT' }, 5000);
    // WHEN the lease of a 60 s TTL is computed
    // THEN it holds until 64 s, whatever the wall clocks say
    expect(leaseEnd(t, 60_000)).toBe(64_000);
  });
});
