import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { synthConfig, renderProblem } from '../../../constructs/index.ts';
import { main } from '../../../engine/cli/main.ts';

/** A platform block; `extra` lines go after `region` (line 4 onwards). */
const platform = (extra = '', id = 'os-prod') => `platform "${id}" {\n  cloud  = "prod"\n  region = "RegionOne"\n${extra}}\n`;
/** A workspace with one project and one tenant; `tenant` lines go inside the tenant block (line 4 onwards). */
const workspace = (tenant = '', rest = '', id = 'acme') =>
  `workspace "${id}" {\n  project "webshop" {\n    tenant "os-prod" {\n${tenant}    }\n${rest}  }\n}\n`;

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  /** Each expected problem: `file:line:col` and a fragment of its message or hint. */
  readonly expect: readonly (readonly [string, string])[];
}

const CASES: readonly Case[] = [
  // syntax errors
  { name: 'HCL: an attribute without a value', files: { 'a.hcl': 'platform "os-prod" {\n  cloud =\n}\n' }, expect: [['a.hcl:2:10', 'syntax error: Invalid expression']] },
  { name: 'HCL: an unclosed block', files: { 'a.hcl': 'platform "os-prod" {\n  cloud = "prod"\n' }, expect: [['a.hcl:1:20', 'syntax error: Unclosed configuration block']] },
  { name: 'HCL: a string split over lines', files: { 'a.hcl': 'platform "os-prod" {\n  cloud = "pr\nod"\n}\n' }, expect: [['a.hcl:2:14', 'syntax error: Invalid multi-line string'], ['a.hcl:2:14', 'syntax error: Unterminated template string']] },
  { name: 'YAML: a nested mapping on one line', files: { 'a.yaml': 'platform:\n  os-prod: cloud: prod\n' }, expect: [['a.yaml:2:12', 'syntax error: Nested mappings are not allowed']] },
  { name: 'YAML: a key twice in one map', files: { 'a.yaml': 'workspace:\n  acme: {}\n  acme: {}\n' }, expect: [['a.yaml:3:3', 'syntax error: Map keys must be unique']] },
  { name: 'JSON: a trailing comma', files: { 'a.json': '{\n  "workspace": {\n    "acme": {},\n  }\n}\n' }, expect: [['a.json:4:3', 'syntax error']] },
  { name: 'JSON: a key twice in one object', files: { 'a.json': '{\n  "workspace": { "acme": {}, "acme": {} }\n}\n' }, expect: [['a.json:2:30', 'Map keys must be unique']] },
  // unknown keys, wrong types, missing keys
  { name: 'HCL: an unknown key with a near miss', files: { 'a.hcl': platform('  colud_name = "x"\n') }, expect: [['a.hcl:4:3', 'unknown key "colud_name" in platform "os-prod"']] },
  { name: 'YAML: an unknown key in a tenant', files: { 'a.hcl': platform(), 'b.yaml': 'workspace:\n  acme:\n    project:\n      webshop:\n        tenant:\n          os-prod:\n            landingzone: standard\n' }, expect: [['b.yaml:7:13', 'did you mean "landing_zone"?']] },
  { name: 'JSON: an unknown top-level key', files: { 'a.json': '{\n  "workspaces": {}\n}\n' }, expect: [['a.json:2:3', 'unknown key "workspaces" in config (did you mean "workspace"?']] },
  { name: 'HCL: a number where a string belongs', files: { 'a.hcl': 'platform "os-prod" {\n  cloud  = "prod"\n  region = 5\n}\n' }, expect: [['a.hcl:3:12', 'platform.os-prod.region must be a string, not the number 5']] },
  { name: 'YAML: a quoted boolean', files: { 'a.yaml': 'platform:\n  os-prod:\n    cloud: prod\n    region: r\n    domain_per_workspace: "yes"\n' }, expect: [['a.yaml:5:27', 'must be true or false, not the string "yes"']] },
  { name: 'HCL: a string where a list of roles belongs', files: { 'a.hcl': platform() + workspace('', '    user "alice@acme.example" { roles = "admin" }\n') }, expect: [['a.hcl:9:41', 'roles must be a list of strings']] },
  { name: 'HCL: a required key missing', files: { 'a.hcl': 'platform "os-prod" {\n  cloud = "prod"\n}\n' }, expect: [['a.hcl:1:10', 'platform "os-prod" is missing the required key "region"']] },
  { name: 'HCL: an empty limits_cloud', files: { 'a.hcl': 'platform "os-prod" {\n  region       = "RegionOne"\n  limits_cloud = ""\n}\n' }, expect: [['a.hcl:3:18', 'platform "os-prod": limits_cloud is empty']] },
  { name: 'HCL: an expression instead of a literal', files: { 'a.hcl': 'platform "os-prod" {\n  cloud  = var.cloud\n  region = "RegionOne"\n}\n' }, expect: [['a.hcl:2:12', 'is an HCL expression (${var.cloud})']] },
  { name: 'HCL: a block without its label', files: { 'a.hcl': 'platform {\n  cloud = "prod"\n}\n' }, expect: [['a.hcl:1:1', 'platform block without a label']] },
  { name: 'YAML: a deletion policy that is not one', files: { 'a.hcl': platform(), 'b.yaml': 'workspace:\n  acme:\n    project:\n      webshop:\n        tenant:\n          os-prod: { deletion_policy: destroy }\n' }, expect: [['b.yaml:6:39', 'is "destroy", which is not one of "delete", "retain"']] },
  // duplicate identifiers
  { name: 'HCL: a workspace declared twice in one file', files: { 'a.hcl': platform() + 'workspace "acme" {}\nworkspace "acme" {}\n' }, expect: [['a.hcl:5:11', 'workspace "acme" is declared 2 times in this file (a.hcl:5:11, a.hcl:6:11)']] },
  { name: 'a platform declared in two files', files: { 'a.hcl': platform(), 'b.yaml': 'platform:\n  os-prod: { cloud: prod, region: r }\n' }, expect: [['b.yaml:2:3', 'platform "os-prod" is declared twice: at a.hcl:1:10 and here']] },
  { name: 'HCL: a user bound twice with the same role', files: { 'a.hcl': platform() + workspace('', '    user "bob@acme.example" { roles = ["user", "user"] }\n') }, expect: [['a.hcl:9:48', 'role "user" is listed twice']] },
  // bad patterns, names too long, colliding names
  { name: 'an unknown placeholder', files: { 'a.hcl': platform('  project_name_pattern = "#{workspaceIdentifier}.#{project}"\n') }, expect: [['a.hcl:4:26', '"#{project}" is not a placeholder']] },
  { name: 'a printf spec that is not supported', files: { 'a.hcl': platform('  project_name_pattern = "#{projectIdentifier:%7x}"\n') }, expect: [['a.hcl:4:26', '"%7x" is not a supported format']] },
  { name: 'a number format on a text placeholder', files: { 'a.hcl': platform('  project_name_pattern = "#{projectIdentifier:%03d}"\n') }, expect: [['a.hcl:4:26', 'projectIdentifier is text; use %s']] },
  { name: 'a placeholder not available in the domain pattern', files: { 'a.hcl': platform('  domain_name_pattern = "#{projectIdentifier}"\n') }, expect: [['a.hcl:4:25', '"#{projectIdentifier}" is not available in this pattern']] },
  { name: 'a group pattern without the role alias', files: { 'a.hcl': platform('  group_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}"\n') }, expect: [['a.hcl:4:24', 'does not use #{platformGroupAlias}']] },
  { name: 'a rendered project name longer than 64 characters', files: { 'a.hcl': platform('  project_name_pattern = "customer-#{workspaceIdentifier}-project-#{projectIdentifier}-in-the-production-region-of-the-cloud"\n') + workspace() }, expect: [['a.hcl:8:12', 'project name "customer-acme-project-webshop-in-the-production-region-of-the-cloud" is 67 characters long']] },
  { name: 'a rendered group name longer than 64 characters', files: { 'a.hcl': platform() + workspace('', '', 'a-workspace-with-a-really-long-identifier-for-groups') }, expect: [
    ['a.hcl:7:12', 'group name "a-workspace-with-a-really-long-identifier-for-groups.webshop-admin" is 66 characters long; Keystone allows at most 64'],
    ['a.hcl:7:12', 'group name "a-workspace-with-a-really-long-identifier-for-groups.webshop-reader" is 67'],
    ['a.hcl:7:12', 'group name "a-workspace-with-a-really-long-identifier-for-groups.webshop-user" is 65'],
  ] },
  { name: '#{tenantPlatformNumber} for a tenant without platform_number', files: { 'a.hcl': platform('  project_name_pattern = "p#{tenantPlatformNumber:%03d}"\n') + workspace() }, expect: [['a.hcl:8:12', 'has no platform_number']] },
  { name: 'two tenants rendering the same project name', files: { 'a.hcl': platform('  project_name_pattern = "#{workspaceIdentifier}-#{projectIdentifier:%.3s}"\n') + 'workspace "acme" {\n  project "webshop" {\n    tenant "os-prod" {}\n  }\n  project "website" {\n    tenant "os-prod" {}\n  }\n}\n' }, expect: [['a.hcl:11:12', 'project name "acme-web" in domain "default" on platform "os-prod" is rendered for 2 tenants: tenant acme.webshop (a.hcl:8:12) and tenant acme.website (a.hcl:11:12)']] },
  { name: 'two workspaces rendering the same domain name', files: { 'a.hcl': platform('  domain_per_workspace = true\n  domain_name_pattern = "ws-#{workspaceIdentifier:%.4s}"\n') + workspace('', '', 'acme-one') + workspace('', '', 'acme-two') }, expect: [['a.hcl:13:11', 'domain name "ws-acme" on platform "os-prod" is rendered for 2 workspaces: workspace acme-one (a.hcl:7:11) and workspace acme-two (a.hcl:13:11)']] },
  { name: 'an identifier that is not a DNS label', files: { 'a.hcl': platform() + workspace('', '', 'ACME_Corp') }, expect: [['a.hcl:5:11', 'workspace "ACME_Corp": identifier must be a lower-case DNS label']] },
  // bad tags
  { name: 'a tag key with "/"', files: { 'a.hcl': platform() + 'workspace "acme" {\n  tags = { "team/web" = "x" }\n}\n' }, expect: [['a.hcl:6:12', `tag "team/web=x" contains '/'`]] },
  { name: 'a tag value with ","', files: { 'a.yaml': 'platform: { os-prod: { cloud: c, region: r } }\nworkspace:\n  acme:\n    tags: { owners: "ann,bob" }\n' }, expect: [['a.yaml:4:13', `tag "owners=ann,bob" contains ','`]] },
  { name: 'a tag key with "="', files: { 'a.hcl': platform() + 'workspace "acme" {\n  tags = { "a=b" = "c" }\n}\n' }, expect: [['a.hcl:6:12', 'key "a=b" contains "="']] },
  { name: 'a number as a tag value', files: { 'a.hcl': platform() + 'workspace "acme" {\n  tags = { cost_center = 42 }\n}\n' }, expect: [['a.hcl:6:26', 'workspace.acme.tags.cost_center must be a string, not the number 42']] },
  { name: 'an empty tag prefix', files: { 'a.hcl': platform('  tag_prefix = ""\n') }, expect: [['a.hcl:4:16', 'tag_prefix is empty']] },
  { name: 'a tag prefix in the marker namespace', files: { 'a.hcl': platform('  tag_prefix = "keyform.x_"\n') }, expect: [['a.hcl:4:16', 'reserves for its ownership markers']] },
  // unknown roles
  { name: 'a bound role that no mapping has', files: { 'a.hcl': platform() + workspace('', '    user "alice@acme.example" { roles = ["admin", "owner"] }\n') }, expect: [['a.hcl:9:51', 'role "owner" is not in the role mapping of platform "os-prod" (mapped roles: admin, reader, user)']] },
  { name: 'a user without roles', files: { 'a.yaml': 'platform: { os-prod: { cloud: c, region: r } }\nworkspace:\n  acme:\n    project:\n      webshop:\n        user:\n          bob@acme.example: { roles: [] }\n' }, expect: [['a.yaml:7:38', 'user "bob@acme.example" has no roles']] },
  { name: 'a role alias that is not a name', files: { 'a.hcl': platform('  role_mapping = { "Power User" = "member" }\n') }, expect: [['a.hcl:4:20', 'role alias "Power User" must start with a-z']] },
  // quotas
  { name: 'a quota key that does not exist', files: { 'a.hcl': platform() + 'landing_zone "standard" {\n  platform = "os-prod"\n  quota    = { "compute.vcpus" = 20 }\n}\n' }, expect: [['a.hcl:7:16', 'unknown quota key "compute.vcpus"']] },
  { name: 'a quota below -1', files: { 'a.hcl': platform() + workspace('      quota = { "volume.gigabytes" = -5 }\n') }, expect: [['a.hcl:8:38', 'quota volume.gigabytes is -5; use -1 for unlimited']] },
  { name: 'a fractional quota', files: { 'a.yaml': 'platform: { os-prod: { cloud: c, region: r } }\nlanding_zone:\n  standard: { platform: os-prod, quota: { compute.ram: 1.5 } }\n' }, expect: [['a.yaml:3:56', 'must be a whole number, not the number 1.5']] },
  { name: 'a quota the unified-limits backend cannot hold', files: { 'a.hcl': platform() + workspace('      quota = { "loadbalancer.pool" = 4 }\n') }, expect: [['a.hcl:8:17', 'quota loadbalancer.pool has no Keystone unified limit']] },
  // references
  { name: 'a tenant on an unknown platform', files: { 'a.hcl': platform() + 'workspace "acme" {\n  project "webshop" {\n    tenant "os-prd" {}\n  }\n}\n' }, expect: [['a.hcl:7:12', 'unknown platform "os-prd" (did you mean "os-prod"?']] },
  { name: 'a tenant with an unknown landing zone', files: { 'a.hcl': platform() + workspace('      landing_zone = "standrad"\n') }, expect: [['a.hcl:8:22', 'unknown landing zone "standrad"']] },
  { name: "a landing zone of another platform", files: { 'a.hcl': platform() + platform('', 'os-test') + 'landing_zone "test" {\n  platform = "os-test"\n}\n' + workspace('      landing_zone = "test"\n') }, expect: [['a.hcl:15:22', 'landing zone "test" belongs to platform "os-test"']] },
  { name: 'metering for an unknown platform with a bad store', files: { 'a.yaml': 'platform: { os-prod: { cloud: c, region: r } }\nmetering:\n  os-prd:\n    store: mysql://db\n' }, expect: [['a.yaml:3:3', 'metering block: unknown platform "os-prd"'], ['a.yaml:4:12', 'store "mysql://db" is not a store URL']] },
];

