import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderProblem, synthConfig } from '../../../constructs/index.ts';

const platform = 'platform "os-prod" {\n  cloud  = "prod"\n  region = "RegionOne"\n}\n';
const metering = (currency: string) => `metering "os-prod" {\n  interval = "5m"\n  currency = ${currency}\n  prices   = { "floatingip.hour" = 0.005 }\n}\n`;

async function synth(hcl: string) {
  const dir = await mkdtemp(join(tmpdir(), 'kf-metering-config-'));
  await writeFile(join(dir, 'a.hcl'), hcl);
  return synthConfig(dir);
}

describe('metering block currency', () => {
  it('carries an ISO 4217 currency into the metering settings', async () => {
    // GIVEN a metering block in EUR WHEN synthesized THEN the settings name EUR
    const r = (await synth(platform + metering('"EUR"')))._unsafeUnwrap();
    expect(r.output.metering['os-prod']!.currency).toBe('EUR');
  });

  it.each([
    ['"euro"', 'is not an ISO 4217 code'],
    ['"EUX"', 'is not an ISO 4217 currency'],
  ])('reports currency %s at its line, saying how to write one', async (value, fragment) => {
    // GIVEN a currency that is not an ISO 4217 code WHEN synthesized
    const r = await synth(platform + metering(value));
    // THEN the problem is at the currency's file:line and says what to write
    const lines = r._unsafeUnwrapErr().problems.map((p) => renderProblem({ ...p, file: basename(p.file) }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^a\.hcl:7:14: /);
    expect(lines[0]).toContain(fragment);
    expect(lines[0]).toContain('"EUR"');
  });
});
