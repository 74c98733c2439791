import { describe, it, expect } from 'vitest';
import { ACTIONS, type Plan } from '../../../plans/index.ts';
import { actionPhrase, colorEnabled, formatter, printablePlan, showValue } from '../../../plans/render/index.ts';
import { SAMPLE_PLANS } from './sample-plans.ts';

describe('colorEnabled', () => {
  it.each([
    ['on a terminal without NO_COLOR', {}, true, true],
    ['never when NO_COLOR is set', { NO_COLOR: '1' }, true, false],
    ['when NO_COLOR is empty (the convention: only a non-empty value disables)', { NO_COLOR: '' }, true, true],
    ['never when not a terminal', {}, false, false],
  ])('colours %s', (_name, env, isTTY, expected) => {
    // GIVEN / WHEN / THEN
    expect(colorEnabled(env, isTTY)).toBe(expected);
  });
});

describe('formatter', () => {
  it.each([
    ['no-op', ' '],
    ['create', '+'],
    ['update', '~'],
    ['delete', '-'],
    ['replace', '-/+'],
  ] as const)('shows %s as %j without colours', (action, glyph) => {
    // GIVEN / WHEN / THEN
    expect(formatter({ color: false }).glyph(action)).toBe(glyph);
  });

  it('shows a replace that creates first as Terraform shows create_before_destroy, and says its order', () => {
    // GIVEN a formatter without colours WHEN a replace is shown in both orders
    const f = formatter({ color: false });
    // THEN the glyph and the phrase say which comes first
    expect([f.glyph('replace', true), f.glyph('replace', false)]).toEqual(['+/-', '-/+']);
    expect(actionPhrase('replace', true)).toBe('must be replaced (create replacement and then destroy)');
    expect(actionPhrase('replace', false)).toBe('must be replaced (destroy and then create replacement)');
  });

  it('has a glyph for every action', () => {
    // GIVEN every action WHEN shown THEN none is empty
    for (const a of ACTIONS) expect(formatter({ color: false }).glyph(a)).not.toBe('');
  });
});

describe('showValue', () => {
  it.each([
    ['quotes strings', 'a"b', '"a\\"b"'],
    ['shows numbers and booleans as JSON', 40, '40'],
    ['lists arrays in brackets', ['x', 'y'], '["x", "y"]'],
    ['says when there is no value', undefined, '(none)'],
  ])('%s', (_name, value, expected) => {
    // GIVEN / WHEN / THEN
    expect(showValue(value)).toBe(expected);
  });
});

describe('printablePlan', () => {
  it('escapes terminal controls in what the renderers show, and hands each platform\'s desired and prior records over as they are', () => {
    // GIVEN a plan whose change reason holds a terminal escape (from a name typed into Keystone)
    const raw = SAMPLE_PLANS.drift();
    const p = raw.platforms[0]!;
    const plan: Plan = { ...raw, platforms: [{ ...p, changes: p.changes.map((c, i) => (i === 0 ? { ...c, reason: 'name \u001b[2Kfaked' } : c)) }] };

    // WHEN it is made printable
    const shown = printablePlan(plan);

    // THEN the reason is escaped, and desired and prior (never rendered, ~170,000 records each at 10,000 tenants) are not copied
    expect(shown.platforms[0]!.changes[0]!.reason).toBe('name \\x1b[2Kfaked');
    expect(shown.platforms[0]!.desired).toBe(plan.platforms[0]!.desired);
    expect(shown.platforms[0]!.prior).toBe(plan.platforms[0]!.prior);
  });
});
