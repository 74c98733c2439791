import { durationSeconds } from '../../constructs/model/duration.ts';

/**
 * A flag's duration (`0`, `0s`, `90s`, `5m`, `1h30m`) in milliseconds; undefined when it is
 * not one. Unlike config intervals, a flag may be zero (e.g. `--lock-timeout 0s`: don't wait).
 */
export function durationMs(text: string): number | undefined {
  if (/^0+s?$/.test(text)) return 0;
  const s = durationSeconds(text);
  return s === undefined ? undefined : s * 1000;
}
