import { KeyformApp, Platform, Workspace, Project, Tenant, UserBinding, LandingZone, type PlatformProps, type TenantProps } from '../../../constructs/index.ts';

/** A small tree built in code: one platform, one landing zone, workspace acme with project webshop. */
export function smallApp(opts: { platform?: Partial<PlatformProps>; tenant?: TenantProps; users?: Record<string, string[]> } = {}) {
  const app = new KeyformApp();
  const platform = new Platform(app, 'os-prod', { cloud: 'prod', region: 'RegionOne', ...opts.platform });
  const zone = new LandingZone(app, 'standard', { platform, quota: { 'compute.cores': 20, 'volume.gigabytes': 500 }, tags: { environment: 'dev', owner: 'platform' } });
  const ws = new Workspace(app, 'acme', { name: 'ACME Corp', tags: { cost_center: 'cc-42', owner: 'acme' } });
  const project = new Project(ws, 'webshop');
  const tenant = new Tenant(project, platform, { landingZone: zone, ...opts.tenant });
  for (const [euid, roles] of Object.entries(opts.users ?? { 'alice@acme.example': ['admin'] })) new UserBinding(project, euid, { roles });
  return { app, platform, zone, ws, project, tenant };
}
