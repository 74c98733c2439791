import { describe, it, expect } from 'vitest';
import {
  synth,
  address,
  KeyformApp,
  Platform,
  Workspace,
  Project,
  Tenant,
  KeystoneGroup,
  KeystoneQuota,
  LandingZone,
  type Resource,
  type SynthOutput,
} from '../../../constructs/index.ts';
import { smallApp } from './fixtures.ts';

const resources = (out: SynthOutput): readonly Resource[] => out.platforms[0]!.resources;
const find = (out: SynthOutput, addr: string) => resources(out).find((r) => r.address === addr);

describe('synth', () => {
  it('expands a tenant into its project, one group and assignment per mapped role, memberships and quotas', () => {
    // GIVEN one tenant with one bound admin
    const { app } = smallApp();
    // WHEN the tree is synthesized
    const out = synth(app)._unsafeUnwrap();
    // THEN the resources follow the default role mapping and the landing zone's quotas
    expect(resources(out).map((r) => r.address)).toEqual([
      address('group', ['os-prod', 'acme', 'webshop', 'admin']),
      address('group', ['os-prod', 'acme', 'webshop', 'reader']),
      address('group', ['os-prod', 'acme', 'webshop', 'user']),
      address('membership', ['os-prod', 'acme', 'webshop', 'admin', 'alice@acme.example']),
      address('project', ['os-prod', 'acme', 'webshop']),
      address('quota', ['os-prod', 'acme', 'webshop', 'compute.cores']),
      address('quota', ['os-prod', 'acme', 'webshop', 'volume.gigabytes']),
      address('assignment', ['os-prod', 'acme', 'webshop', 'admin']),
      address('assignment', ['os-prod', 'acme', 'webshop', 'reader']),
      address('assignment', ['os-prod', 'acme', 'webshop', 'user']),
    ]);
  });

  it('names the project and groups by the patterns and puts them in the shared domain', () => {
    // GIVEN the default patterns and domain
    const out = synth(smallApp().app)._unsafeUnwrap();
    // THEN names are rendered and the domain is "default"
    const project = find(out, address('project', ['os-prod', 'acme', 'webshop']));
    const group = find(out, address('group', ['os-prod', 'acme', 'webshop', 'admin']));
    expect(project?.attrs).toMatchObject({ name: 'acme.webshop', domain: 'default', description: 'ACME Corp / webshop', enabled: true });
    expect(group?.attrs).toEqual({
      name: 'acme.webshop-admin',
      domain: 'default',
      description: 'acme.webshop admin [keyform platform=os-prod tenant=acme.webshop role=admin]',
    });
  });

  it('merges tags landing zone < workspace < tenant under the platform prefix, beside the ownership markers', () => {
    // GIVEN "owner" set by landing zone and workspace, and "environment" overridden by the tenant
    const { app } = smallApp({ tenant: { tags: { environment: 'prod' } } });
    // WHEN synthesized
    const project = find(synth(app)._unsafeUnwrap(), address('project', ['os-prod', 'acme', 'webshop']));
    // THEN later layers win, and the tags are sorted
    expect(project?.kind === 'project' && project.attrs.tags).toEqual([
      'keyform.managed=os-prod',
      'keyform.tenant=acme.webshop',
      'kf_cost_center=cc-42',
      'kf_environment=prod',
      'kf_owner=acme',
    ]);
  });

  it('records deletion_policy = "delete" on the project, where a later plan reads it once the tenant is gone', () => {
    // GIVEN a tenant whose deletion policy is delete
    const { app } = smallApp({ tenant: { deletionPolicy: 'delete' } });
    // WHEN synthesized
    const project = find(synth(app)._unsafeUnwrap(), address('project', ['os-prod', 'acme', 'webshop']));
    // THEN the project carries the policy marker beside its ownership markers
    expect(project?.kind === 'project' && project.attrs.tags.filter((t) => t.startsWith('keyform.'))).toEqual([
      'keyform.deletion_policy=delete',
      'keyform.managed=os-prod',
      'keyform.tenant=acme.webshop',
    ]);
  });

  it("overrides the landing zone's quotas key by key with the tenant's", () => {
    // GIVEN a tenant overriding cores and adding floating IPs
    const { app } = smallApp({ tenant: { quota: { 'compute.cores': 40, 'network.floatingip': 2 } } });
    // WHEN synthesized
    const quotas = resources(synth(app)._unsafeUnwrap()).filter((r) => r.kind === 'quota');
    // THEN each key appears once with the winning value and the platform's backend
    expect(quotas.map((q) => [q.kind === 'quota' && q.key.quotaKey, q.attrs])).toEqual([
      ['compute.cores', { value: 40, backend: 'unified-limits' }],
      ['network.floatingip', { value: 2, backend: 'unified-limits' }],
      ['volume.gigabytes', { value: 500, backend: 'unified-limits' }],
    ]);
  });

  it('creates one domain per workspace with domain_per_workspace and puts the projects and groups in it', () => {
    // GIVEN a platform with one domain per workspace
    const { app } = smallApp({ platform: { domainPerWorkspace: true, domainNamePattern: 'ws-#{workspaceIdentifier}' } });
    // WHEN synthesized
    const out = synth(app)._unsafeUnwrap();
    // THEN the domain exists, carries its marker, and holds the tenant's objects
    expect(find(out, address('domain', ['os-prod', 'acme']))?.attrs).toEqual({ name: 'ws-acme', description: 'ACME Corp [keyform platform=os-prod workspace=acme]', enabled: true });
    expect(find(out, address('project', ['os-prod', 'acme', 'webshop']))?.attrs).toMatchObject({ domain: 'ws-acme' });
    expect(out.settings['os-prod']?.domains).toEqual(['ws-acme']);
  });

  it('maps roles one by one, and lets a landing zone override and add aliases', () => {
    // GIVEN reader mapped to "reader" by the platform; the landing zone maps admin to "admin" and adds "auditor"
    const app = new KeyformApp();
    const p = new Platform(app, 'os-prod', { cloud: 'c', region: 'r', roleMapping: { admin: 'member', reader: 'reader' } });
    const zone = new LandingZone(app, 'audited', { platform: p, roleMapping: { admin: 'admin', auditor: 'reader' } });
    new Tenant(new Project(new Workspace(app, 'acme'), 'webshop'), p, { landingZone: zone });
    // WHEN synthesized
    const assignments = resources(synth(app)._unsafeUnwrap()).filter((r) => r.kind === 'assignment');
    // THEN each alias of the merged mapping has one assignment with its Keystone role
    expect(assignments.map((a) => [a.kind === 'assignment' && a.key.role, a.attrs])).toEqual([
      ['admin', { keystoneRole: 'admin' }],
      ['auditor', { keystoneRole: 'reader' }],
      ['reader', { keystoneRole: 'reader' }],
    ]);
  });

  it('fails when a bound user has a role the mapping lacks, naming the mapped roles', () => {
    // GIVEN a user bound as "owner", which no mapping has
    const { app } = smallApp({ users: { 'bob@acme.example': ['owner'] } });
    // WHEN synthesized
    const problems = synth(app)._unsafeUnwrapErr().problems;
    // THEN the problem names the role and the valid ones
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['user "bob@acme.example": role "owner" is not in the role mapping of platform "os-prod"', 'mapped roles: admin, reader, user'],
    ]);
  });

  it('renders #{tenantPlatformNumber} with a printf spec, and fails for a tenant without a number', () => {
    // GIVEN a project pattern using the tenant's platform number
    const withNumber = smallApp({ platform: { projectNamePattern: 'p#{tenantPlatformNumber:%04d}' }, tenant: { platformNumber: 42 } });
    const without = smallApp({ platform: { projectNamePattern: 'p#{tenantPlatformNumber:%04d}' } });
    // WHEN synthesized
    // THEN the number is zero-padded, and its absence is a problem
    expect(find(synth(withNumber.app)._unsafeUnwrap(), address('project', ['os-prod', 'acme', 'webshop']))?.attrs).toMatchObject({ name: 'p0042' });
    expect(synth(without.app)._unsafeUnwrapErr().problems[0]?.message).toContain('has no platform_number');
  });

  it('reports two tenants that render to the same project name as one problem naming both', () => {
    // GIVEN a pattern that keeps only 3 characters of the project identifier
    const { app, ws, platform } = smallApp({ platform: { projectNamePattern: '#{workspaceIdentifier}.#{projectIdentifier:%.3s}' } });
    new Tenant(new Project(ws, 'webapp'), platform, {});
    // WHEN synthesized
    const problems = synth(app)._unsafeUnwrapErr().problems;
    // THEN one problem names both tenants
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/project name "acme\.web" in domain "default" on platform "os-prod" is rendered for 2 tenants: tenant acme\.(webapp|webshop) .* and tenant acme\.(webapp|webshop)/);
  });

  it('returns a desired state with no resources for a platform without tenants', () => {
    // GIVEN a platform nobody uses
    const app = new KeyformApp();
    new Platform(app, 'os-empty', { cloud: 'c', region: 'r' });
    // WHEN synthesized
    // THEN the platform is still there, so a plan can remove what it owns
    expect(synth(app)._unsafeUnwrap().platforms).toEqual([{ platform: 'os-empty', resources: [], tagPrefix: 'kf_' }]);
  });

  it('returns the same result when called twice, and locks the tree', () => {
    // GIVEN a synthesized tree
    const { app, ws } = smallApp();
    const first = synth(app);
    // WHEN synthesized again
    // THEN the result is the same object, and no construct can be added any more
    expect(synth(app)).toBe(first);
    expect(() => new Project(ws, 'late')).toThrow(/Cannot add children/);
  });

  it('produces plain JSON data', () => {
    // GIVEN a synthesized tree
    const out = synth(smallApp().app)._unsafeUnwrap();
    // THEN a JSON round trip changes nothing
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('lists resources by address, whatever order the roles, users and platforms, and a program adding its own L1 constructs, come in', () => {
    // GIVEN users bound in several roles (an euid JSON escapes among them), a second platform
    // that sorts before the first, and quotas a program adds in reverse order
    const { app, project, tenant } = smallApp({ users: { 'zed@acme.example': ['user', 'admin'], 'a"b@acme.example': ['reader', 'admin'], 'bob@acme.example': ['user'] } });
    const other = new Platform(app, 'os-a', { cloud: 'a', region: 'RegionOne' });
    new Tenant(project, other);
    for (const key of ['volume.volumes', 'network.port', 'compute.ram']) new KeystoneQuota(tenant, `q.${key}`, { platform: 'os-prod', workspace: 'acme', project: 'new', quotaKey: key, value: 1, backend: 'service-apis' });
    // WHEN the tree is synthesized
    const out = synth(app)._unsafeUnwrap();
    // THEN each platform's addresses are in code-unit order, every membership is there once
    for (const p of out.platforms) {
      const addresses = p.resources.map((r) => r.address);
      expect(addresses).toEqual([...addresses].sort());
      expect(new Set(addresses).size).toBe(addresses.length);
    }
    const members = out.platforms.flatMap((p) => p.resources.flatMap((r) => (r.kind === 'membership' ? [`${r.platform} ${r.key.role} ${r.key.euid}`] : [])));
    const bound = ['admin a"b@acme.example', 'admin zed@acme.example', 'reader a"b@acme.example', 'user bob@acme.example', 'user zed@acme.example'];
    expect(members.sort()).toEqual([...bound.map((m) => `os-a ${m}`), ...bound.map((m) => `os-prod ${m}`)]);
    const prod = out.platforms.find((p) => p.platform === 'os-prod')!.resources;
    expect(prod.flatMap((r) => (r.kind === 'quota' ? [`${r.key.project} ${r.key.quotaKey}`] : []))).toEqual(['new compute.ram', 'new network.port', 'new volume.volumes', 'webshop compute.cores', 'webshop volume.gigabytes']);
  });

  it('includes L1 constructs a program adds itself, and rejects one that clashes with an expanded address', () => {
    // GIVEN an extra group on the same address as an expanded one
    const { app, tenant } = smallApp();
    new KeystoneGroup(tenant.project, 'extra', { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', name: 'x', domain: 'default', description: '' });
    // WHEN synthesized
    const problems = synth(app)._unsafeUnwrapErr().problems;
    // THEN the duplicate address is one problem
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('keyform_group.role["os-prod/acme/webshop/admin"] is declared 2 times')]);
  });
});
