import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ADDRESSES_FILE, TERRAFORM_FILE, exportTerraform } from '../../../constructs/export/export-terraform.ts';
import type { TerraformPlatformSettings } from '../../../constructs/export/openstack-blueprint.ts';
import { OPENSTACK_PROVIDER } from '../../../constructs/export/terraform.ts';
import type { DesiredState, LiveState } from '../../../constructs/model/resource-set.ts';
import { diff } from '../../../plans/diff.ts';
import { QUOTA_KEYS } from '../../../constructs/model/quota-keys.ts';
import { desiredState, domainResource, tenantResources, type TenantFixture } from './desired-fixture.ts';
import {
  blocks, correspondenceProblems, danglingReferences, providerDocProblems, referenced, type TerraformJson,
} from './terraform-json.ts';

const SETTINGS: Readonly<Record<string, TerraformPlatformSettings>> = {
  'os-prod': { cloud: 'prod', region: 'RegionOne', userDomain: 'federated' },
  'os-dev': { cloud: 'dev', region: 'RegionTwo', userDomain: 'default' },
};

const WEBSHOP: TenantFixture = {
  workspace: 'acme', project: 'webshop', roles: { admin: 'member', user: 'member', reader: 'reader' },
  members: { admin: ['alice@acme.example'], user: ['bob@acme.example', 'alice@acme.example'], reader: ['carol_c@acme.example'] },
  quotas: { 'compute.cores': 40, 'compute.ram': 51200, 'volume.gigabytes': 500, 'network.floatingip': 2 },
  tags: ['kf_cost_center=cc-42'],
};

/** A production platform on unified limits with a shared domain, and a dev platform with a domain per workspace on the service quota APIs. */
function twoPlatforms(): DesiredState[] {
  return [
    desiredState('os-prod', [...tenantResources('os-prod', WEBSHOP),
      ...tenantResources('os-prod', { workspace: 'globex', project: 'crm', roles: { admin: 'admin' }, deletionPolicy: 'delete' })]),
    desiredState('os-dev', [domainResource('os-dev', 'acme'),
      ...tenantResources('os-dev', { ...WEBSHOP, domain: 'acme', backend: 'service-apis' })]),
  ];
}

/** A platform's live state before keyform ever ran: every bound user and mapped role exists, nothing else. */
function cloudWithUsersOnly(d: DesiredState): LiveState {
  const users = Object.fromEntries(d.resources.flatMap((r) => (r.kind === 'membership' ? [[r.key.euid, `id-${r.key.euid}`]] : [])));
  // The cloud's own roles are there too: keyform maps onto them, never creates them.
  const roles = Object.fromEntries(d.resources.flatMap((r) => (r.kind === 'assignment' ? [[r.attrs.keystoneRole, `role-${r.attrs.keystoneRole}`]] : [])));
  return { platform: d.platform, resources: [], unmanaged: [], users, roles, domains: {} };
}

function exported(desired: readonly DesiredState[], settings = SETTINGS): { json: TerraformJson; addresses: Record<string, string>; files: Readonly<Record<string, string>> } {
  const files = exportTerraform(desired, settings)._unsafeUnwrap();
  return { json: JSON.parse(files[TERRAFORM_FILE]!) as TerraformJson, addresses: JSON.parse(files[ADDRESSES_FILE]!) as Record<string, string>, files };
}

