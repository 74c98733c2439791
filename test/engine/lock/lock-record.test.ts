import { describe, expect, it } from 'vitest';
import { descriptionMarker } from '../../../constructs/model/index.ts';
import { decodeLockRecord, describeHolder, encodeLockRecord, isExpired, lockName, type LockRecord } from '../../../engine/lock/index.ts';

const record: LockRecord = {
  platform: 'os-prod', token: 'abc123', holder: { host: 'ci-7', pid: 4242, user: 'root' },
  acquiredAt: '2025-01-01T10:00:00.000Z', expiresAt: '2025-01-01T10:05:00.000Z',
};

describe('lock records', () => {
  it('round-trips through the lock group description, which no snapshot takes for a keyform marker', () => {
    // GIVEN a record
    // WHEN it is encoded and decoded
    const text = encodeLockRecord(record);
    // THEN it reads back the same, and carries no ownership marker
    expect(decodeLockRecord(text)).toEqual(record);
    expect(descriptionMarker(text)).toBeUndefined();
  });

  it('refuses descriptions keyform did not write', () => {
    // GIVEN descriptions of a hand-made group and a damaged lock
    // WHEN they are decoded
    // THEN neither is a lock
    expect(decodeLockRecord('made by hand')).toBeUndefined();
    expect(decodeLockRecord('keyform apply lock {"platform":"os-prod"}')).toBeUndefined();
    expect(decodeLockRecord('keyform apply lock {not json')).toBeUndefined();
  });

  it('expires at its expiry time, and names its holder', () => {
    // GIVEN the record above
    // WHEN it is checked a second before and at its expiry
    // THEN it holds, then it may be broken
    expect(isExpired(record, Date.parse('2025-01-01T10:04:59Z'))).toBe(false);
    expect(isExpired(record, Date.parse('2025-01-01T10:05:00Z'))).toBe(true);
    expect(describeHolder(record)).toBe('root@ci-7 (pid 4242)');
  });

  it('names the lock group after the platform, within Keystone\'s 64 characters', () => {
    // GIVEN a short and a long platform id
    const long = 'a'.repeat(63);
    // WHEN their lock names are made
    // THEN the short one reads plainly and the long one is cut with a hash that keeps it unique
    expect(lockName('os-prod')).toBe('keyform-lock-os-prod');
    expect(lockName(long)).toHaveLength(64);
    expect(lockName(long)).not.toBe(lockName(`${'a'.repeat(62)}b`));
  });
});
