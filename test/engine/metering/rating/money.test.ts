import { describe, expect, it } from 'vitest';
import { apportion, decimalOf, decimalText, lineAmount, minorText, roundDiv } from '../../../../engine/metering/rating/money.ts';

describe('exact money', () => {
  it('reads configured prices as the decimals they were written as', () => {
    // GIVEN prices as a config holds them WHEN read THEN every digit is kept, in plain text
    expect([0.045, 0.0125, 0.0000315, 1e-7, 12, 2.5e3].map((n) => decimalText(decimalOf(n)))).toEqual(['0.045', '0.0125', '0.0000315', '0.0000001', '12', '2500']);
  });

  it('rounds half away from zero once, where binary floats round the wrong way', () => {
    // GIVEN 47 2/3 GiB-hours (171,600 GiB-seconds) at 0.0000315, an exact 0.0015015
    // WHEN the line is rounded to 6 decimals THEN it is 0.001502 (floats give 0.001501)
    expect(lineAmount(171_600n, 3600n, decimalOf(0.0000315), 6)).toBe(1502n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    // AND 1,200 five-minute servers at 0.0004 per hour are 0.04 to the cent
    expect(lineAmount(1200n * 300n, 3600n, decimalOf(0.0004), 2)).toBe(4n);
    expect(minorText(4n, 2)).toBe('0.04');
  });

  it('shares a total out by largest remainder so the shares add up to it', () => {
    // GIVEN 4 cents over three equal parts, and 1 cent over twelve five-minute parts
    // WHEN apportioned THEN the shares sum to the total, each within one unit of its exact share
    expect(apportion(4n, [1n, 1n, 1n])).toEqual([2n, 1n, 1n]);
    const twelve = apportion(1n, new Array<bigint>(12).fill(300n));
    expect(twelve.reduce((a, b) => a + b, 0n)).toBe(1n);
    expect(apportion(0n, [0n, 0n])).toEqual([0n, 0n]);
  });
});