describe('exportTerraform', () => {
  it('writes only arguments the OpenStack provider documents, and every argument it requires', () => {
    // GIVEN two platforms using every resource kind and both quota backends
    const desired = twoPlatforms();
    // WHEN the desired state is exported
    const { json } = exported(desired);
    // THEN every block and provider configuration conforms to the provider's docs
    expect(providerDocProblems(json)).toEqual([]);
    expect(blocks(json, 'resource').length).toBeGreaterThan(0);
    expect(json.terraform?.required_providers).toEqual({ openstack: { ...OPENSTACK_PROVIDER } });
  });

  it('turns every desired resource into one Terraform object with the same Keystone name, and adds no other', () => {
    // GIVEN two platforms using every resource kind
    const desired = twoPlatforms();
    // WHEN the desired state is exported
    const { json, addresses } = exported(desired);
    // THEN objects and names match one to one, and every reference points into the configuration
    expect(correspondenceProblems(desired, SETTINGS, json, addresses)).toEqual([]);
    expect(danglingReferences(json)).toEqual([]);
    expect(Object.keys(addresses).sort()).toEqual(desired.flatMap((d) => d.resources.map((r) => r.address)).sort());
  });

  it("exports exactly the objects keyform's plan creates in a cloud that has none of them, under the same names", () => {
    // GIVEN two platforms and the plan keyform makes for each against a cloud with the users but none of keyform's objects
    const desired = twoPlatforms();
    const plans = desired.map((d) => diff(d, cloudWithUsersOnly(d)));
    const created = desired.map((d, i) => desiredState(d.platform, plans[i]!.changes.filter((c) => c.action === 'create').map((c) => c.after!)));
    // WHEN the desired state is exported
    const { json, addresses } = exported(desired);
    // THEN the plan creates what the export holds, address for address, with the same Keystone names and attributes
    expect(plans.flatMap((p) => [...p.errors, ...p.remarks])).toEqual([]);
    expect(Object.keys(addresses).sort()).toEqual(created.flatMap((d) => d.resources.map((r) => r.address)).sort());
    expect(correspondenceProblems(created, SETTINGS, json, addresses)).toEqual([]);
  });

  it('gives the same bytes for the same desired state, whatever order the platforms come in', () => {
    // GIVEN the same platforms in two orders
    const desired = twoPlatforms();
    // WHEN both are exported
    const a = exportTerraform(desired, SETTINGS);
    const b = exportTerraform([...desired].reverse(), SETTINGS);
    // THEN the files are identical
    expect(a.isOk()).toBe(true);
    expect(b).toEqual(a);
  });

  it('configures one provider per platform from its clouds.yaml entry and region, aliased when there are several', () => {
    // GIVEN one platform, then two
    const one = exported([twoPlatforms()[0]!]).json;
    const two = exported(twoPlatforms()).json;
    // THEN a single platform uses the default provider configuration and no block names a provider
    expect(one.provider?.openstack).toEqual([{ cloud: 'prod', region: 'RegionOne' }]);
    expect(blocks(one, 'resource').filter((b) => 'provider' in b.args)).toEqual([]);
    // AND with two, each has its alias and every block names the provider of its own platform
    expect(two.provider?.openstack).toEqual([
      { alias: 'os-dev', cloud: 'dev', region: 'RegionTwo' },
      { alias: 'os-prod', cloud: 'prod', region: 'RegionOne' },
    ]);
    for (const b of [...blocks(two, 'resource'), ...blocks(two, 'data')]) {
      expect(b.args['provider'], b.address).toBe(b.address.includes('_os-dev_') ? 'openstack.os-dev' : 'openstack.os-prod');
    }
  });

  it('writes no backend and nothing that depends on the machine or holds a secret', () => {
    // GIVEN two platforms
    const { json, files } = exported(twoPlatforms());
    // THEN there is no backend block (teams bring their own) and no absolute path or credential
    expect(json.terraform?.backend).toBeUndefined();
    expect(files[TERRAFORM_FILE]).not.toContain(process.cwd());
    expect(files[TERRAFORM_FILE]).not.toMatch(/password|secret|token/i);
    expect(files[TERRAFORM_FILE]).not.toContain('"//"');
  });

  it('looks users up by euid in the user domain, and roles by name, once per platform', () => {
    // GIVEN alice bound to two roles of the same project
    const { json } = exported([twoPlatforms()[0]!]);
    // THEN each user and role is one data block, and users are searched in the platform's user domain
    const users = blocks(json, 'data').filter((b) => b.type === 'openstack_identity_user_v3');
    expect(users.map((u) => u.args['name']).sort()).toEqual(['alice@acme.example', 'bob@acme.example', 'carol_c@acme.example']);
    for (const u of users) expect(referenced(json, u.args['domain_id'])?.args).toEqual({ name: 'federated', is_domain: true });
    const roles = blocks(json, 'data').filter((b) => b.type === 'openstack_identity_role_v3').map((b) => b.args['name']);
    expect(roles.sort()).toEqual(['admin', 'member', 'reader']);
  });

  it("creates a workspace's own domain as a domain project, and its projects and groups refer to it", () => {
    // GIVEN the dev platform, which has one domain per workspace
    const { json } = exported([twoPlatforms()[1]!]);
    // THEN the domain is a resource with is_domain, and no data block looks up a domain of that name
    const domain = json.resource?.['openstack_identity_project_v3']?.['domain_os-dev_acme'];
    expect(domain).toMatchObject({ name: 'acme', is_domain: true, enabled: true });
    const project = json.resource?.['openstack_identity_project_v3']?.['project_os-dev_acme_webshop'];
    expect(project?.['domain_id']).toBe('${openstack_identity_project_v3.domain_os-dev_acme.id}');
    const lookedUp = blocks(json, 'data').filter((b) => b.type === 'openstack_identity_project_v3').map((b) => b.args['name']);
    expect(lookedUp).toEqual(['default']);
  });

  it('puts the service-API quotas of a project into one quota set per service, one argument per key', () => {
    // GIVEN the dev platform, whose quotas go to the service APIs
    const { json, addresses } = exported([twoPlatforms()[1]!]);
    const project = '${openstack_identity_project_v3.project_os-dev_acme_webshop.id}';
    // THEN compute, volume and network each get one quota set with the declared keys only
    expect(json.resource?.['openstack_compute_quotaset_v2']).toEqual({
      'quota_os-dev_acme_webshop_compute': { project_id: project, cores: 40, ram: 51200 } });
    expect(json.resource?.['openstack_blockstorage_quotaset_v3']).toEqual({
      'quota_os-dev_acme_webshop_volume': { project_id: project, gigabytes: 500 } });
    expect(json.resource?.['openstack_networking_quota_v2']).toEqual({
      'quota_os-dev_acme_webshop_network': { project_id: project, floatingip: 2 } });
    expect(addresses['keyform_quota.limit["os-dev/acme/webshop/compute.ram"]']).toBe('openstack_compute_quotaset_v2.quota_os-dev_acme_webshop_compute.ram');
    expect(json.resource?.['openstack_identity_limit_v3']).toBeUndefined();
  });

  it('turns unified-limit quotas into Keystone limits that find their service by type and carry the tenant marker', () => {
    // GIVEN the production platform, whose quotas are unified limits
    const { json } = exported([twoPlatforms()[0]!]);
    // THEN each declared key is one limit on the project
    const limits = blocks(json, 'resource').filter((b) => b.type === 'openstack_identity_limit_v3');
    expect(limits.map((l) => [l.args['resource_name'], l.args['resource_limit']]).sort()).toEqual(
      [['class:MEMORY_MB', 51200], ['class:VCPU', 40], ['floatingip', 2], ['gigabytes', 500]]);
    for (const l of limits) expect(l.args['description']).toBe('[keyform platform=os-prod tenant=acme.webshop]');
    const services = blocks(json, 'data').filter((b) => b.type === 'openstack_identity_service_v3').map((b) => b.args);
    expect(services).toEqual([{ type: 'compute' }, { type: 'network' }, { type: 'volumev3' }]);
  });

  it('protects projects with prevent_destroy unless their tenant declares the delete policy', () => {
    // GIVEN webshop (retain by default) and crm (delete)
    const { json } = exported([twoPlatforms()[0]!]);
    const projects = json.resource?.['openstack_identity_project_v3'] ?? {};
    // THEN only the retained project is protected
    expect(projects['project_os-prod_acme_webshop']?.['lifecycle']).toEqual({ prevent_destroy: true });
    expect(projects['project_os-prod_globex_crm']?.['lifecycle']).toBeUndefined();
  });

  it('refuses, all at once, what the provider cannot express, saying what to do', () => {
    // GIVEN a load-balancer quota on the service APIs, one on unified limits, an unknown key, and a platform without settings
    const desired = [
      desiredState('os-dev', tenantResources('os-dev', { workspace: 'acme', project: 'lb', roles: {}, backend: 'service-apis',
        quotas: { 'loadbalancer.pool': 5 } })),
      desiredState('os-prod', tenantResources('os-prod', { workspace: 'acme', project: 'lb', roles: {},
        quotas: { 'loadbalancer.pool': 5, 'compute.gpus': 1 } })),
      desiredState('os-edge', tenantResources('os-edge', { workspace: 'acme', project: 'x', roles: {} })),
    ];
    // WHEN it is exported
    const errors = exportTerraform(desired, SETTINGS)._unsafeUnwrapErr();
    // THEN every problem is reported with its address and a way out
    expect(errors.map((e) => [e.kind, e.platform, e.address])).toEqual([
      ['unsupported-quota', 'os-dev', 'keyform_quota.limit["os-dev/acme/lb/loadbalancer.pool"]'],
      ['missing-platform-settings', 'os-edge', undefined],
      ['unsupported-quota', 'os-prod', 'keyform_quota.limit["os-prod/acme/lb/compute.gpus"]'],
      ['unsupported-quota', 'os-prod', 'keyform_quota.limit["os-prod/acme/lb/loadbalancer.pool"]'],
    ]);
    expect(errors[0]!.message).toMatch(/sets every load-balancer quota it is not given to 0.*Remove the loadbalancer\.\*/);
    expect(errors[1]!.message).toMatch(/Declare the platform in the config/);
    expect(errors[3]!.message).toMatch(/quota_backend = "service-apis"/);
  });

  it('for any tenants, conforms to the provider docs and matches the desired state one to one', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
    const euid = fc.oneof(label, fc.tuple(label, label).map(([u, d]) => `${u}@${d}.example`), fc.constantFrom('a.b', 'a_b', 'a b'));
    const supported = Object.keys(QUOTA_KEYS).filter((k) => !k.startsWith('loadbalancer.'));
    const tenant = fc.record({
      workspace: label, project: label,
      roles: fc.dictionary(fc.constantFrom('admin', 'user', 'reader'), fc.constantFrom('member', 'reader', 'admin')),
      quotas: fc.dictionary(fc.constantFrom(...supported), fc.integer({ min: -1, max: 1_000_000 })),
      backend: fc.constantFrom('unified-limits' as const, 'service-apis' as const),
      euids: fc.uniqueArray(euid, { maxLength: 3 }),
    });
    fc.assert(fc.property(fc.uniqueArray(tenant, { maxLength: 4, selector: (t) => `${t.workspace}/${t.project}` }), (tenants) => {
      // GIVEN any tenants on one platform
      const desired = [desiredState('os-prod', tenants.flatMap((t) => tenantResources('os-prod', {
        ...t, members: Object.fromEntries(Object.keys(t.roles).map((r) => [r, t.euids])) })))];
      // WHEN exported
      const { json, addresses } = exported(desired);
      // THEN it conforms and corresponds
      expect(providerDocProblems(json)).toEqual([]);
      expect(correspondenceProblems(desired, SETTINGS, json, addresses)).toEqual([]);
      expect(danglingReferences(json)).toEqual([]);
    }), { numRuns: 40 });
  }, 120_000);
});
