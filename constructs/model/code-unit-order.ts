/**
 * Compares two strings by UTF-16 code unit, as `Array.prototype.sort` does by default: the
 * order keyform sorts everything it writes in (addresses, keys, ids), the same on every
 * machine whatever its locale (`localeCompare` is not).
 * @example ['b', 'B', 'a'].sort(compareCodeUnits) // ['B', 'a', 'b']
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
