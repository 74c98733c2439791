import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Redactor, isSecret, secret } from '../../../engine/openstack/index.ts';

describe('secret', () => {
  it('prints as *** through JSON, strings and inspect, and reveals on request', () => {
    // GIVEN a wrapped password inside an object
    const s = secret('correct horse battery');
    const holder = { password: s };
    // WHEN printed every usual way
    const printed = [JSON.stringify(holder), String(s), `${s}`, inspect(holder)].join(' ');
    // THEN only reveal() gives the value
    expect(printed).not.toContain('correct horse');
    expect(printed.match(/\*\*\*/g)?.length).toBe(4);
    expect(s.reveal()).toBe('correct horse battery');
    expect(isSecret(s)).toBe(true);
    expect(isSecret({ reveal: () => 'x' })).toBe(false);
  });
});

describe('Redactor', () => {
  it('replaces every registered secret in text and secret query values in URLs', () => {
    // GIVEN a redactor that knows a token and a password
    const r = new Redactor();
    r.add('gAAAAABtoken-value');
    r.add(secret('pa55word!'));
    // WHEN text and URLs carrying them are redacted
    const text = r.text('refused token gAAAAABtoken-value for pa55word! twice: pa55word!');
    const url = r.url('https://u:pw@k.example/v3/x?password=abc&name=n&token=t');
    // THEN no secret remains, other values do
    expect(text).toBe('refused token *** for *** twice: ***');
    expect(url).toBe('https://u:***@k.example/v3/x?password=***&name=n&token=***');
  });
});
