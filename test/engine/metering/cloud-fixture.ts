import { randomBytes } from 'node:crypto';
import { STACK_ACCOUNTS } from '../../openstack/keystone-seed.ts';

/** A token and the public endpoints of its catalog, by service type. */
interface Scoped {
  readonly token: string;
  readonly projectId: string;
  readonly endpoints: Readonly<Record<string, string>>;
}

const NOVA = { 'OpenStack-API-Version': 'compute 2.47', 'X-OpenStack-Nova-API-Version': '2.47' };

/** Tries of one setup call that the stack's sqlite refused with its write lock taken. */
const SQLITE_LOCK_ATTEMPTS = 4;

/**
 * A 500 whose body names sqlalchemy's OperationalError: the test stack's services share sqlite
 * files, and on a loaded machine a write can find the lock taken even after the 60 s wait (a
 * WAL reader that must become a writer is refused at once). The transaction was rolled back,
 * so the setup call is tried again; any other failure fails the test setup as it is.
 */
function sqliteLockFault(status: number, body: string): boolean {
  return status === 500 && body.includes('OperationalError');
}

/**
 * Builds and tears down real resources on the full stack for the metering tests: projects
 * with keyform's tags, flavors, images, servers (fake driver), volumes, snapshots, floating
 * IPs, routers and load balancers. Calls the APIs directly with the bootstrap admin, scoped
 * to each project (nova and cinder create in the token's project).
 */
export class CloudFixture {
  /** Unique per fixture, so runs on a reused stack never meet each other's objects. */
  readonly tag = randomBytes(3).toString('hex');
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private readonly scoped = new Map<string, Scoped>();

  constructor(private readonly authUrl: string) {}

