import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, renderProblem, synth, type KeyformApp } from '../../../constructs/index.ts';
import { blockDesired, decodeBlockInputs } from '../../../engine/block/index.ts';

/** examples/hcl: platform os-prod (a domain per workspace), landing zones, and workspaces acme and globex. */
async function exampleConfig(): Promise<KeyformApp> {
  return (await loadConfig('examples/hcl'))._unsafeUnwrap().app;
}

const inputs = (users: string, tenant = '{ "landing_zone": "production", "quota": { "compute.cores": 12 } }', platform = 'os-prod') => decodeBlockInputs('inputs.json', [
  '{',
  `  "platform": "${platform}",`,
  '  "workspace": { "identifier": "initech", "name": "Initech", "tags": { "cost_center": "cc-9" } },',
  '  "project": { "identifier": "tps" },',
  `  "tenant": ${tenant},`,
  `  "user_permissions": ${users}`,
  '}',
].join('\n'))._unsafeUnwrap();

describe('blockDesired', () => {
  it('builds the one tenant of the inputs on the configured platform, and nothing the configuration declares besides', async () => {
    // GIVEN the example configuration (with workspaces acme and globex) and inputs for initech.tps
    const users = '[{ "euid": "peter@initech.example", "roles": ["admin", "user"] }]';
    // WHEN the block's desired state is built
    const b = blockDesired(await exampleConfig(), inputs(users))._unsafeUnwrap();
    // THEN it holds initech's domain and the tenant's objects only, with the landing zone and the override applied
    expect(b.settings.id).toBe('os-prod');
    expect(b.settings.domains).toEqual(['kf-initech']);
    const addresses = b.desired.resources.map((r) => r.address);
    expect(addresses.every((a) => a.includes('"os-prod/initech')) && addresses.length > 0).toBe(true);
    expect(addresses).toContain('keyform_domain.workspace["os-prod/initech"]');
    expect(addresses).toContain('keyform_group_membership.member["os-prod/initech/tps/admin/peter@initech.example"]');
    const cores = b.desired.resources.find((r) => r.kind === 'quota' && r.key.quotaKey === 'compute.cores');
    const ram = b.desired.resources.find((r) => r.kind === 'quota' && r.key.quotaKey === 'compute.ram');
    expect([cores?.attrs, ram?.attrs]).toEqual([{ value: 12, backend: 'unified-limits' }, { value: 262144, backend: 'unified-limits' }]);
    const project = b.desired.resources.find((r) => r.kind === 'project');
    expect(project?.kind === 'project' && project.attrs.tags).toEqual(expect.arrayContaining(['kf_cost_center=cc-9', 'kf_environment=prod']));
  });

  it('points problems of the inputs at their line in the inputs file', async () => {
    // GIVEN a role the platform does not map, on the user on line 6
    const users = '[{ "euid": "peter@initech.example", "roles": ["boss"] }]';
    // WHEN the block's desired state is built
    const e = blockDesired(await exampleConfig(), inputs(users))._unsafeUnwrapErr();
    // THEN the problem is located in inputs.json, on that line
    expect(e.kind).toBe('config-error');
    const lines = e.kind === 'config-error' ? e.problems.map(renderProblem) : [];
    expect(lines).toEqual([expect.stringMatching(/^inputs\.json:6:\d+: .*"boss"/)]);
  });

  it('builds examples/block/inputs.json against the example configuration', async () => {
    // GIVEN the example inputs
    const text = readFileSync('examples/block/inputs.json', 'utf8');
    // WHEN they are decoded and built
    const b = blockDesired(await exampleConfig(), decodeBlockInputs('examples/block/inputs.json', text)._unsafeUnwrap())._unsafeUnwrap();
    // THEN the tenant initech.tps-reports binds both users
    const members = b.desired.resources.flatMap((r) => (r.kind === 'membership' ? [`${r.key.role}:${r.key.euid}`] : []));
    expect(members).toEqual(['admin:peter@initech.example', 'reader:milton@initech.example', 'user:milton@initech.example']);
  });

  it('names the configured platforms when the inputs name another', async () => {
    // GIVEN inputs for platform os-dev, which the example does not declare
    // WHEN the block's desired state is built
    const e = blockDesired(await exampleConfig(), inputs('[]', '{}', 'os-dev'))._unsafeUnwrapErr();
    // THEN the error says which platforms there are
    expect(e).toMatchObject({ kind: 'unknown-platform', platform: 'os-dev' });
    expect(e.message).toContain('it declares os-prod');
  });

  it('gives the tenant the same platform settings as the configuration declares, every one of them', async () => {
    // GIVEN a platform that sets every setting away from its default, and the same tenant declared in the configuration
    const dir = mkdtempSync(join(tmpdir(), 'keyform-block-app-'));
    writeFileSync(join(dir, 'main.hcl'), [
      'platform "os-x" {',
      '  cloud = "x"', '  metering_cloud = "x-metering"', '  limits_cloud = "x-system"', '  region = "RegionTwo"', '  user_domain = "users"',
      '  domain = "shared"', '  domain_per_workspace = true', '  domain_name_pattern = "d-#{workspaceIdentifier}"',
      '  project_name_pattern = "p-#{workspaceIdentifier}-#{projectIdentifier}"', '  group_name_pattern = "g-#{workspaceIdentifier}-#{projectIdentifier}-#{platformGroupAlias}"',
      '  role_mapping = { admin = "admin", user = "member", reader = "reader" }', '  tag_prefix = "x_"', '  quota_backend = "service-apis"',
      '}',
      'landing_zone "small" {', '  platform = "os-x"', '  quota = { "compute.cores" = 2 }', '}',
      'workspace "initech" {', '  project "tps" {', '    tenant "os-x" { landing_zone = "small" }', '  }', '}',
    ].join('\n'));
    const config = (await loadConfig(dir))._unsafeUnwrap().app;
    const declared = synth(config)._unsafeUnwrap().settings['os-x'];
    // WHEN a building block builds that tenant from the loaded configuration
    const b = blockDesired(config, inputs('[]', '{ "landing_zone": "small" }', 'os-x'))._unsafeUnwrap();
    // THEN its platform settings are the configuration's, setting by setting
    expect(declared?.quotaBackend).toBe('service-apis');
    expect(b.settings).toEqual(declared);
  });
});
