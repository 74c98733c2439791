import { describe, expect, it } from 'vitest';
import { figuresLine, formatEta, progressFigures } from '../../../engine/apply/index.ts';

describe('progressFigures', () => {
  it.each([
    // name, settled, total, elapsed ms → percent, per second, ETA ms
    ['nothing settled yet: no rate, no ETA', 0, 10, 5000, 0, 0, undefined],
    ['a quarter in 10 s: 25/s, 30 s left', 250, 1000, 10_000, 25, 25, 30_000],
    ['all settled: ETA 0', 10, 10, 2000, 100, 5, 0],
    ['percent rounds down: 99.9 % is 99', 999, 1000, 1000, 99, 999, 1],
    ['an empty plan is complete', 0, 0, 0, 100, 0, undefined],
    ['a settle at time 0 gives no rate rather than infinity', 1, 10, 0, 10, 0, undefined],
    ['10,000 tenants (70,001 writes) at 40/s: 29 min left after 1,000', 1000, 70_001, 25_000, 1, 40, 1_725_025],
  ])('%s', (_name, settled, total, elapsed, percent, perSecond, etaMs) => {
    // GIVEN settled of total changes after elapsed ms / WHEN figured / THEN
    expect(progressFigures(settled, total, elapsed)).toEqual({ settled, total, percent, perSecond, etaMs });
  });
});

describe('formatEta', () => {
  it.each([
    [undefined, '?'],
    [0, '0s'],
    [45_000, '45s'],
    [59_499, '59s'],
    [59_500, '1m00s'],
    [185_000, '3m05s'],
    [3_599_000, '59m59s'],
    [3_600_000, '1h00m'],
    [7_620_000, '2h07m'],
  ])('shows %s ms as %s', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });
});

describe('figuresLine', () => {
  it('puts the counts, percent, rate and ETA on one line', () => {
    expect(figuresLine(progressFigures(250, 1000, 10_000))).toBe('[250/1000] 25% | 25.0 changes/s | ETA 30s');
  });
});
