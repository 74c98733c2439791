import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';

/**
 * The folder rules of the design (constructs ← plans ← engine; plans/ pure; no cycles
 * between engine folders), as written in .dependency-cruiser.cjs, checked on the sources,
 * and on a fixture that breaks each rule once, so that the check is seen to fail.
 */

const CONFIG = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;

/** A rule broken, as `rule: from → to` (folder names for folder rules, module paths otherwise). */
async function violations(baseDir: string, folders: readonly string[]): Promise<string[]> {
  const ran = await cruise([...folders], { ...CONFIG.options, baseDir: resolve(baseDir), validate: true, ruleSet: { forbidden: CONFIG.forbidden ?? [] } });
  const result = ran.output as ICruiseResult;
  expect(result.summary.totalCruised).toBeGreaterThan(0);
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe('the folder rules', { timeout: 120_000 }, () => {
  it('hold for constructs/, plans/ and engine/', async () => {
    // WHEN the sources are cruised with the project's rules
    const found = await violations('.', ['constructs', 'plans', 'engine']);
    // THEN nothing breaks them
    expect(found).toEqual([]);
  });

  it('catch each kind of violation in a fixture that breaks every rule once', async () => {
    // GIVEN test/architecture/fixture: constructs → plans (type-only), plans → engine and node:fs, engine/a ⇄ engine/b,
    // engine/snapshot → engine/quota past its interface and engine/quota → engine/snapshot
    // WHEN it is cruised with the same rules
    const found = await violations('test/architecture/fixture', ['constructs', 'plans', 'engine']);
    // THEN exactly those are reported; node:crypto in plans/, imports of constructs/ and of quota-backend.ts are not
    expect(found).toEqual([
      'constructs-import-no-plans-or-engine: constructs/model.ts → plans/plan.ts',
      'no-cycles-between-engine-folders: engine/a → engine/b',
      'no-cycles-between-engine-folders: engine/b → engine/a',
      'no-cycles-between-engine-folders: engine/quota → engine/snapshot',
      'no-cycles-between-engine-folders: engine/snapshot → engine/quota',
      'plans-are-pure: plans/plan.ts → fs',
      'plans-import-no-engine: plans/plan.ts → engine/a/run.ts',
      'quota-imports-no-snapshot: engine/quota/read-limits.ts → engine/snapshot/view.ts',
      'snapshot-reads-quotas-through-quota-backend: engine/snapshot/snapshot.ts → engine/quota/read-limits.ts',
    ]);
  });
});
