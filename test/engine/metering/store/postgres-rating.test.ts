import { describe, expect, it } from 'vitest';
import { safeIntegers } from '../../../../engine/metering/store/postgres-rating.ts';

describe('reading the days a line was summed over', () => {
  it('reads comma-separated units as plain numbers while they are exact, and refuses them past 2^53 − 1', () => {
    // GIVEN a line's day starts, and its units per day as PostgreSQL writes them
    // WHEN read THEN they are the numbers written
    expect(safeIntegers('1767225600,1767312000')).toEqual([1767225600, 1767312000]);
    expect(safeIntegers('0')).toEqual([0]);
    expect(safeIntegers(`3600,${Number.MAX_SAFE_INTEGER}`)).toEqual([3600, Number.MAX_SAFE_INTEGER]);
    // AND a day of image bytes × seconds beyond 2^53 − 1, anywhere in the list, is not read as a rounded number
    expect(safeIntegers('3600,9007199254740993')).toBeUndefined();
    expect(safeIntegers('9007199254740992,1')).toBeUndefined();
  });
});
