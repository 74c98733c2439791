import { ResultAsync, err, ok, type Result } from 'neverthrow';

/**
 * Runs `work` over `items` with at most `width` in flight; stops starting new work at the
 * first error and fails with it.
 */
export function mapPool<T, R, E>(items: readonly T[], width: number, work: (item: T) => ResultAsync<R, E>): ResultAsync<readonly R[], E> {
  const run = async (): Promise<{ ok: true; value: R[] } | { ok: false; error: E }> => {
    const out: R[] = new Array<R>(items.length);
    let next = 0;
    let failure: { ok: false; error: E } | undefined;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < items.length) {
        const i = next++;
        const r = await work(items[i]!);
        if (r.isErr()) failure ??= { ok: false, error: r.error };
        else out[i] = r.value;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
    return failure ?? { ok: true, value: out };
  };
  return new ResultAsync(run().then((r): Result<readonly R[], E> => (r.ok ? ok(r.value) : err(r.error))));
}
