/** How far an apply is, as the progress bar and the CI lines both show it. */
export interface ProgressFigures {
  readonly settled: number;
  readonly total: number;
  /** Whole percent settled, rounded down (100 only when every change settled). */
  readonly percent: number;
  /** Changes settled per second since the first operation started; 0 before anything settled. */
  readonly perSecond: number;
  /** Time left at `perSecond` for the changes not settled yet; undefined until a rate is known. */
  readonly etaMs: number | undefined;
}

/**
 * The figures of an apply `elapsedMs` after it started writing, with `settled` of `total`
 * changes settled (done, failed or skipped). The rate is the mean since the start, not a
 * recent window: Keystone's rate for one kind of write is steady, and a mean does not make
 * the ETA jump when a batch of quick writes (role assignments) follows slower ones.
 * @example progressFigures(250, 1000, 10_000) // { percent: 25, perSecond: 25, etaMs: 30_000, … }
 */
export function progressFigures(settled: number, total: number, elapsedMs: number): ProgressFigures {
  const percent = total === 0 ? 100 : Math.floor((100 * settled) / total);
  const perSecond = settled === 0 || elapsedMs <= 0 ? 0 : (1000 * settled) / elapsedMs;
  const etaMs = perSecond === 0 ? undefined : Math.round((1000 * (total - settled)) / perSecond);
  return { settled, total, percent, perSecond, etaMs };
}

/**
 * A duration as a person reads an ETA: `45s`, `3m05s`, `2h07m`; `?` when unknown.
 * @example formatEta(185_000) // '3m05s'
 */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
}

/**
 * The figures as one line: `[250/1000] 25% | 25.0 changes/s | ETA 30s`.
 * @example figuresLine(progressFigures(1, 4, 1000)) // '[1/4] 25% | 1.0 changes/s | ETA 3s'
 */
export function figuresLine(f: ProgressFigures): string {
  return `[${f.settled}/${f.total}] ${f.percent}% | ${f.perSecond.toFixed(1)} changes/s | ETA ${formatEta(f.etaMs)}`;
}
