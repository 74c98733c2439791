/**
 * The example config as a TypeScript program: the same platform, landing zones, workspaces
 * and projects as ../hcl and ../yaml, built with keyform's constructs. A program can loop,
 * read other sources and share defaults; `keyform synth --config examples/ts` runs it.
 */
import { KeyformApp, LandingZone, MeteringCollector, Platform, Project, Tenant, UserBinding, Workspace } from '../../constructs/index.ts';

const app = new KeyformApp();

const prod = new Platform(app, 'os-prod', {
  cloud: 'prod',
  meteringCloud: 'prod-metering',
  region: 'RegionOne',
  userDomain: 'default',
  domainPerWorkspace: true,
  domainNamePattern: 'kf-#{workspaceIdentifier}',
  projectNamePattern: '#{workspaceIdentifier}.#{projectIdentifier}',
  groupNamePattern: '#{workspaceIdentifier}.#{projectIdentifier:%.20s}-#{platformGroupAlias}',
  roleMapping: { admin: 'member', user: 'member', reader: 'reader' },
  tagPrefix: 'kf_',
  quotaBackend: 'unified-limits',
});

const standard = new LandingZone(app, 'standard', {
  platform: prod,
  quota: { 'compute.cores': 20, 'compute.ram': 51200, 'volume.gigabytes': 500, 'network.floatingip': 2 },
  tags: { environment: 'dev' },
});
const production = new LandingZone(app, 'production', {
  platform: prod,
  quota: { 'compute.cores': 64, 'compute.ram': 262144, 'volume.gigabytes': 2000, 'network.floatingip': 8 },
  tags: { environment: 'prod' },
  roleMapping: { auditor: 'reader' },
});

new MeteringCollector(app, prod, {
  interval: '5m',
  currency: 'EUR',
  store: 'sqlite://keyform-metering.db',
  prices: { 'server.flavor.m1.small': 0.02, 'volume.gigabyte_hour': 0.0001, 'floatingip.hour': 0.005 },
});

/** Users of a project by external id. */
type Users = Readonly<Record<string, readonly string[]>>;

function project(ws: Workspace, id: string, tenant: ConstructorParameters<typeof Tenant>[2], users: Users): void {
  const p = new Project(ws, id);
  new Tenant(p, prod, tenant);
  for (const [euid, roles] of Object.entries(users)) new UserBinding(p, euid, { roles });
}

const acme = new Workspace(app, 'acme', { name: 'ACME Corp', tags: { cost_center: 'cc-42' } });
project(acme, 'webshop', { landingZone: production, quota: { 'compute.cores': 96 }, deletionPolicy: 'retain' }, {
  'alice@acme.example': ['admin'],
  'bob@acme.example': ['user', 'reader'],
  'ivan@audit.example': ['auditor'],
});
project(acme, 'analytics', { landingZone: standard, tags: { data_class: 'internal' } }, { 'carol@acme.example': ['admin'] });

const globex = new Workspace(app, 'globex', { name: 'Globex Inc', tags: { cost_center: 'cc-77' } });
project(globex, 'billing', { landingZone: production, deletionPolicy: 'delete' }, { 'dave@globex.example': ['admin', 'user'] });
project(globex, 'sandbox', { landingZone: standard, quota: { 'compute.cores': 4, 'volume.gigabytes': 50 }, tags: { environment: 'sandbox' } }, {
  'erin@globex.example': ['user'],
  'alice@acme.example': ['reader'],
});

export default app;
