import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ok } from 'neverthrow';
import { createHmac } from 'node:crypto';
import { canonicalJson } from '../../constructs/model/index.ts';
import { createPlan, decodePlan, encodePlan, planFileText, sha256Of, type Plan } from '../../plans/index.ts';
import { desiredState, liveState, tenant } from './fixtures.ts';
import { world, worldArb } from './worlds.ts';

function planOf(desired = desiredState(tenant({ members: { alice: ['admin'] } })), live = liveState([], { users: ['alice'] })): Plan {
  return createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://keystone.example/v3', region: 'RegionOne' }] });
}

/** Rewrites the JSON of a plan file without touching its checksum. */
function tamper(text: string, edit: (file: { formatVersion: unknown; checksum: unknown; plan: Record<string, unknown> }) => void): string {
  const file = JSON.parse(text);
  edit(file);
  return JSON.stringify(file);
}

describe('plan codec', () => {
  it('reads back exactly the plan it wrote, for any plan', () => {
    fc.assert(
      fc.property(worldArb, (x) => {
        // GIVEN a plan of random states
        const { desired, live } = world(x);
        const plan = planOf(desired, live);
        // WHEN written and read
        // THEN it is the same plan
        expect(decodePlan(encodePlan(plan))).toEqual(ok(plan));
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('writes in small chunks the very bytes of the plan file as one string, signed or not, for any plan', () => {
    /** The file as keyform wrote it as one string: the checksum and signature over the canonical text of the plan. */
    const oneString = (plan: Plan, key?: string): string => {
      const body = canonicalJson(plan);
      const signature = key === undefined ? '' : `,"signature":"hmac-sha256:${createHmac('sha256', key).update(body).digest('hex')}"`;
      return `{"formatVersion":2,"checksum":"${sha256Of(body)}"${signature},"plan":${body}}\n`;
    };
    fc.assert(
      fc.property(worldArb, fc.constantFrom(undefined, 'k1'), (x, key) => {
        // GIVEN a plan of random states
        const { desired, live } = world(x);
        const plan = planOf(desired, live);
        // WHEN written in chunks of 256, the header (of the length announced) once they are made
        const file = planFileText(plan, { key }, { chunkSize: 256 });
        expect(() => file.header()).toThrow(/once its body was read/);
        const chunks = [...file.body];
        // THEN header and chunks make the one-string file, byte for byte, no chunk longer than 1.5 chunks
        expect(file.header()).toHaveLength(file.headerLength);
        expect(file.header() + chunks.join('')).toBe(oneString(plan, key));
        expect(encodePlan(plan, { key })).toBe(oneString(plan, key));
        expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(384);
      }),
      { numRuns: 50 },
    );
  }, 120_000);

  it('reads back exactly the plan it wrote from the file\'s bytes, parsed in small pieces, for any plan', () => {
    fc.assert(
      fc.property(worldArb, (x) => {
        // GIVEN a plan of random states, signed
        const { desired, live } = world(x);
        const plan = planOf(desired, live);
        // WHEN its file's bytes are read in pieces of at most 256 bytes
        // THEN it is the same plan, checked with the key
        expect(decodePlan(Buffer.from(encodePlan(plan, { key: 'k1' })), { key: 'k1' }, { maxPiece: 256 })).toEqual(ok(plan));
      }),
      { numRuns: 50 },
    );
  }, 120_000);

  it('writes the same bytes for the same plan', () => {
    // GIVEN the same plan built twice
    // WHEN encoded, THEN the texts are equal
    expect(encodePlan(planOf())).toBe(encodePlan(planOf()));
  });

  it('accepts a re-indented file: the checksum covers the content, not the layout', () => {
    // GIVEN a plan file that someone pretty-printed
    const pretty = JSON.stringify(JSON.parse(encodePlan(planOf())), null, 4);
    // WHEN read, THEN it is the plan
    expect(decodePlan(pretty)).toEqual(ok(planOf()));
  });

  it.each([
    ['refuses text that is not JSON', () => '{"formatVersion":1,', 'plan-file-not-json', /not valid JSON/],
    ['refuses another format version, naming both and the writer', () => tamper(encodePlan(planOf()), (f) => { f.formatVersion = 3; f.plan['toolVersion'] = '9.0.0'; }), 'plan-format-version', /format version 3 \(written by keyform 9\.0\.0\), but this keyform reads version 2/],
    ['refuses a version 1 file, naming the keyform that wrote it', () => tamper(encodePlan(planOf()), (f) => { f.formatVersion = 1; f.plan['formatVersion'] = 1; f.plan['toolVersion'] = '0.0.9'; }), 'plan-format-version', /format version 1 \(written by keyform 0\.0\.9\), but this keyform reads version 2/],
    ['refuses a hand-edited plan', () => tamper(encodePlan(planOf()), (f) => { f.plan['applyable'] = false; }), 'plan-checksum-mismatch', /changed after keyform wrote it/],
    ['refuses a file without a checksum', () => tamper(encodePlan(planOf()), (f) => { delete f.checksum; }), 'plan-schema', /no checksum/],
    ['refuses something that is not a plan', () => '[1, 2]', 'plan-schema', /holds no object/],
  ])('%s, from its text or from its bytes in pieces', (_name, text, kind, message) => {
    for (const file of [text(), Buffer.from(text()), Buffer.from(`${text()}   `)]) {
      // GIVEN a damaged file WHEN read (bytes: in pieces of 16)
      const r = decodePlan(file, {}, { maxPiece: 16 });
      // THEN it fails with a clear message that says how to go on
      expect(r.isErr() && r.error.kind).toBe(kind);
      expect(r.isErr() && r.error.message).toMatch(message);
      expect(r.isErr() && r.error.message).toMatch(/keyform plan --out FILE/);
    }
  });

  it('with KEYFORM_PLAN_KEY, reads back a plan signed with the key and refuses one unsigned, re-signed with another key, or edited with a recomputed checksum', () => {
    // GIVEN a plan signed with the key
    const plan = planOf();
    const signed = encodePlan(plan, { key: 'k1' });
    // WHEN read with the same key THEN it is the plan
    expect(decodePlan(signed, { key: 'k1' })).toEqual(ok(plan));
    // AND an unsigned file, one signed with another key, and one edited (checksum recomputed, signature kept) are refused
    const edited = encodePlan({ ...plan, createdAt: '2030-01-01T00:00:00.000Z' });
    const withOldSignature = tamper(edited, (f) => Object.assign(f, { signature: (JSON.parse(signed) as { signature: string }).signature }));
    for (const text of [encodePlan(plan), encodePlan(plan, { key: 'k2' }), withOldSignature]) {
      expect(decodePlan(text, { key: 'k1' })._unsafeUnwrapErr().kind).toBe('plan-signature');
    }
    // AND without a key, a signed file reads as any other
    expect(decodePlan(signed)).toEqual(ok(plan));
  });

  it('refuses a file with a valid checksum but the wrong shape, naming the field', () => {
    // GIVEN a file whose checksum was recomputed over a broken plan
    const broken = { ...planOf(), platforms: [{ ...planOf().platforms[0]!, changes: [{ action: 'destroy' }] }] } as unknown as Plan;
    // WHEN written (bypassing nothing: the encoder trusts its caller's types) and read
    const r = decodePlan(encodePlan(broken));
    // THEN the schema error points at the field
    expect(r.isErr() && r.error.kind).toBe('plan-schema');
    expect(r.isErr() && r.error.message).toContain('plan.platforms[0].changes[0].kind: expected one of domain, project');
  });

  it("refuses a file with a valid checksum whose membership names a group id but no user id, naming the field", () => {
    // GIVEN a plan that removes bob from a group, with the user id taken out of the file (checksum recomputed)
    const plan = planOf(desiredState(tenant({ members: { alice: ['admin'] } })), liveState(tenant({ members: { alice: ['admin'], bob: ['admin'] } }), { users: ['alice', 'bob'] }));
    const index = plan.platforms[0]!.changes.findIndex((c) => c.kind === 'membership' && c.action === 'delete');
    const p0 = plan.platforms[0]!;
    const c = p0.changes[index]!;
    const { userId: _u, ...groupOnly } = c.before!.ids as { groupId: string; userId: string };
    const broken = { ...plan, platforms: [{ ...p0, changes: p0.changes.map((x, i) => (i === index ? { ...c, before: { ...c.before!, ids: groupOnly } } : x)) }] } as unknown as Plan;
    // WHEN written and read
    const r = decodePlan(encodePlan(broken));
    // THEN the schema error names the missing id before apply could send half a request
    expect(r.isErr() && r.error.kind).toBe('plan-schema');
    expect(r.isErr() && r.error.message).toContain(`plan.platforms[0].changes[${index}].before.ids.userId: expected a string, found undefined`);
  });

  it('refuses a file nested too deep, naming the path down to the first value too deep', () => {
    // GIVEN a file whose first change is an array nested 40 levels deep
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const text = `{"formatVersion":2,"checksum":"sha256:0","plan":{"platforms":[{"platform":"p","changes":[{"address":"a"},${deep}]}]}}`;
    // WHEN read, THEN the schema error spells out the path to it
    const r = decodePlan(text);
    expect(r.isErr() && r.error.kind).toBe('plan-schema');
    expect(r.isErr() && r.error.message).toContain(`plan.platforms[0].changes[1]${'[0]'.repeat(29)}: nested more than 32 levels deep`);
  });

  it('refuses to write a plan that holds a field named like a secret', () => {
    // GIVEN a plan into which a bug put a password
    const leaky = { ...planOf(), platforms: [{ ...planOf().platforms[0]!, password: 'x' }] } as unknown as Plan;
    // WHEN encoded, THEN it throws instead of writing it
    expect(() => encodePlan(leaky)).toThrow(/secret-named field at plan\.platforms\[0\]\.password/);
  });
});
