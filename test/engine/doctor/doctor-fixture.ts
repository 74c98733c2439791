import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultAsync } from 'neverthrow';
import { parse, stringify } from 'yaml';
import { createProject, createRegisteredLimits, deleteProject, grantRole, listRegisteredLimits, listRoles, listServices } from '../../../engine/keystone/index.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../engine/openstack/index.ts';
import type { TestStack } from '../../openstack/stack.ts';
import { folderWith } from './doctor-cli.ts';

/** The example policy files of the setup guide, by service. */
export const EXAMPLE_POLICIES = ['nova', 'cinder', 'neutron', 'glance', 'keystone'] as const;
export type ExamplePolicy = (typeof EXAMPLE_POLICIES)[number];

const EXAMPLES = new URL('../../../examples/policy/', import.meta.url).pathname;

/**
 * What the doctor tests make on the shared full stack, all named with one random tag and
 * removed by `dispose()`: users (bound euids), a metering role and a user holding it with
 * `reader`, a project with a router (a resource of "another project" to be seen), and a
 * clouds.yaml with the stack's entries plus `meter` for that user.
 */
export class DoctorFixture {
  readonly tag = randomBytes(3).toString('hex');
  /** A folder holding clouds.yaml and the test's config files. */
  readonly dir: string;
  readonly meteringRole = `kf-meter-${this.tag}`;
  private readonly cleanups: (() => ResultAsync<unknown, unknown>)[] = [];
  private policyBefore: string | undefined;

  private constructor(readonly stack: TestStack, readonly admin: OpenStackSession, private readonly meterPassword: string) {
    const clouds = parse(readFileSync(stack.cloudsYaml, 'utf8')) as { clouds: Record<string, { auth: Record<string, string> }> };
    const auditor = clouds.clouds['auditor']!;
    clouds.clouds['meter'] = { ...auditor, auth: { ...auditor.auth, username: `meter-${this.tag}`, password: meterPassword } };
    this.dir = folderWith({ 'clouds.yaml': stringify(clouds) });
  }

  /** Signs in as the stack's admin and makes the metering role, its user and a project with a router. */
  static async create(stack: TestStack): Promise<DoctorFixture> {
    const cloud = loadCloud({ cloud: 'admin', files: { clouds: stack.cloudsYaml }, env: {} })._unsafeUnwrap();
    const f = new DoctorFixture(stack, (await openSession(cloud))._unsafeUnwrap(), randomBytes(12).toString('hex'));
    await f.makeMeteringUser();
    return f;
  }

  /** The environment the CLI runs with: the fixture's clouds.yaml and nothing else. */
  get env(): NodeJS.ProcessEnv {
    return { OS_CLIENT_CONFIG_FILE: join(this.dir, 'clouds.yaml') };
  }

  /** Writes a config file into the fixture's folder and returns its name. */
  config(name: string, text: string): string {
    writeFileSync(join(this.dir, name), text);
    return name;
  }

