import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { buildApp, synth, indentedCanonicalJson, fileSource, type ParsedDocument } from '../../../constructs/index.ts';

type Doc = Record<string, Record<string, unknown>>;

const ROLES = ['admin', 'reader', 'user'] as const;
const QUOTA_KEYS = ['compute.cores', 'compute.ram', 'volume.gigabytes', 'network.floatingip'] as const;
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
const tags = fc.dictionary(fc.stringMatching(/^[a-z][a-z_]{0,6}$/), fc.stringMatching(/^[a-z0-9-]{0,8}$/), { maxKeys: 3 });
const quota = fc.dictionary(fc.constantFrom(...QUOTA_KEYS), fc.integer({ min: -1, max: 1000 }), { maxKeys: 3 });

/** A valid config document in the canonical (YAML/JSON) shape: unique ids, references that resolve. */
const configDoc: fc.Arbitrary<Doc> = fc
  .record({
    platforms: fc.uniqueArray(fc.constantFrom('os-a', 'os-b', 'os-c'), { minLength: 1, maxLength: 3 }),
    perWorkspace: fc.boolean(),
    zones: fc.uniqueArray(label, { maxLength: 3 }),
    zoneQuota: quota,
    workspaces: fc.uniqueArray(fc.record({ id: label, tags, projects: fc.uniqueArray(label, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 4, selector: (w) => w.id }),
    users: fc.uniqueArray(fc.record({ euid: fc.emailAddress(), roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1 }) }), { maxLength: 3, selector: (u) => u.euid }),
    tenantQuota: quota,
    pick: fc.nat(),
  })
  .map(({ platforms, perWorkspace, zones, zoneQuota, workspaces, users, tenantQuota, pick }) => {
    const platform: Record<string, unknown> = {};
    platforms.forEach((p, i) => (platform[p] = { cloud: p, region: 'RegionOne', domain_per_workspace: perWorkspace && i === 0, tag_prefix: `t${i}_` }));
    const landing_zone: Record<string, unknown> = {};
    zones.forEach((z, i) => (landing_zone[z] = { platform: platforms[i % platforms.length], quota: zoneQuota, tags: { zone: z } }));
    const workspace: Record<string, unknown> = {};
    workspaces.forEach((w, wi) => {
      const project: Record<string, unknown> = {};
      w.projects.forEach((p, pi) => {
        const tenant: Record<string, unknown> = {};
        platforms.slice(0, 1 + ((wi + pi + pick) % platforms.length)).forEach((on) => {
          const zone = zones.find((_, i) => platforms[i % platforms.length] === on && (pick + pi) % 2 === 0);
          tenant[on] = { ...(zone ? { landing_zone: zone } : {}), quota: tenantQuota };
        });
        project[p] = { tenant, user: Object.fromEntries(users.map((u) => [u.euid, { roles: u.roles }])) };
      });
      workspace[w.id] = { name: `Workspace ${w.id}`, tags: w.tags, project };
    });
    return { platform, landing_zone, workspace };
  });

/** The same data with every map's keys in an order drawn from `seed`, split over two files. */
function reorder(doc: Doc, seed: number): ParsedDocument[] {
  let s = seed >>> 0 || 1;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const shuffle = (v: unknown): unknown => {
    if (Array.isArray(v) || v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v).sort(() => (next() % 3) - 1);
    return Object.fromEntries(entries.map(([k, x]) => [k, shuffle(x)]));
  };
  const files: [Doc, Doc] = [{}, {}];
  for (const [type, blocks] of Object.entries(shuffle(doc) as Doc)) {
    for (const [id, body] of Object.entries(blocks)) ((files[next() % 2]![type] ??= {}) as Record<string, unknown>)[id] = body;
  }
  return files.map((value, i) => ({ file: `f${(seed + i) % 2}.yaml`, format: 'yaml', value, source: fileSource(`f${(seed + i) % 2}.yaml`), problems: [] }));
}

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
