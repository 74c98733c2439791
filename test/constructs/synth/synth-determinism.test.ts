import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildApp, synth, indentedCanonicalJson, type ParsedDocument } from '../../../constructs/index.ts';
import { configDoc, reorder } from './config-arbitrary.ts';

const synthDocs = (docs: ParsedDocument[]) => synth(buildApp(docs)).map(indentedCanonicalJson);

describe('synth determinism', () => {
  it('gives the same bytes for the same config, whatever the declaration and file order', () => {
    fc.assert(
      fc.property(configDoc, fc.integer(), fc.integer(), (doc, seedA, seedB) => {
        // GIVEN one valid config, declared in two different orders and file splits
        // WHEN each is synthesized
        const a = synthDocs(reorder(doc, seedA));
        const b = synthDocs(reorder(doc, seedB));
        // THEN both succeed with identical output
        expect(a.isOk()).toBe(true);
        expect(b._unsafeUnwrap()).toBe(a._unsafeUnwrap());
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('sorts every platform’s resources by address, with no address twice', () => {
    fc.assert(
      fc.property(configDoc, fc.integer(), (doc, seed) => {
        // GIVEN any valid config
        const out = synth(buildApp(reorder(doc, seed)))._unsafeUnwrap();
        // THEN addresses are strictly increasing in every desired state
        for (const p of out.platforms) {
          const addresses = p.resources.map((r) => r.address);
          expect(addresses.every((a, i) => i === 0 || addresses[i - 1]! < a)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
