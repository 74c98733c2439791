/**
 * A platform id that the configuration does not declare (or none chosen where one must be):
 * named by `--platform`, by a building block's inputs, or by a saved plan. The one error for
 * this meaning, whoever asks.
 */
export interface UnknownPlatform {
  readonly kind: 'unknown-platform';
  /** The id asked for; absent when none was named and the config does not settle it. */
  readonly platform?: string;
  /** The platforms the configuration declares, sorted. */
  readonly known: readonly string[];
  /** What is wrong and how to fix it, in the words of the place that named the platform. */
  readonly message: string;
}

/**
 * The error for `platform` (or none) against the `known` platforms; `message` says where the
 * id came from and what to pass instead.
 * @example unknownPlatform('p3', ['p1', 'p2'], 'The config has no platform "p3" (it has p1, p2). Pass one of them to --platform.')
 */
export function unknownPlatform(platform: string | undefined, known: readonly string[], message: string): UnknownPlatform {
  return { kind: 'unknown-platform', ...(platform === undefined ? {} : { platform }), known: [...known].sort(), message };
}