  private async login(projectId: string | undefined): Promise<Scoped> {
    const { user, password, project } = STACK_ACCOUNTS.admin;
    const scope = projectId ? { project: { id: projectId } } : { project: { name: project, domain: { id: 'default' } } };
    const res = await fetch(`${this.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } }, scope } }),
    });
    if (!res.ok) throw new Error(`login to ${projectId ?? project} → ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { token: { project: { id: string }; catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
    const endpoints: Record<string, string> = {};
    for (const e of body.token.catalog) endpoints[e.type] = e.endpoints.find((x) => x.interface === 'public')!.url;
    return { token: res.headers.get('x-subject-token')!, projectId: body.token.project.id, endpoints };
  }

  /** The admin token scoped to `projectId` (default: project admin). */
  async as(projectId?: string): Promise<Scoped> {
    const key = projectId ?? '';
    if (!this.scoped.has(key)) this.scoped.set(key, await this.login(projectId));
    return this.scoped.get(key)!;
  }

  /** One JSON call; fails the test setup on an unexpected status. */
  async call<T = Record<string, unknown>>(project: string | undefined, method: string, service: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const s = await this.as(project);
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${s.endpoints[service]}${path}`, {
        method,
        headers: { 'x-auth-token': s.token, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.ok) return (text ? JSON.parse(text) : {}) as T;
      if (attempt < SQLITE_LOCK_ATTEMPTS && sqliteLockFault(res.status, text)) {
        await new Promise((r) => setTimeout(r, 1000 * attempt));
        continue;
      }
      throw new Error(`${method} ${service}${path} → ${res.status} ${text.slice(0, 400)}`);
    }
  }

  private async waitFor(what: string, check: () => Promise<boolean>, seconds = 120): Promise<void> {
    for (let i = 0; i < seconds * 4; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  private status(project: string, service: string, path: string, key: string): Promise<string | 'gone'> {
    return this.as(project).then(async (s) => {
      const res = await fetch(`${s.endpoints[service]}${path}`, { headers: { 'x-auth-token': s.token, ...(service === 'compute' ? NOVA : {}) } });
      if (res.status === 404) return 'gone';
      const body = (await res.json()) as Record<string, { status: string } | undefined>;
      const item = body[key];
      if (!item) throw new Error(`GET ${service}${path} → ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return item.status;
    });
  }

  private async until(project: string, service: string, path: string, key: string, want: string): Promise<void> {
    await this.waitFor(`${path} to be ${want}`, async () => {
      const s = await this.status(project, service, path, key);
      if (s === 'ERROR' || s === 'error') throw new Error(`${path} went to ${s}`);
      return s === want;
    });
  }

  /** A project carrying keyform's owner tags for `platform` and tenant `workspace.project`, and `tags`. */
  async project(platform: string, workspace: string, project: string, tags: readonly string[] = []): Promise<string> {
    return this.plainProject(`${workspace}.${project}-${this.tag}`, [`keyform.managed=${platform}`, `keyform.tenant=${workspace}.${project}`, ...tags]);
  }

  /** A project named `name` with `tags` (none of keyform's: a project keyform doesn't manage), the admin a member. */
  async plainProject(name: string, tags: readonly string[] = []): Promise<string> {
    const { project: p } = await this.call<{ project: { id: string } }>(undefined, 'POST', 'identity', '/projects', {
      project: { name, domain_id: 'default', tags },
    });
    const me = ((await this.call<{ users: { id: string }[] }>(undefined, 'GET', 'identity', `/users?name=${STACK_ACCOUNTS.admin.user}`)).users[0]!).id;
    const role = ((await this.call<{ roles: { id: string }[] }>(undefined, 'GET', 'identity', '/roles?name=admin')).roles[0]!).id;
    await this.call(undefined, 'PUT', 'identity', `/projects/${p.id}/users/${me}/roles/${role}`);
    this.cleanups.push(() => this.call(undefined, 'DELETE', 'identity', `/projects/${p.id}`));
    return p.id;
  }

  async flavor(name: string, vcpus: number, ramMib: number, diskGib: number): Promise<string> {
    const { flavor } = await this.call<{ flavor: { id: string } }>(undefined, 'POST', 'compute', '/flavors', { flavor: { name: `${name}-${this.tag}`, vcpus, ram: ramMib, disk: diskGib } }, NOVA);
    this.cleanups.push(() => this.call(undefined, 'DELETE', 'compute', `/flavors/${flavor.id}`, undefined, NOVA));
    return flavor.id;
  }

  /** A private image of `project` with `bytes` of data, active. */
  async image(project: string, bytes: number): Promise<string> {
    const img = await this.call<{ id: string }>(project, 'POST', 'image', '/v2/images', { name: `meter-${this.tag}`, disk_format: 'raw', container_format: 'bare', visibility: 'private' });
    const s = await this.as(project);
    const put = await fetch(`${s.endpoints['image']}/v2/images/${img.id}/file`, { method: 'PUT', headers: { 'x-auth-token': s.token, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(bytes, 7) });
    if (!put.ok) throw new Error(`image upload → ${put.status} ${await put.text()}`);
    await this.waitFor('image active', async () => (await this.call<{ status: string }>(project, 'GET', 'image', `/v2/images/${img.id}`)).status === 'active');
    this.cleanups.push(() => this.call(project, 'DELETE', 'image', `/v2/images/${img.id}`));
    return img.id;
  }

  /** Stops a server (nova `os-stop`) and waits for SHUTOFF. */
  async stopServer(project: string, serverId: string): Promise<void> {
    await this.call(project, 'POST', 'compute', `/servers/${serverId}/action`, { 'os-stop': null }, NOVA);
    await this.until(project, 'compute', `/servers/${serverId}`, 'server', 'SHUTOFF');
  }

  async server(project: string, flavorId: string, imageId: string): Promise<string> {
    const { server } = await this.call<{ server: { id: string } }>(project, 'POST', 'compute', '/servers', { server: { name: `meter-${this.tag}`, flavorRef: flavorId, imageRef: imageId, networks: 'none' } }, NOVA);
    this.cleanups.push(() => this.delete(project, 'compute', `/servers/${server.id}`, 'server'));
    await this.until(project, 'compute', `/servers/${server.id}`, 'server', 'ACTIVE');
    return server.id;
  }

  async volume(project: string, sizeGib: number): Promise<{ id: string; type: string }> {
    const { volume } = await this.call<{ volume: { id: string; volume_type: string } }>(project, 'POST', 'volumev3', '/volumes', { volume: { size: sizeGib, name: `meter-${this.tag}` } });
    this.cleanups.push(() => this.delete(project, 'volumev3', `/volumes/${volume.id}`, 'volume'));
    await this.until(project, 'volumev3', `/volumes/${volume.id}`, 'volume', 'available');
    return { id: volume.id, type: volume.volume_type };
  }

  async snapshot(project: string, volumeId: string): Promise<string> {
    const { snapshot } = await this.call<{ snapshot: { id: string } }>(project, 'POST', 'volumev3', '/snapshots', { snapshot: { volume_id: volumeId, name: `meter-${this.tag}` } });
    this.cleanups.push(() => this.delete(project, 'volumev3', `/snapshots/${snapshot.id}`, 'snapshot'));
    await this.until(project, 'volumev3', `/snapshots/${snapshot.id}`, 'snapshot', 'available');
    return snapshot.id;
  }

  /** An external network for floating IPs, made by admin. */
  async externalNetwork(): Promise<string> {
    const { network } = await this.call<{ network: { id: string } }>(undefined, 'POST', 'network', '/v2.0/networks', {
      // vxlan, not flat: the stack's one flat physical network may already carry another test's network
      network: { name: `meter-public-${this.tag}`, 'router:external': true },
    });
    this.cleanups.push(() => this.call(undefined, 'DELETE', 'network', `/v2.0/networks/${network.id}`));
    await this.call(undefined, 'POST', 'network', '/v2.0/subnets', { subnet: { network_id: network.id, cidr: '198.51.100.0/24', ip_version: 4, enable_dhcp: false } });
    return network.id;
  }

  async floatingIp(project: string, networkId: string): Promise<string> {
    const { floatingip } = await this.call<{ floatingip: { id: string } }>(undefined, 'POST', 'network', '/v2.0/floatingips', { floatingip: { floating_network_id: networkId, project_id: project } });
    this.cleanups.push(() => this.delete(undefined, 'network', `/v2.0/floatingips/${floatingip.id}`));
    return floatingip.id;
  }

  async router(project: string): Promise<string> {
    const { router } = await this.call<{ router: { id: string } }>(undefined, 'POST', 'network', '/v2.0/routers', { router: { name: `meter-${this.tag}`, project_id: project } });
    this.cleanups.push(() => this.delete(undefined, 'network', `/v2.0/routers/${router.id}`));
    return router.id;
  }

  /**
   * A load balancer in `project` on the Octavia API at `url` (noop provider: it stays
   * PENDING_CREATE; the noop network driver accepts any VIP subnet id).
   */
  async loadBalancer(url: string, project: string): Promise<string> {
    const { token } = await this.as();
    const res = await fetch(`${url}/v2/lbaas/loadbalancers`, {
      method: 'POST',
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      body: JSON.stringify({ loadbalancer: { name: `meter-${this.tag}`, vip_subnet_id: '7a3b1d9e-0000-4000-8000-000000000001', project_id: project } }),
    });
    if (!res.ok) throw new Error(`POST load balancer → ${res.status} ${await res.text()}`);
    return ((await res.json()) as { loadbalancer: { id: string } }).loadbalancer.id;
  }

  /** Deletes and waits until the API answers 404 (`key` given: poll it). */
  async delete(project: string | undefined, service: string, path: string, key?: string): Promise<void> {
    const s = await this.as(project);
    const res = await fetch(`${s.endpoints[service]}${path}`, { method: 'DELETE', headers: { 'x-auth-token': s.token, ...(service === 'compute' ? NOVA : {}) } });
    if (!res.ok && res.status !== 404) throw new Error(`DELETE ${service}${path} → ${res.status} ${await res.text()}`);
    if (key && project) await this.waitFor(`${path} gone`, async () => (await this.status(project, service, path, key)) === 'gone');
  }

  /** Removes everything made, newest first; keeps going past failures (already gone). */
  async cleanup(): Promise<void> {
    for (const c of this.cleanups.reverse()) await c().catch(() => undefined);
  }
}
