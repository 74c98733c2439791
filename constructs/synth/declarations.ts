import type { KeyformApp } from '../l2/keyform-app.ts';
import { Platform } from '../l2/platform.ts';
import { LandingZone } from '../l2/landing-zone.ts';
import { Workspace } from '../l2/workspace.ts';
import type { Project } from '../l2/project.ts';
import { Tenant } from '../l2/tenant.ts';
import { UserBinding } from '../l2/user-binding.ts';
import { MeteringCollector } from '../l2/metering-collector.ts';
import { Declaration } from '../l2/declaration.ts';
import { KeystoneResource } from '../l1/keystone-resource.ts';
import { compareCodeUnits } from '../model/index.ts';
import { flatString } from '../model/flat-string.ts';

/** Every construct of a tree by type, each list in a stable order that ignores declaration order. */
export interface Declarations {
  readonly all: readonly Declaration[];
  readonly platforms: ReadonlyMap<string, Platform>;
  readonly landingZones: ReadonlyMap<string, LandingZone>;
  readonly workspaces: readonly Workspace[];
  /** Sorted as their addresses are: by platform, workspace, project. */
  readonly tenants: readonly Tenant[];
  /** Each project's bindings, sorted by euid. */
  readonly users: ReadonlyMap<Project, readonly UserBinding[]>;
  readonly metering: readonly MeteringCollector[];
  /** L1 constructs a program added itself (not expanded from L2). */
  readonly extraResources: readonly KeystoneResource[];
}

/** Walks the tree once and sorts what it finds. */
export function collectDeclarations(app: KeyformApp): Declarations {
  const all: Declaration[] = [];
  const platforms: Platform[] = [];
  const landingZones: LandingZone[] = [];
  const workspaces: Workspace[] = [];
  const tenants: Tenant[] = [];
  const users = new Map<Project, UserBinding[]>();
  const metering: MeteringCollector[] = [];
  const extraResources: KeystoneResource[] = [];
  // The most numerous types are asked for first: 10,000 tenants are 30,000 user bindings.
  for (const c of app.node.findAll()) {
    if (!Declaration.isDeclaration(c)) {
      if (KeystoneResource.isKeystoneResource(c)) extraResources.push(c);
      continue;
    }
    all.push(c);
    if (UserBinding.isUserBinding(c)) {
      const list = users.get(c.project);
      if (list) list.push(c);
      else users.set(c.project, [c]);
    } else if (Tenant.isTenant(c)) tenants.push(c);
    else if (Workspace.isWorkspace(c)) workspaces.push(c);
    else if (Platform.isPlatform(c)) platforms.push(c);
    else if (LandingZone.isLandingZone(c)) landingZones.push(c);
    else if (MeteringCollector.isMeteringCollector(c)) metering.push(c);
  }
  for (const list of users.values()) list.sort((a, b) => compareCodeUnits(a.euid, b.euid));
  const byId = <T extends { identifier: string }>(xs: T[]) => xs.sort((a, b) => compareCodeUnits(a.identifier, b.identifier));
  return {
    all,
    platforms: new Map(byId(platforms).map((p) => [p.identifier, p])),
    landingZones: new Map(byId(landingZones).map((z) => [z.identifier, z])),
    workspaces: byId(workspaces),
    tenants: inAddressOrder(tenants),
    users,
    metering: metering.sort((a, b) => compareCodeUnits(a.platform, b.platform)),
    extraResources,
  };
}

/**
 * Tenants in the order of their records' addresses (platform, workspace, project), so that
 * the expansion makes each kind's records in the order `sortRecords` wants them. Each key is
 * made once, not once per comparison.
 */
function inAddressOrder(tenants: readonly Tenant[]): Tenant[] {
  const keyed = tenants.map((t) => ({ t, key: flatString([t.platform, '/', t.project.workspace.identifier, '/', t.project.identifier]) }));
  return keyed.sort((a, b) => compareCodeUnits(a.key, b.key)).map(({ t }) => t);
}
