import { describe, expect, it } from 'vitest';
import { priceFor, rate, validatePriceList } from '../../../../engine/metering/rating/price-list.ts';
import type { UsageLine } from '../../../../engine/metering/usage/usage-line.ts';

const line = (metric: UsageLine['metric'], qualifier: string | null, quantity: number): UsageLine => ({
  hourStart: 0,
  projectId: 'p',
  resourceId: 'r',
  resourceType: 'volume',
  metric,
  qualifier,
  quantity,
});

describe('price list', () => {
  it('accepts the documented keys and reports every bad key and price at once', () => {
    // GIVEN a valid list and one with a typo, a negative price and a non-number
    const good = { 'server.flavor.m1.small': 0.02, 'volume.type.ssd.gigabyte_hour': 0.0003, 'volume.gigabyte_hour': 0.0001, 'floatingip.hour': 0.005 };
    const bad = { 'floatingip.hours': 0.005, 'router.hour': -1, 'image.gigabyte_hour': 'cheap' as unknown as number };
    // WHEN they are validated
    // THEN the first passes and the second names all three problems
    expect(validatePriceList(good).isOk()).toBe(true);
    const e = validatePriceList(bad)._unsafeUnwrapErr().message;
    expect(e).toContain('unknown price key "floatingip.hours"');
    expect(e).toContain('price of "router.hour" must be a number >= 0, got -1');
    expect(e).toContain('price of "image.gigabyte_hour"');
  });

  it('prices a volume by its type first and falls back to the generic GiB-hour price', () => {
    // GIVEN a type price for ssd and a generic volume price
    const prices = { 'volume.type.ssd.gigabyte_hour': 0.0003, 'volume.gigabyte_hour': 0.0001 };
    // WHEN ssd and hdd volume lines are priced
    // THEN ssd takes its own price and hdd the generic one
    expect(priceFor(prices, 'volume.gib_hours', 'ssd')).toEqual({ key: 'volume.type.ssd.gigabyte_hour', price: 0.0003 });
    expect(priceFor(prices, 'volume.gib_hours', 'hdd')).toEqual({ key: 'volume.gigabyte_hour', price: 0.0001 });
  });

  it('rates a line as quantity times price, and leaves unpriced usage at 0 without a price key', () => {
    // GIVEN 10 GiB-hours of ssd and 2 floating-IP-hours without a price
    const prices = { 'volume.type.ssd.gigabyte_hour': 0.5 };
    // WHEN both are rated
    const priced = rate(prices, line('volume.gib_hours', 'ssd', 10));
    const unpriced = rate(prices, line('floatingip.hours', null, 2));
    // THEN the first costs 5 and the second 0, marked unpriced
    expect([priced.amount, priced.priceKey, priced.unitPrice]).toEqual([5, 'volume.type.ssd.gigabyte_hour', 0.5]);
    expect([unpriced.amount, unpriced.priceKey, unpriced.unitPrice, unpriced.quantity]).toEqual([0, null, null, 2]);
  });
});
