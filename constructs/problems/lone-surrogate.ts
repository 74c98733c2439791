/**
 * A UTF-16 surrogate without its other half: not text (JSON encoders, `encodeURIComponent`
 * and Keystone's Python reject it), though JavaScript strings may hold one. A high surrogate
 * not followed by a low one, or a low one not preceded by a high one.
 * Compose with `.source`; test with it as is (it has no `g` flag, so `test()` keeps no state).
 * @example LONE_SURROGATE.test('a\ud800b') // true
 */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
