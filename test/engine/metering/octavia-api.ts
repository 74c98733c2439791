import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * A real Octavia API (Debian's python3-octavia, Zed) for the metering tests, started beside
 * the full stack: keystone auth against the stack's Keystone, the noop provider driver (no
 * amphorae: a load balancer stays PENDING_CREATE, which is all metering needs to list it),
 * SQLite. It registers itself as `load-balancer` in the catalog and removes that again on
 * stop, so other tests see the catalog they expect.
 *
 * Octavia's alembic migrations can't ALTER constraints on SQLite; like the launcher does for
 * neutron, the schema is built from the models and the lookup tables the migrations would
 * fill are filled from octavia's own constants.
 */
const SCHEMA_PY = `
import sys
from sqlalchemy import create_engine, text
from octavia.db import models, base_models
from octavia.common import constants as c
LOOKUPS = {
  'algorithm': c.SUPPORTED_LB_ALGORITHMS, 'amphora_roles': c.SUPPORTED_AMPHORA_ROLES,
  'health_monitor_type': c.SUPPORTED_HEALTH_MONITOR_TYPES, 'l7policy_action': c.SUPPORTED_L7POLICY_ACTIONS,
  'l7rule_compare_type': c.SUPPORTED_L7RULE_COMPARE_TYPES, 'l7rule_type': c.SUPPORTED_L7RULE_TYPES,
  'lb_topology': c.SUPPORTED_LB_TOPOLOGIES, 'operating_status': c.SUPPORTED_OPERATING_STATUSES,
  'protocol': c.SUPPORTED_PROTOCOLS, 'provisioning_status': c.SUPPORTED_PROVISIONING_STATUSES,
  'session_persistence_type': c.SUPPORTED_SP_TYPES, 'vrrp_auth_method': c.SUPPORTED_VRRP_AUTH,
}
e = create_engine(sys.argv[1])
base_models.BASE.metadata.create_all(e)
with e.begin() as conn:
    for table, names in LOOKUPS.items():
        for n in sorted(set(names)):
            conn.execute(text(f"INSERT INTO {table} (name) VALUES (:n)"), {"n": n})
    conn.execute(text("PRAGMA journal_mode=WAL"))
`;

const PASSWORD = 'octavia-test-secret';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Keystone calls with the admin token, failing loudly (test setup). */
function keystone(authUrl: string, token: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${authUrl}${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** Removes any `load-balancer` service (and so its endpoints) from the catalog. */
async function unregister(authUrl: string, token: string): Promise<void> {
  const ks = keystone(authUrl, token);
  const { services } = await ks<{ services: { id: string }[] }>('GET', '/services?type=load-balancer');
  for (const s of services) await ks('DELETE', `/services/${s.id}`);
}

async function register(authUrl: string, token: string, url: string): Promise<void> {
  const ks = keystone(authUrl, token);
  await unregister(authUrl, token);
  const found = await ks<{ users: { id: string }[] }>('GET', '/users?name=octavia');
  const userId = found.users[0]?.id ?? (await ks<{ user: { id: string } }>('POST', '/users', { user: { name: 'octavia', password: PASSWORD, domain_id: 'default' } })).user.id;
  await ks('PATCH', `/users/${userId}`, { user: { password: PASSWORD } });
  const project = (await ks<{ projects: { id: string }[] }>('GET', '/projects?name=service')).projects[0]!.id;
  const admin = (await ks<{ roles: { id: string }[] }>('GET', '/roles?name=admin')).roles[0]!.id;
  await ks('PUT', `/projects/${project}/users/${userId}/roles/${admin}`);
  const service = (await ks<{ service: { id: string } }>('POST', '/services', { service: { type: 'load-balancer', name: 'octavia' } })).service.id;
  for (const iface of ['public', 'internal', 'admin']) await ks('POST', '/endpoints', { endpoint: { service_id: service, interface: iface, url, region_id: 'RegionOne' } });
}

function config(dir: string, port: number, authUrl: string): string {
  const identity = authUrl.replace(/\/v3\/?$/, '');
  return `[DEFAULT]
transport_url = fake:/
[api_settings]
bind_host = 127.0.0.1
bind_port = ${port}
auth_strategy = keystone
default_provider_driver = noop_driver
enabled_provider_drivers = noop_driver:The noop driver
[database]
connection = sqlite:///${dir}/octavia.db
[controller_worker]
amphora_driver = amphora_noop_driver
compute_driver = compute_noop_driver
network_driver = network_noop_driver
[keystone_authtoken]
www_authenticate_uri = ${identity}
auth_url = ${identity}
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = octavia
password = ${PASSWORD}
[oslo_messaging]
topic = octavia_prov
`;
}

async function waitFor(url: string, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`octavia-api exited with ${child.exitCode}; see ${log}`);
    if (await fetch(url).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`octavia-api did not answer at ${url} within 60 s; see ${log}`);
}

/** A running Octavia API; `stop()` ends it and takes it out of the catalog. */
export interface OctaviaApi {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts octavia-api for the stack at `authUrl` with the admin `token`, and registers it.
 * Needs python3-octavia (test/openstack/install.sh full).
 */
export async function startOctavia(authUrl: string, token: string): Promise<OctaviaApi> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-octavia-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'octavia.conf'), config(dir, port, authUrl));
  writeFileSync(join(dir, 'schema.py'), SCHEMA_PY);
  execFileSync('/usr/bin/python3', [join(dir, 'schema.py'), `sqlite:///${dir}/octavia.db`], { stdio: 'pipe' });
  const log = join(dir, 'octavia-api.log');
  const code = `import sys\nfrom octavia.cmd.api import main\nsys.argv = ['octavia-api', '--config-file', '${dir}/octavia.conf', '--log-file', '${log}']\nmain()\n`;
  const child = spawn('/usr/bin/python3', ['-c', code], { stdio: 'ignore' });
  await waitFor(url, child, log);
  await register(authUrl, token, url);
  return {
    url,
    async stop() {
      await unregister(authUrl, token);
      child.kill('SIGTERM');
    },
  };
}
