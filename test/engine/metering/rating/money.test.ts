import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion, apportionSafe, decimalOf, decimalText, lineAmount, minorText, roundDiv } from '../../../../engine/metering/rating/money.ts';

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

  it('shares the same in plain numbers while they are exact, and says when they would not be', () => {
    // GIVEN totals and weights from tiny to past 2^53 (a day of image bytes × seconds), with ties and zeros
    const whole = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2_000_000_000 }), fc.constantFrom(86_400, 3_600, 2 ** 26));
    const big = fc.oneof(whole, fc.constantFrom(2 ** 40, 2 ** 45 + 3));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), fc.array(big, { minLength: 1, maxLength: 40 }), (total, weights) => {
        const sum = weights.reduce((a, w) => a + BigInt(w), 0n);
        fc.pre(sum > 0n || total === 0);
        // WHEN shared out in numbers and in bigints
        const safe = apportionSafe(total, weights);
        // THEN the numbers are the bigints' shares exactly, or there are none where total × sum passes 2^53 − 1
        if (BigInt(total) * sum > BigInt(Number.MAX_SAFE_INTEGER)) expect(safe).toBeUndefined();
        else expect(safe?.map(BigInt)).toEqual(apportion(BigInt(total), weights.map(BigInt)));
      }),
      { numRuns: 2000 },
    );
    expect(apportionSafe(4, [1, 1, 1])).toEqual([2, 1, 1]);
  });
});
