import { describe, expect, it } from 'vitest';
import { synthConfig } from '../../../constructs/index.ts';
import { configDir } from './quota-run.ts';

/** Bad quota input, as `keyform validate` and `keyform plan` meet it: every problem at once, each saying how to fix it. */
const platform = 'platform "os-prod" {\n  cloud = "c"\n  region = "r"\n  quota_backend = "service-apis"\n}\n';
const tenant = (quota: string): string =>
  `${platform}workspace "acme" {\n  project "web" {\n    tenant "os-prod" {\n      quota = { ${quota} }\n    }\n  }\n}\n`;

const CASES: readonly { name: string; quota: string; message: string; hint: string }[] = [
  { name: 'a negative value other than -1', quota: '"compute.cores" = -2', message: 'quota compute.cores is -2; use -1 for unlimited or a number ≥ 0', hint: 'write an integer, e.g. 20, or -1' },
  { name: 'a non-integer', quota: '"compute.ram" = 1.5', message: 'must be a whole number, not the number 1.5', hint: 'write a number without quotes' },
  { name: 'a quoted number', quota: '"compute.ram" = "512"', message: 'must be a whole number', hint: 'write a number without quotes' },
  { name: 'an unknown key', quota: '"compute.vcpus" = 4', message: 'unknown quota key "compute.vcpus"', hint: 'valid keys: compute.cores, compute.instances' },
  { name: 'a value over every service\'s maximum', quota: '"volume.gigabytes" = 3000000000', message: 'is 3000000000, above 2147483647, the largest limit nova, cinder, neutron and Keystone store', hint: 'or -1' },
];

describe('quota configuration errors', () => {
  for (const c of CASES) {
    it(`reports ${c.name} with the fix`, async () => {
      // GIVEN a tenant declaring it
      const dir = configDir({ 'a.hcl': tenant(c.quota) });
      // WHEN the configuration is synthesized
      const r = await synthConfig(dir);
      // THEN it fails with one problem that says what is wrong and how to fix it
      const problems = r._unsafeUnwrapErr().problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toContain(c.message);
      expect(problems[0]!.hint).toContain(c.hint);
    });
  }

  it('refuses a tag prefix that would own the tags recording keyform\'s quota keys', async () => {
    // GIVEN tag_prefix "keyform", which `keyform.quota=compute.cores` starts with
    const dir = configDir({ 'a.hcl': 'platform "os-prod" {\n  cloud = "c"\n  region = "r"\n  tag_prefix = "keyform"\n}\n' });
    // WHEN the configuration is synthesized
    const problems = (await synthConfig(dir))._unsafeUnwrapErr().problems;
    // THEN it fails, naming the reserved tags
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('tag_prefix "keyform" would cover the "keyform." tags keyform reserves')]);
  });

  it('lists every valid key when the key is unknown', async () => {
    // GIVEN an unknown key
    const dir = configDir({ 'a.hcl': tenant('"volume.iops" = 4') });
    // WHEN the configuration is synthesized
    const hint = (await synthConfig(dir))._unsafeUnwrapErr().problems[0]!.hint;
    // THEN the hint names all 25 keys
    expect(hint.split(': ')[1]!.split(', ')).toHaveLength(25);
  });
});
