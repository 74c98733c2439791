import type { ConfigProblem } from './config-error.ts';
import { formatPath, type ConfigPath, type Source } from './source.ts';

/**
 * A problem located at `path` in `source`: at the key (an unknown or misplaced key) or at
 * the value (a wrong value).
 * @example problemAt(src, ['platform', 'os-prod', 'region'], 'platform "os-prod" has an empty region', 'set region = "RegionOne"')
 */
export function problemAt(
  source: Source,
  path: ConfigPath,
  message: string,
  hint: string,
  part: 'key' | 'value' = 'value',
): ConfigProblem {
  const { line, column } = source.locate(path, part);
  return {
    file: source.file,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    path: formatPath(path),
    message,
    hint,
  };
}

/**
 * The known name closest to `name` (by edit distance), for "did you mean" hints; undefined
 * when nothing is close enough to be a plausible typo.
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** "did you mean X? valid: a, b, c" or "valid: a, b, c". */
export function choiceHint(name: string, known: readonly string[], noun = 'valid'): string {
  const near = closest(name, known);
  const list = `${noun}: ${[...known].sort().join(', ')}`;
  return near ? `did you mean ${JSON.stringify(near)}? ${list}` : list;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
