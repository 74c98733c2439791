import { describe, expect, it } from 'vitest';
import { applyProgress, LINE_EVERY_MS, type ApplyProgress, type ChangeOutcome } from '../../../engine/apply/index.ts';

const outcome = (i: number, status: ChangeOutcome['status'] = 'done'): ChangeOutcome => ({
  address: `keyform_project.tenant["os/w/p${i}"]`, kind: 'project', action: 'create', status, operationsDone: status === 'done' ? 1 : 0,
  ...(status === 'done' ? {} : { reason: status === 'failed' ? 'Keystone said no' : 'it waits for a change that failed' }),
});

/** A clock the test moves, and a display writing into `out`. */
function lines(opts: { isTTY?: boolean; env?: NodeJS.ProcessEnv } = {}): { progress: ApplyProgress; out: string[]; clock: { t: number } } {
  const out: string[] = [];
  const clock = { t: 1000 };
  const progress = applyProgress({ stderr: (s) => void out.push(s), isTTY: opts.isTTY ?? false, env: opts.env ?? {}, now: () => clock.t });
  return { progress, out, clock };
}

/** Settles `n` changes, one every `everyMs`, from number `from`. */
function settle(p: ApplyProgress, clock: { t: number }, n: number, everyMs: number, status: ChangeOutcome['status'] = 'done', from = 0): void {
  for (let i = 0; i < n; i++) {
    clock.t += everyMs;
    p.onSettled?.(outcome(from + i, status));
  }
}

describe('apply progress off a terminal (CI logs, pipes)', () => {
  it('prints a line for each whole percent settled, with the rate and ETA, not one per change', () => {
    // GIVEN 1,000 changes settling one every 10 ms
    const { progress, out, clock } = lines();
    progress.begin('os-prod', 1000, 8);
    // WHEN all settle
    settle(progress, clock, 1000, 10);
    progress.end();
    // THEN a header and 100 lines, at 10, 20, … 1,000 changes
    expect(out).toHaveLength(101);
    expect(out[0]).toBe('Applying 1000 changes to platform os-prod (parallelism 8)…\n');
    expect(out[1]).toBe('  [10/1000] 1% | 100.0 changes/s | ETA 10s\n');
    expect(out[50]).toBe('  [500/1000] 50% | 100.0 changes/s | ETA 5s\n');
    expect(out[100]).toBe('  [1000/1000] 100% | 100.0 changes/s | ETA 0s\n');
  });

  it('prints a line every few seconds when a percent takes longer', () => {
    // GIVEN 70,001 changes (10,000 tenants) settling one a second: a percent takes 700 s
    const { progress, out, clock } = lines();
    progress.begin('os-prod', 70_001, 8);
    // WHEN 25 settle
    settle(progress, clock, 25, 1000);
    // THEN a line at the 10th and the 20th, 10 s apart, with the ETA of the rest
    expect(LINE_EVERY_MS).toBe(10_000);
    expect(out.slice(1)).toEqual([
      '  [10/70001] 0% | 1.0 changes/s | ETA 19h26m\n',
      '  [20/70001] 0% | 1.0 changes/s | ETA 19h26m\n',
    ]);
  });

  it('prints a line per change for a small plan, and each failure as it happens', () => {
    // GIVEN 4 changes, the second failing and the third skipped because of it
    const { progress, out, clock } = lines();
    progress.begin('os-prod', 4, 2);
    // WHEN they settle a second apart
    settle(progress, clock, 1, 1000, 'done', 0);
    settle(progress, clock, 1, 1000, 'failed', 1);
    settle(progress, clock, 1, 1000, 'skipped', 2);
    settle(progress, clock, 1, 1000, 'done', 3);
    // THEN the failure is named, and the count of failed and skipped rides on every later line
    expect(out.slice(1)).toEqual([
      '  [1/4] 25% | 1.0 changes/s | ETA 3s\n',
      '  ! keyform_project.tenant["os/w/p1"]: FAILED: Keystone said no\n',
      '  [2/4] 50% | 1.0 changes/s | ETA 2s (1 failed, 0 skipped)\n',
      '  [3/4] 75% | 1.0 changes/s | ETA 1s (1 failed, 1 skipped)\n',
      '  [4/4] 100% | 1.0 changes/s | ETA 0s (1 failed, 1 skipped)\n',
    ]);
  });

  it('prints lines, not a bar, on a terminal in CI', () => {
    // GIVEN a terminal, but CI=true (a runner that fakes a TTY)
    const { progress, out, clock } = lines({ isTTY: true, env: { CI: 'true' } });
    // WHEN 2 changes settle
    progress.begin('os-prod', 2, 8);
    settle(progress, clock, 2, 500);
    progress.end();
    // THEN the same lines as off a terminal
    expect(out.slice(1)).toEqual(['  [1/2] 50% | 2.0 changes/s | ETA 1s\n', '  [2/2] 100% | 2.0 changes/s | ETA 0s\n']);
  });
});

describe('apply progress on a terminal', () => {
  it('draws a bar with done/total, the rate, the ETA and the failures, and lists the failures at the end', () => {
    // GIVEN a terminal 160 columns wide and a clock the test moves
    let screen = '';
    const clock = { t: 0 };
    const terminal = { isTTY: true, columns: 160, write: (s: string) => ((screen += s), true) };
    const logged: string[] = [];
    const progress = applyProgress({ stderr: (s) => void logged.push(s), isTTY: true, env: {}, terminal, now: () => clock.t });
    // WHEN 300 changes settle at 50 a second, one failing
    progress.begin('os-prod', 300, 8);
    settle(progress, clock, 150, 20);
    settle(progress, clock, 1, 20, 'failed', 150);
    settle(progress, clock, 149, 20, 'done', 151);
    progress.end();
    // THEN the last drawing shows the whole count, the rate and ETA 0, and the failure follows the bar
    expect(screen).toContain('os-prod [------------------------------] 0/300 0% | 0.0 changes/s | ETA ? | 0 failed, 0 skipped');
    expect(screen).toContain('os-prod [==============================] 300/300 100% | 50.0 changes/s | ETA 0s | 1 failed, 0 skipped');
    expect(screen.endsWith('\n! keyform_project.tenant["os/w/p150"]: Keystone said no\n')).toBe(true);
    // and no CI line was written
    expect(logged).toEqual([]);
  });
});