async function problemsOf(files: Readonly<Record<string, string>>): Promise<{ dir: string; lines: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'keyform-bad-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const result = await synthConfig(dir);
  const lines = result.isErr() ? result.error.problems.map((p) => renderProblem({ ...p, file: basename(p.file) })) : [];
  return { dir, lines: lines.map((l) => l.replaceAll(`${dir}/`, '')) };
}

// Generous timeouts: the first HCL file of a process compiles hcl2json's WebAssembly parser.
describe('bad input', { timeout: 60_000 }, () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s is reported with its location', async (_name, c) => {
    // GIVEN a config with one mistake
    // WHEN it is loaded and synthesized
    const { lines } = await problemsOf(c.files);
    // THEN exactly the expected problems are reported, each at its file:line:col
    expect(lines).toHaveLength(c.expect.length);
    c.expect.forEach(([at, fragment], i) => {
      expect(lines[i]).toMatch(new RegExp(`^${at.replace(/\./g, '\\.')}: `));
      expect(lines[i]).toContain(fragment);
    });
  });

  it('reports every problem of every file at once, sorted by file and line', async () => {
    // GIVEN two files with two problems each
    const files = {
      'a.hcl': platform('  colour = "x"\n  tag_prefix = ""\n'),
      'b.yaml': 'workspace:\n  acme:\n    tags: { x: 1 }\n    nmae: ACME\n',
    };
    // WHEN loaded
    const { lines } = await problemsOf(files);
    // THEN all four are reported, in order
    expect(lines.map((l) => l.split(': ')[0])).toEqual(['a.hcl:4:3', 'a.hcl:5:16', 'b.yaml:3:16', 'b.yaml:4:5']);
  });

  it("reports a TypeScript program's problems at the line that created the construct", async () => {
    // GIVEN a keyform.config.ts (in an ESM package) declaring a workspace with a bad identifier on line 3
    const dir = await mkdtemp(join(tmpdir(), 'keyform-ts-bad-'));
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    const constructs = JSON.stringify(join(process.cwd(), 'constructs/index.ts'));
    await writeFile(join(dir, 'keyform.config.ts'), `import { KeyformApp, Workspace } from ${constructs};\nconst app = new KeyformApp();\nnew Workspace(app, 'Bad_Id');\nexport default app;\n`);
    // WHEN the real CLI validates it (a separate process: vitest's own stack-trace mapping would hide the program's lines)
    const run = spawnSync(process.execPath, ['engine/cli/keyform.mjs', 'validate', '--config', dir], { encoding: 'utf8' });
    // THEN it fails, naming the program's file, line and column
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${join(dir, 'keyform.config.ts')}:3:1: workspace "Bad_Id": identifier must be a lower-case DNS label`);
  });

  it.each([['validate'], ['synth', '--format', 'json']])('the CLI `%s` exits 1 and writes nothing to stdout for a bad config', async (...command) => {
    // GIVEN a config with a syntax error and an unknown key
    const dir = await mkdtemp(join(tmpdir(), 'keyform-cli-'));
    await writeFile(join(dir, 'a.hcl'), platform('  colour = "x"\n'));
    await writeFile(join(dir, 'b.yaml'), 'platform: [\n');
    const out: string[] = [];
    const err: string[] = [];
    // WHEN the command runs
    const code = await main([...command, '--config', dir], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, env: {}, cwd: process.cwd() });
    // THEN it fails, stdout is empty and stderr has both problems with locations
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toMatch(/a\.hcl:4:3: unknown key "colour"/);
    expect(err.join('')).toMatch(/b\.yaml:\d+:\d+: syntax error/);
  });
});