  private async call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', service: string, path: string, body?: unknown): Promise<T> {
    const r = await this.admin.request<T>({ method, service, path, ...(body === undefined ? {} : { body }) });
    return r._unsafeUnwrap().body;
  }

  private later(fn: () => ResultAsync<unknown, unknown>): void {
    this.cleanups.push(fn);
  }

  /** Creates a user in domain Default (keyform never does: identity providers do). */
  async user(name: string, password = randomBytes(12).toString('hex')): Promise<string> {
    const { user } = await this.call<{ user: { id: string } }>('POST', 'identity', '/users', { user: { name, domain_id: 'default', password } });
    this.later(() => this.admin.request({ method: 'DELETE', service: 'identity', path: `/users/${user.id}` }));
    return user.id;
  }

  private async makeMeteringUser(): Promise<void> {
    const { role } = await this.call<{ role: { id: string } }>('POST', 'identity', '/roles', { role: { name: this.meteringRole } });
    this.later(() => this.admin.request({ method: 'DELETE', service: 'identity', path: `/roles/${role.id}` }));
    const userId = await this.user(`meter-${this.tag}`, this.meterPassword);
    const reader = (await listRoles(this.admin, { name: 'reader' }))._unsafeUnwrap()[0]!;
    const project = this.admin.scope.projectId!;
    for (const roleId of [reader.id, role.id]) (await grantRole(this.admin, { actor: { user: userId }, target: { project }, roleId }))._unsafeUnwrap();
    const other = (await createProject(this.admin, { name: `kf-doctor-${this.tag}`, domain_id: 'default', description: 'keyform doctor test', enabled: true, tags: [] }))._unsafeUnwrap();
    this.later(() => deleteProject(this.admin, other.id));
    const { router } = await this.call<{ router: { id: string } }>('POST', 'network', '/v2.0/routers', { router: { name: `kf-doctor-${this.tag}`, project_id: other.id } });
    this.later(() => this.admin.request({ method: 'DELETE', service: 'network', path: `/v2.0/routers/${router.id}` }));
  }

  /** Makes the registered limit of `serviceType`/`resourceName` in RegionOne unless one exists. */
  async registeredLimit(serviceType: string, resourceName: string): Promise<void> {
    const service = (await listServices(this.admin, { type: serviceType }))._unsafeUnwrap()[0]!;
    const existing = (await listRegisteredLimits(this.admin, { service_id: service.id, resource_name: resourceName }))._unsafeUnwrap();
    if (existing.some((r) => r.region_id === null || r.region_id === 'RegionOne')) return;
    const [made] = (await createRegisteredLimits(this.admin, [{ service_id: service.id, region_id: 'RegionOne', resource_name: resourceName, default_limit: 10 }]))._unsafeUnwrap();
    this.later(() => this.admin.request({ method: 'DELETE', service: 'identity', path: `/registered_limits/${made!.id}` }));
  }

  /** Whether a registered limit of `serviceType`/`resourceName` applies in RegionOne. */
  async hasRegisteredLimit(serviceType: string, resourceName: string): Promise<boolean> {
    const ids = new Set((await listServices(this.admin, { type: serviceType }))._unsafeUnwrap().map((s) => s.id));
    const all = (await listRegisteredLimits(this.admin, { resource_name: resourceName }))._unsafeUnwrap();
    return all.some((r) => ids.has(r.service_id) && (r.region_id === null || r.region_id === 'RegionOne'));
  }

  /**
   * Applies the guide's example policy files for this fixture's metering role. The stack's
   * services keep their configs side by side in DIR/etc, and oslo.config finds a
   * `policy.yaml` beside a service's config file, so every service reads this one file; each
   * rule names a service's own policy, or a rule whose override only grants the fixture's
   * role. oslo.policy re-reads the file when it changes, so no service restarts.
   */
  applyPolicies(services: readonly ExamplePolicy[]): void {
    const path = join(this.stack.dir, 'etc', 'policy.yaml');
    if (this.policyBefore === undefined) this.policyBefore = existsSync(path) ? readFileSync(path, 'utf8') : '{}\n';
    const rules: Record<string, string> = {};
    for (const s of services) {
      const text = readFileSync(join(EXAMPLES, `${s}-policy.yaml`), 'utf8').replaceAll('role:metering', `role:${this.meteringRole}`);
      Object.assign(rules, parse(text) as Record<string, string>);
    }
    writeFileSync(path, stringify(rules));
  }

  /**
   * Puts the policy file back as it was (an empty mapping if there was none: a policy file
   * a service has read and that then disappears makes oslo.policy log an error on every
   * check), then removes everything made, newest first.
   */
  async dispose(): Promise<void> {
    if (this.policyBefore !== undefined) writeFileSync(join(this.stack.dir, 'etc', 'policy.yaml'), this.policyBefore);
    for (const c of this.cleanups.reverse()) await c();
    this.admin.close();
  }
}
