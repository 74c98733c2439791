import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import { ACTION_GLYPHS, type Change } from '../../plans/index.ts';
import type { ChangeOutcome, RunEvents } from './run-changes.ts';

/** Shows an apply as it goes; `RunEvents` plus the start and end of each platform. */
export interface ApplyProgress extends RunEvents {
  begin(platform: string, changes: number, parallelism: number): void;
  end(): void;
}

/** Where progress goes and how: a bar on an interactive terminal, plain lines in CI, pipes and files. */
export interface ProgressTarget {
  readonly stderr: (text: string) => void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The progress display for `target`. On a TTY (and not in CI): one bar with the counts and the
 * step in flight. Elsewhere: a line per change as it settles, so a CI log reads as a record.
 */
export function applyProgress(target: ProgressTarget): ApplyProgress {
  const ci = target.env['CI'] !== undefined && target.env['CI'] !== '' && target.env['CI'] !== 'false';
  return target.isTTY && !ci ? barProgress() : lineProgress(target.stderr);
}

/** A display that shows nothing (for `--format json` runs that want a clean stderr, and tests). */
export const NO_PROGRESS: ApplyProgress = { begin: () => undefined, end: () => undefined };

function lineProgress(write: (text: string) => void): ApplyProgress {
  let settled = 0;
  let total = 0;
  return {
    begin(platform, changes, parallelism) {
      settled = 0;
      total = changes;
      write(`Applying ${changes} ${changes === 1 ? 'change' : 'changes'} to platform ${platform} (parallelism ${parallelism})…\n`);
    },
    onSettled(o) {
      settled++;
      write(`  [${settled}/${total}] ${line(o)}\n`);
    },
    end: () => undefined,
  };
}

function line(o: ChangeOutcome): string {
  const glyph = ACTION_GLYPHS[o.action].trim();
  if (o.status === 'done') return `${glyph} ${o.address}: done`;
  if (o.status === 'failed') return `! ${o.address}: FAILED: ${o.reason ?? ''}`;
  return `- ${o.address}: skipped: ${o.reason ?? ''}`;
}

// cli-progress is required when a bar is drawn (an apply on a terminal), not when the CLI starts.
const require = createRequire(import.meta.url);

function barProgress(): ApplyProgress {
  const { SingleBar: Bar } = require('cli-progress') as { SingleBar: typeof SingleBar };
  const bar = new Bar({
    format: '{platform} [{bar}] {value}/{total} | {done} done, {failed} failed, {skipped} skipped | {step}',
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  });
  const counts = { done: 0, failed: 0, skipped: 0 };
  const failures: string[] = [];
  return {
    begin(platform, changes) {
      counts.done = counts.failed = counts.skipped = 0;
      failures.length = 0;
      bar.start(changes, 0, { platform, ...counts, step: 'starting' });
    },
    onStart(c: Change, index: number) {
      bar.update({ step: `${c.operations[index]?.op ?? ''} ${c.address}` });
    },
    onSettled(o) {
      counts[o.status]++;
      if (o.status === 'failed') failures.push(`! ${o.address}: ${o.reason ?? ''}`);
      bar.increment(1, { ...counts });
    },
    end() {
      bar.update({ step: 'finished' });
      bar.stop();
      for (const f of failures) process.stderr.write(`${f}\n`);
    },
  };
}
