import { err, type Result } from 'neverthrow';
import {
  KeyformApp, LandingZone, Platform, Project, Tenant, UserBinding, Workspace, configError, synth, tenantProps, unknownPlatform, userBindingProps, workspaceProps,
  type ConfigError, type UnknownPlatform, type ConfigPath, type DesiredState, type PlatformSettings, type Source,
} from '../../constructs/index.ts';
import type { BlockInputs } from './block-inputs.ts';

/** The one tenant a building-block run replicates, as desired state with its platform's settings. */
export interface BlockDesired {
  readonly desired: DesiredState;
  readonly settings: PlatformSettings;
}

/**
 * Builds the construct tree of one tenant: the platform `inputs.platform` and its landing
 * zones, taken from the configuration `config`, plus the workspace, project, tenant and user
 * bindings of the inputs; and synthesizes it. Nothing else the configuration declares
 * (other platforms, workspaces) enters the tree, so nothing else can enter the plan.
 *
 * Problems of the inputs point into the inputs file (`inputs.json:7:15: ...`); problems of
 * the platform's declaration point into the configuration.
 * @example blockDesired(loaded.app, inputs).map((b) => b.desired.resources.length)
 */
export function blockDesired(config: KeyformApp, inputs: BlockInputs): Result<BlockDesired, ConfigError | UnknownPlatform> {
  const platforms = config.node.children.filter((c) => Platform.isPlatform(c));
  const platform = platforms.find((p) => p.identifier === inputs.platform);
  if (platform === undefined) {
    const known = platforms.map((p) => p.identifier).sort();
    const list = known.length > 0 ? `it declares ${known.join(', ')}` : 'it declares no platform';
    return err(unknownPlatform(inputs.platform, known, `The platform ${JSON.stringify(inputs.platform)} is not in keyform's configuration (${list}). Check "platform" in the inputs.`));
  }
  const broken = config.problems.filter((p) => p.path === '' || within(p.path, `platform.${platform.identifier}`) || within(p.path, 'landing_zone'));
  if (broken.length > 0) return err(configError(broken));
  const app = new KeyformApp();
  new Platform(app, platform.identifier, platform.props);
  for (const lz of config.node.children) {
    if (LandingZone.isLandingZone(lz) && lz.platform === platform.identifier) new LandingZone(app, lz.identifier, lz.props);
  }
  addTenant(app, inputs);
  return synth(app).map((out) => ({ desired: out.platforms[0]!, settings: out.settings[platform.identifier]! }));
}

/** Whether the formatted config path `path` is `prefix` or below it. */
function within(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

function addTenant(app: KeyformApp, inputs: BlockInputs): void {
  const source = inputsSource(inputs);
  const ws = new Workspace(app, inputs.workspace.identifier, workspaceProps(inputs.workspace, source));
  const project = new Project(ws, inputs.project.identifier, { source });
  new Tenant(project, inputs.platform, tenantProps(inputs.tenant, source));
  for (const u of inputs.userPermissions) new UserBinding(project, u.euid, userBindingProps(u, source));
}

/**
 * The inputs file as the source of the tenant's constructs: their config paths
 * (`workspace.acme.project.webshop.user["bob"].roles.0`) are translated to paths of the
 * inputs document (`user_permissions.1.roles.0`) before locating them.
 */
function inputsSource(inputs: BlockInputs): Source {
  const users = new Map(inputs.userPermissions.map((u, i) => [u.euid, i]));
  const translate = (path: ConfigPath): ConfigPath => {
    if (path[0] !== 'workspace') return path;
    if (path.length <= 2) return ['workspace', 'identifier'];
    if (path[2] !== 'project') return ['workspace', ...path.slice(2)];
    if (path.length <= 4) return ['project', 'identifier'];
    if (path[4] === 'tenant') return ['tenant', ...path.slice(6)];
    const at = String(users.get(path[5] ?? '') ?? 0);
    return ['user_permissions', at, ...(path.length > 6 ? path.slice(6) : ['euid'])];
  };
  return { file: inputs.source.file, locate: (path, part) => inputs.source.locate(translate(path), part) };
}
