import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import type { ChangeOutcome, RunEvents } from './run-changes.ts';
import { figuresLine, formatEta, progressFigures } from './progress-figures.ts';

/** Shows an apply as it goes; `RunEvents` plus the start and end of each platform. */
export interface ApplyProgress extends RunEvents {
  begin(platform: string, changes: number, parallelism: number): void;
  end(): void;
}

/** What the bar draws on: a terminal (`process.stderr`), or a stand-in with the same members. */
export interface BarStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

/** Where progress goes and how: a bar on an interactive terminal, plain lines in CI, pipes and files. */
export interface ProgressTarget {
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The terminal the bar is drawn on. @default process.stderr */
  readonly terminal?: BarStream;
  /** Milliseconds on a monotonic clock, for the rate and the ETA. @default performance.now */
  readonly now?: () => number;
}

/**
 * The progress display for `target`, on stderr only (never in a report on stdout). On a TTY
 * (and not in CI): one bar with done/total, the rate and the ETA. Elsewhere (CI logs, pipes,
 * files): the same figures as a line each time another whole percent of the changes settles
 * or `LINE_EVERY_MS` has passed, whichever comes first, and a line for each failure as it
 * happens; so a log of 70,000 changes gets a few hundred lines, not one per change.
 */
export function applyProgress(target: ProgressTarget): ApplyProgress {
  const ci = target.env['CI'] !== undefined && target.env['CI'] !== '' && target.env['CI'] !== 'false';
  const now = target.now ?? (() => performance.now());
  return target.isTTY && !ci ? barProgress(target.terminal ?? process.stderr, now) : lineProgress(target.stderr, now);
}

/** A display that shows nothing (for `--format json` runs that want a clean stderr, and tests). */
export const NO_PROGRESS: ApplyProgress = { begin: () => undefined, end: () => undefined };

/**
 * Off a terminal, the longest a running apply goes without a progress line (when changes
 * settle): Terraform's "Still creating… [10s elapsed]" cadence, a few hundred lines an hour.
 */
export const LINE_EVERY_MS = 10_000;

/** The settled changes by status, and the apply's start on the progress clock. */
interface Tally {
  started: number;
  settled: number;
  total: number;
  failed: number;
  skipped: number;
}

const tally = (): Tally => ({ started: 0, settled: 0, total: 0, failed: 0, skipped: 0 });

/** ` (2 failed, 1 skipped)`, or nothing while all went well. */
function trouble(t: Tally): string {
  return t.failed + t.skipped === 0 ? '' : ` (${t.failed} failed, ${t.skipped} skipped)`;
}

function count(t: Tally, o: ChangeOutcome): void {
  t.settled++;
  if (o.status === 'failed') t.failed++;
  if (o.status === 'skipped') t.skipped++;
}

function lineProgress(write: (text: string) => void, now: () => number): ApplyProgress {
  let t = tally();
  let lastAt = 0;
  let lastPercent = 0;
  return {
    begin(platform, changes, parallelism) {
      t = { ...tally(), total: changes, started: now() };
      lastAt = t.started;
      lastPercent = 0;
      write(`Applying ${changes} ${changes === 1 ? 'change' : 'changes'} to platform ${platform} (parallelism ${parallelism})…\n`);
    },
    onSettled(o) {
      count(t, o);
      if (o.status === 'failed') write(`  ! ${o.address}: FAILED: ${o.reason ?? ''}\n`);
      const at = now();
      const f = progressFigures(t.settled, t.total, at - t.started);
      if (f.percent > lastPercent || at - lastAt >= LINE_EVERY_MS || t.settled === t.total) {
        lastPercent = f.percent;
        lastAt = at;
        write(`  ${figuresLine(f)}${trouble(t)}\n`);
      }
    },
    end: () => undefined,
  };
}

// cli-progress is required when a bar is drawn (an apply on a terminal), not when the CLI starts.
const require = createRequire(import.meta.url);

function barProgress(terminal: BarStream, now: () => number): ApplyProgress {
  const { SingleBar: Bar } = require('cli-progress') as { SingleBar: typeof SingleBar };
  // `{left}`, not `{eta}`: cli-progress fills `{eta}` with its own estimate, over the payload.
  const bar = new Bar({
    format: '{platform} [{bar}] {value}/{total} {pct}% | {rate} changes/s | ETA {left} | {failed} failed, {skipped} skipped',
    stream: terminal as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  });
  let t = tally();
  const failures: string[] = [];
  const payload = (): Record<string, string | number> => {
    const f = progressFigures(t.settled, t.total, now() - t.started);
    return { pct: f.percent, rate: f.perSecond.toFixed(1), left: formatEta(f.etaMs), failed: t.failed, skipped: t.skipped };
  };
  return {
    begin(platform, changes) {
      t = { ...tally(), total: changes, started: now() };
      failures.length = 0;
      bar.start(changes, 0, { platform, ...payload() });
    },
    onSettled(o) {
      count(t, o);
      if (o.status === 'failed') failures.push(`! ${o.address}: ${o.reason ?? ''}`);
      bar.update(t.settled, payload());
    },
    end() {
      bar.update(t.settled, payload());
      bar.stop();
      for (const f of failures) terminal.write(`${f}\n`);
    },
  };
}
