import { describe, it, expect } from 'vitest';
import { isDestructive, isReplace, worstImpact, type AttributeImpact } from '../../plans/index.ts';

describe('worstImpact', () => {
  it.each([
    ['nothing is a no-op', [], 'no-op'],
    ['one update is an update', ['no-op', 'update'], 'update'],
    ['a replace beats every update', ['update', 'replace', 'update'], 'replace'],
  ] as const)('%s', (_name, impacts, expected) => {
    // GIVEN attribute impacts WHEN combined THEN the resource takes the worst
    expect(worstImpact(impacts as readonly AttributeImpact[])).toBe(expected);
  });
});

describe('actions', () => {
  it('calls only replace a replace, and delete and replace destructive', () => {
    // GIVEN / WHEN / THEN
    expect(['create', 'update', 'delete', 'replace', 'no-op'].filter((a) => isReplace(a as never))).toEqual(['replace']);
    expect(['create', 'update', 'delete', 'replace', 'no-op'].filter((a) => isDestructive(a as never))).toEqual(['delete', 'replace']);
  });
});
