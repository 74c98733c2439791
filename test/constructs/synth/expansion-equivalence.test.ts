import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  buildApp, canonicalJson, loadConfig, synth, KeystoneResource, type KeyformApp, type ParsedDocument, type SynthOptions,
} from '../../../constructs/index.ts';
import { configDoc, reorder, type Doc } from './config-arbitrary.ts';

/** What a synth gives, comparable as a whole: the output's bytes, or every problem. */
function synthesized(app: KeyformApp, opts: SynthOptions) {
  return synth(app, opts).match(
    (out) => ({ output: canonicalJson(out) }),
    (e) => ({ problems: e.problems }),
  );
}

/** The number of L1 constructs in a tree. */
const l1Nodes = (app: KeyformApp) => app.node.findAll().filter((c) => KeystoneResource.isKeystoneResource(c)).length;

/** The same config built twice, synthesized as plain records and into the tree. */
function bothWays(build: () => KeyformApp) {
  const plain = build();
  const tree = build();
  const records = synthesized(plain, {});
  const constructs = synthesized(tree, { expandInto: 'tree' });
  return { records, constructs, plainNodes: l1Nodes(plain), treeNodes: l1Nodes(tree) };
}

const resourceCount = (json: string) => (JSON.parse(json) as { platforms: { resources: unknown[] }[] }).platforms.reduce((n, p) => n + p.resources.length, 0);

/**
 * Mistakes the expansion finds on both paths: every workspace's projects render one project
 * name (a collision per workspace with two projects), and every group name is over
 * Keystone's 64 characters.
 */
function withBadPatterns(doc: Doc): Doc {
  const platform = Object.fromEntries(
    Object.entries(doc.platform!).map(([id, p]) => [id, { ...(p as object), project_name_pattern: '#{workspaceIdentifier}', group_name_pattern: `#{projectIdentifier}-#{platformGroupAlias}-${'x'.repeat(64)}` }]),
  );
  return { ...doc, platform };
}

describe('plain-record and construct expansion', () => {
  it.each(['hcl', 'yaml', 'json', 'ts'])('give the same synth output for examples/%s', async (format) => {
    // GIVEN the example config, loaded twice into two trees
    const load = async () => (await loadConfig(`examples/${format}`))._unsafeUnwrap().app;
    const [plain, tree] = [await load(), await load()];
    expect(tree).not.toBe(plain);
    // WHEN one is synthesized into plain records and the other into L1 constructs
    const records = synthesized(plain, {});
    const constructs = synthesized(tree, { expandInto: 'tree' });
    // THEN the bytes are the same; only the second tree holds a construct per Keystone object
    expect(constructs).toEqual(records);
    expect('output' in records && resourceCount(records.output)).toBeGreaterThan(10);
    expect(l1Nodes(plain)).toBe(0);
    expect('output' in records && l1Nodes(tree)).toBe('output' in records && resourceCount(records.output));
  }, 60_000);

  it('give the same synth output for random valid configs', () => {
    fc.assert(
      fc.property(configDoc, fc.integer(), (doc, seed) => {
        // GIVEN any valid config
        const docs: ParsedDocument[] = reorder(doc, seed);
        // WHEN it is synthesized both ways
        const r = bothWays(() => buildApp(docs));
        // THEN the output is the same bytes, and the tree holds one L1 construct per resource
        expect('output' in r.records).toBe(true);
        expect(r.constructs).toEqual(r.records);
        expect(r.plainNodes).toBe(0);
        expect(r.treeNodes).toBe('output' in r.records ? resourceCount(r.records.output) : -1);
      }),
      { numRuns: 100 },
    );
  }, 120_000);

  it('report the same problems for random configs whose rendered names clash or are too long', () => {
    fc.assert(
      fc.property(configDoc, fc.integer(), (doc, seed) => {
        // GIVEN a config whose patterns render group names over 64 characters and one project name per workspace
        const docs = reorder(withBadPatterns(doc), seed);
        // WHEN it is synthesized both ways
        const r = bothWays(() => buildApp(docs));
        // THEN both fail with the same located problems
        expect('problems' in r.records && r.records.problems.some((p) => p.message.includes('characters long'))).toBe(true);
        expect(r.constructs).toEqual(r.records);
      }),
      { numRuns: 50 },
    );
  }, 120_000);
});
