/**
 * Durations as keyform's users write them (`90s`, `5m`, `1h30m`): a metering interval in the
 * config, a wait or a lifetime on the command line. Here, in the model, so that constructs
 * and the engine read them alike.
 */

/**
 * Seconds in a duration written as hours, minutes and seconds; undefined when it isn't one
 * or is zero.
 * @example durationSeconds('1h30m') // 5400
 */
export function durationSeconds(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  const s = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return s > 0 ? s : undefined;
}
