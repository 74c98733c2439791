/**
 * Waits `ms` (0 when negative), or less when `signal` aborts first; resolves to whether the
 * whole wait passed. Leaves no timer or listener behind either way, so a long wait never
 * keeps the process alive after an abort.
 * @example if (!(await pause(5000, signal))) return stopped();
 */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((done) => {
    const stop = (): void => {
      clearTimeout(timer);
      done(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      done(true);
    }, Math.max(0, ms));
    signal?.addEventListener('abort', stop, { once: true });
  });
}
