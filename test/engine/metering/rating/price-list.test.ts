import { describe, expect, it } from 'vitest';
import { priceFor, resourcePriced, validatePriceList } from '../../../../engine/metering/rating/price-list.ts';

describe('price list', () => {
  it('accepts the documented keys and reports every bad key and price at once', () => {
    // GIVEN a valid list (with stopped-server keys) and one with a typo, a negative price and a non-number
    const good = { 'server.flavor.m1.small': 0.02, 'server.stopped.flavor.m1.small': 0.005, 'server.stopped.vcpu_hour': 0, 'volume.type.ssd.gigabyte_hour': 0.0003, 'floatingip.hour': 0.005 };
    const bad = { 'floatingip.hours': 0.005, 'router.hour': -1, 'image.gigabyte_hour': 'cheap' as unknown as number };
    // WHEN they are validated
    // THEN the first passes and the second names all three problems
    expect(validatePriceList(good).isOk()).toBe(true);
    const e = validatePriceList(bad)._unsafeUnwrapErr().message;
    expect(e).toContain('unknown price key "floatingip.hours"');
    expect(e).toContain('price of "router.hour" must be a number >= 0, got -1');
    expect(e).toContain('price of "image.gigabyte_hour"');
  });

  it('prices a volume by its type first, falls back to the generic price, and keeps the configured digits', () => {
    // GIVEN a type price for ssd, one for the "default" type and a generic volume price
    const prices = { 'volume.type.ssd.gigabyte_hour': 0.0000315, 'volume.type.default.gigabyte_hour': 0.0125, 'volume.gigabyte_hour': 0.0001 };
    // WHEN ssd, hdd and cinder's __DEFAULT__ volume lines are priced
    // THEN each takes its own price, exactly as written
    expect(priceFor(prices, 'volume.gib_hours', 'ssd')).toEqual({ key: 'volume.type.ssd.gigabyte_hour', price: { units: 315n, scale: 7 } });
    expect(priceFor(prices, 'volume.gib_hours', 'hdd')).toEqual({ key: 'volume.gigabyte_hour', price: { units: 1n, scale: 4 } });
    expect(priceFor(prices, 'volume.gib_hours', '__DEFAULT__')?.key).toBe('volume.type.default.gigabyte_hour');
  });

  it('charges a stopped server by its stopped key when there is one, else like a running one', () => {
    // GIVEN a flavor price and a stopped price for vCPUs only
    const prices = { 'server.flavor.m1.small': 0.02, 'server.stopped.vcpu_hour': 0 };
    // WHEN a stopped server's lines are priced
    // THEN its flavor hours take the running price (the default) and its vCPU hours the stopped one
    expect(priceFor(prices, 'server.hours', 'm1.small', 'stopped')?.key).toBe('server.flavor.m1.small');
    expect(priceFor(prices, 'vcpu.hours', null, 'stopped')?.key).toBe('server.stopped.vcpu_hour');
    expect(priceFor(prices, 'vcpu.hours', null, 'running')).toBeUndefined();
  });

  it('says a resource is priced when any of its metrics is, so flavor-only lists warn of nothing but unknown flavors', () => {
    // GIVEN a list that prices one flavor and nothing per vCPU or RAM
    const prices = { 'server.flavor.m1.small': 0.02 };
    // WHEN servers of the priced and of another flavor are checked
    // THEN only the other flavor counts as without a price
    expect(resourcePriced(prices, 'server', 'm1.small', 'running')).toBe(true);
    expect(resourcePriced(prices, 'server', 'm1.tiny', 'running')).toBe(false);
    expect(resourcePriced(prices, 'floatingip', null, null)).toBe(false);
  });
});
