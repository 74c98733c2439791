import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from 'neverthrow';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCloud, openSession, type CloudConfig, type OpenStackSession, type SessionOptions } from '../../../engine/openstack/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.ts';

const unique = (prefix: string): string => `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
const fast: SessionOptions['retryPolicy'] = { baseMs: 5, capMs: 20 };

/** Every log line and error message of this file, and every secret it used: checked at the end. */
const output: string[] = [];
const secrets = new Set<string>();
const log = (line: string): void => void output.push(line);
const cleanup: (() => unknown)[] = [];

afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

function stackCloud(name: string): CloudConfig {
  return loadCloud({ cloud: name, files: { clouds: testStack().cloudsYaml }, env: {} })._unsafeUnwrap();
}

/** The value, or a thrown Error with the failure's own message (kept for the secrets check). */
function unwrap<T>(r: Result<T, { message: string }>): T {
  if (r.isOk()) return r.value;
  output.push(r.error.message);
  throw new Error(r.error.message);
}

async function open(cloud: CloudConfig, opts: SessionOptions = {}): Promise<OpenStackSession> {
  return unwrap(await openSession(cloud, { log, retryPolicy: fast, ...opts }));
}

/** A user of its own with a long random password, and the role `role` on `target`. */
async function makeUser(target: string[], role = 'admin'): Promise<{ name: string; password: string; id: string }> {
  const name = unique('kf-sess');
  // A leading letter: the CLI would take a password starting with '-' for an option.
  const password = `pw${randomBytes(18).toString('base64url')}`;
  secrets.add(password);
  const u = unwrap(await osc(['user', 'create', '--domain', 'default', '--password', password, name])) as { id: string };
  cleanup.push(() => oscAction(['user', 'delete', u.id]));
  unwrap(await oscAction(['role', 'add', '--user', u.id, ...target, role]));
  return { name, password, id: u.id };
}

/** Writes a clouds.yaml holding `clouds` into a fresh folder and loads `name` from it. */
function cloudFromYaml(name: string, clouds: Record<string, unknown>): CloudConfig {
  const dir = mkdtempSync(join(tmpdir(), 'kf-session-'));
  const file = join(dir, 'clouds.yaml');
  writeFileSync(file, stringify({ clouds }), { mode: 0o600 });
  return loadCloud({ cloud: name, files: { clouds: file }, env: {} })._unsafeUnwrap();
}

describe('openSession against the real Keystone', () => {
  it('authenticates with a password, scoped to a project, and finds the identity endpoint in the catalog', async () => {
    // GIVEN the stack's admin cloud
    const s = await open(stackCloud('admin'));
    // WHEN a list is read through the catalog endpoint
    const r = await s.request<{ projects: { name: string }[] }>({ method: 'GET', service: 'identity', path: '/projects' });
    // THEN the token is project-scoped and the call works
    expect(s.scope).toMatchObject({ kind: 'project', projectName: 'admin', domainId: 'default' });
    expect(s.endpoint('identity')._unsafeUnwrap()).toBe(testStack().authUrl);
    expect(r._unsafeUnwrap().body.projects.map((p) => p.name)).toContain('admin');
    expect(s.endpoint('compute')._unsafeUnwrapErr().kind).toBe('endpoint-not-found');
    s.close();
  });

  it('gets a system-scoped token from system_scope: all, or on request from a project cloud', async () => {
    // GIVEN the admin-system cloud and the admin cloud
    const sys = await open(stackCloud('admin-system'));
    const asked = await open(stackCloud('admin'), { scope: 'system' });
    // WHEN limits are listed (other projects' limits need system scope)
    const limits = await sys.request({ method: 'GET', service: 'identity', path: '/limits' });
    // THEN both are system-scoped
    expect(sys.scope.kind).toBe('system');
    expect(asked.scope.kind).toBe('system');
    expect(limits.isOk()).toBe(true);
    sys.close();
    asked.close();
  });

  it('authenticates with a domain scope when the cloud names a domain and no project', async () => {
    // GIVEN a user with admin on domain default, and a cloud scoped to that domain
    const u = await makeUser(['--domain', 'default']);
    const cloud = cloudFromYaml('dom', { dom: { auth: { auth_url: testStack().authUrl, username: u.name, password: u.password, user_domain_id: 'default', domain_id: 'default' } } });
    // WHEN a session is opened
    const s = await open(cloud);
    // THEN its token is scoped to the domain
    expect(s.scope).toMatchObject({ kind: 'domain', domainId: 'default' });
    expect(s.userId).toBe(u.id);
    s.close();
  });

  it('authenticates with an application credential, by id and by name', async () => {
    // GIVEN an application credential of a user with admin on project admin, holding the member role only
    // (naming the role keeps Keystone from storing an implied role twice when the shared stack's roles overlap)
    const u = await makeUser(['--project', 'admin']);
    const asUser = { auth: { auth_url: testStack().authUrl, username: u.name, password: u.password, user_domain_id: 'default', project_name: 'admin', project_domain_id: 'default' } };
    const userCloud = cloudFromYaml('u', { u: asUser });
    const me = await open(userCloud);
    const name = unique('kf-ac');
    const created = await me.request<{ application_credential: { id: string; secret: string } }>({ method: 'POST', service: 'identity', path: `/users/${u.id}/application_credentials`, body: { application_credential: { name, roles: [{ name: 'member' }] } } });
    const ac = unwrap(created).body.application_credential;
    // Deleted before its user: deleting a user drops its credentials in bulk, and Keystone on sqlite
    // then leaves their role rows behind, which breaks the next credential made on that database.
    cleanup.push(() => me.request({ method: 'DELETE', service: 'identity', path: `/users/${u.id}/application_credentials/${ac.id}` }));
    secrets.add(ac.secret);
    const byId = cloudFromYaml('ac', { ac: { auth_type: 'v3applicationcredential', auth: { auth_url: testStack().authUrl, application_credential_id: ac.id, application_credential_secret: ac.secret } } });
    const byName = cloudFromYaml('ac', { ac: { auth_type: 'v3applicationcredential', auth: { auth_url: testStack().authUrl, application_credential_name: name, application_credential_secret: ac.secret, user_id: u.id } } });
    // WHEN sessions are opened with it
    const s1 = await open(byId);
    const s2 = await open(byName);
    // THEN both act as the user on project admin
    for (const s of [s1, s2]) {
      expect(s.userId).toBe(u.id);
      expect(s.scope).toMatchObject({ kind: 'project', projectName: 'admin' });
      expect((await s.request({ method: 'GET', service: 'identity', path: '/auth/projects' })).isOk()).toBe(true);
      s.close();
    }
  });

  it('authenticates from OS_* variables alone', async () => {
    // GIVEN only environment variables (no clouds.yaml where it looks)
    const u = await makeUser(['--project', 'admin']);
    const env = { OS_AUTH_URL: testStack().authUrl, OS_USERNAME: u.name, OS_PASSWORD: u.password, OS_USER_DOMAIN_ID: 'default', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_ID: 'default', OS_REGION_NAME: 'RegionOne' };
    const empty = mkdtempSync(join(tmpdir(), 'kf-env-'));
    const cloud = unwrap(loadCloud({ env, cwd: empty, home: empty }));
    // WHEN a session is opened
    const s = await open(cloud);
    // THEN it is the user's, on project admin, in RegionOne
    expect(cloud.name).toBe('envvars');
    expect(s.userId).toBe(u.id);
    expect(s.region).toBe('RegionOne');
    s.close();
  });

  it('fails with AuthFailed and a hint, never the password, when the password is wrong', async () => {
    // GIVEN the admin cloud with a wrong password
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    secrets.add(wrong);
    const base = stackCloud('admin');
    const cloud = cloudFromYaml('bad', { bad: { auth: { auth_url: base.authUrl, username: 'admin', password: wrong, user_domain_id: 'default', project_name: 'admin', project_domain_id: 'default' } } });
    // WHEN a session is opened
    const r = await openSession(cloud, { log });
    // THEN it is refused clearly
    const e = r._unsafeUnwrapErr();
    output.push(e.message, JSON.stringify(e));
    expect(e.kind).toBe('auth-failed');
    expect(e.message).toContain('Check the user, password');
  });

  it('re-authenticates once when Keystone revokes the token mid-run', async () => {
    // GIVEN a session of a user of its own
    const u = await makeUser(['--project', 'admin']);
    const s = await open(cloudFromYaml('u', { u: { auth: { auth_url: testStack().authUrl, username: u.name, password: u.password, user_domain_id: 'default', project_name: 'admin', project_domain_id: 'default' } } }));
    unwrap(await s.request({ method: 'GET', service: 'identity', path: '/projects' }));
    const before = s.stats.calls;
    // WHEN the user is disabled and enabled again (Keystone revokes its tokens) and the session goes on
    unwrap(await oscAction(['user', 'set', '--disable', u.id]));
    unwrap(await oscAction(['user', 'set', '--enable', u.id]));
    const r = await s.request({ method: 'GET', service: 'identity', path: '/projects' });
    // THEN the call succeeds after a 401, a new token and a second try
    expect(r.isOk()).toBe(true);
    expect(s.stats.calls - before).toBe(3);
    expect(output.some((l) => / → 401 /.test(l))).toBe(true);
    s.close();
  });
});

describe('the session through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  const tokensSeen = new Set<string>();

  async function viaProxy(opts: SessionOptions = {}): Promise<OpenStackSession> {
    proxy ??= await startFaultProxy({
      target: new URL(testStack().authUrl).origin,
      random: { seed: 42 },
      maxRequests: 2000,
      lifetimeMs: 300_000,
      onRequest: (r) => {
        const t = r.headers['x-auth-token'];
        if (typeof t === 'string') tokensSeen.add(t);
      },
    });
    const base = stackCloud('admin');
    const authUrl = `${proxy.url}/v3`;
    return open({ ...base, authUrl, auth: { ...base.auth, authUrl } }, { endpointOverrides: { identity: authUrl }, ...opts });
  }

  afterAll(async () => {
    for (const t of tokensSeen) secrets.add(t);
    await proxy?.close();
  });

  it('retries a burst of 503s on a GET and succeeds', async () => {
    // GIVEN a session through the proxy, and the next three project lists answering 503
    const s = await viaProxy();
    proxy.script({ match: { method: 'GET', path: /\/v3\/projects/ }, faults: Array(3).fill({ kind: 'status', status: 503 }) });
    const retriesBefore = s.stats.retries;
    // WHEN projects are listed
    const r = await s.request({ method: 'GET', service: 'identity', path: '/projects' });
    // THEN the fourth try answers
    expect(r.isOk()).toBe(true);
    expect(s.stats.retries - retriesBefore).toBe(3);
    s.close();
  });

  it('gives up with a clear error after the bounded retries when 503s persist', async () => {
    // GIVEN more 503s than the session retries (2 retries = 3 attempts)
    const s = await viaProxy({ retries: 2 });
    proxy.script({ match: { path: /\/v3\/groups/ }, faults: Array(5).fill({ kind: 'status', status: 503 }) });
    const callsBefore = s.stats.calls;
    // WHEN groups are listed
    const e = (await s.request({ method: 'GET', service: 'identity', path: '/groups' }))._unsafeUnwrapErr();
    output.push(e.message);
    proxy.clearScript();
    // THEN it stops after 3 attempts and says so
    expect(s.stats.calls - callsBefore).toBe(3);
    expect(e).toMatchObject({ kind: 'http-error', status: 503 });
    expect(e.message).toContain('gave up after 3 attempts');
    s.close();
  });

  it('retries dropped connections, and reports Unreachable when they persist', async () => {
    // GIVEN two dropped connections, then (for a second call) drops without end
    const s = await viaProxy({ retries: 3 });
    proxy.script({ match: { path: /\/v3\/domains/ }, faults: [{ kind: 'drop' }, { kind: 'drop' }] });
    // WHEN domains are listed, then roles with every attempt dropped
    const ok = await s.request({ method: 'GET', service: 'identity', path: '/domains' });
    proxy.script({ match: { path: /\/v3\/roles/ }, faults: Array(4).fill({ kind: 'drop' }) });
    const e = (await s.request({ method: 'GET', service: 'identity', path: '/roles' }))._unsafeUnwrapErr();
    output.push(e.message);
    // THEN the first succeeds on its third try; the second fails naming the attempts
    expect(ok.isOk()).toBe(true);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toContain('after 4 attempt(s)');
    s.close();
  });

  it('waits as long as a 429 Retry-After says before trying again', async () => {
    // GIVEN one 429 with Retry-After: 1
    const s = await viaProxy();
    proxy.script({ match: { path: /\/v3\/services/ }, faults: [{ kind: 'status', status: 429, headers: { 'retry-after': '1' } }] });
    // WHEN services are listed
    const t0 = Date.now();
    const r = await s.request({ method: 'GET', service: 'identity', path: '/services' });
    // THEN it succeeds, no sooner than a second later
    expect(r.isOk()).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    s.close();
  });

  it('does not resend a POST after a 503, since it may have been applied', async () => {
    // GIVEN a 503 on the next group creation
    const s = await viaProxy();
    proxy.script({ match: { method: 'POST', path: /\/v3\/groups/ }, faults: [{ kind: 'status', status: 503 }] });
    const callsBefore = s.stats.calls;
    // WHEN a group is created
    const e = (await s.request({ method: 'POST', service: 'identity', path: '/groups', body: { group: { name: unique('kf-post') } } }))._unsafeUnwrapErr();
    // THEN it fails after one attempt
    expect(e.status).toBe(503);
    expect(s.stats.calls - callsBefore).toBe(1);
    s.close();
  });

  it('times out a slow answer and retries it within the bound', async () => {
    // GIVEN answers delayed past a 300 ms timeout, twice, then a normal one
    const s = await viaProxy({ timeoutMs: 300, retries: 1 });
    proxy.script({ match: { path: /\/v3\/users/ }, faults: [{ kind: 'delay', ms: 1000 }, { kind: 'delay', ms: 1000 }] });
    // WHEN users are listed (1 retry), then again
    const e = (await s.request({ method: 'GET', service: 'identity', path: '/users' }))._unsafeUnwrapErr();
    output.push(e.message);
    const again = await s.request({ method: 'GET', service: 'identity', path: '/users' });
    // THEN the first gives up as a Timeout, the second succeeds
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('300 ms');
    expect(again.isOk()).toBe(true);
    s.close();
  });

  it('uses the proxy from a clouds.yaml with identity_endpoint_override, the catalog naming the real port', async () => {
    // GIVEN a clouds.yaml whose auth_url and identity endpoint both name the proxy
    await viaProxy();
    const base = stackCloud('admin');
    const cloud = cloudFromYaml('p', {
      p: { auth: { auth_url: `${proxy.url}/v3`, username: 'admin', password: base.auth.password!.reveal(), user_domain_name: 'Default', project_name: 'admin', project_domain_name: 'Default' }, identity_endpoint_override: `${proxy.url}/v3` },
    });
    const seen = proxy.events.length;
    // WHEN a session lists projects
    const s = await open(cloud);
    (await s.request({ method: 'GET', service: 'identity', path: '/projects' }))._unsafeUnwrap();
    // THEN both the token request and the list went through the proxy
    expect(proxy.events.slice(seen).map((e) => `${e.method} ${e.path}`)).toEqual(['POST /v3/auth/tokens', 'GET /v3/projects']);
    s.close();
  });
});

describe('secrets', () => {
  it('appear in no log line and no error message of this file', () => {
    // GIVEN every line logged and every error message of the tests above, and every secret they used
    const all = output.join('\n');
    // WHEN searched for each password, application credential secret and token
    const leaked = [...secrets].filter((s) => all.includes(s));
    // THEN none is found, though there was plenty to search
    expect(secrets.size).toBeGreaterThan(4);
    expect(output.length).toBeGreaterThan(20);
    expect(leaked).toEqual([]);
  });
});

describe('connections per host', () => {
  it('sends as many requests at once as maxConnections allows, 8 unless asked, so a larger apply --parallelism reaches the cloud', async () => {
    // GIVEN a proxy that holds every project list 5 s and notes when each arrives
    const holdMs = 5000;
    const arrivals: number[] = [];
    const proxy = await startFaultProxy({
      target: new URL(testStack().authUrl).origin,
      lifetimeMs: 120_000,
      onRequest: (r) => {
        const t = r.headers['x-auth-token'];
        if (typeof t === 'string') secrets.add(t);
        if (r.method === 'GET' && r.path.startsWith('/v3/projects')) arrivals.push(performance.now());
      },
    });
    const base = stackCloud('admin');
    const authUrl = `${proxy.url}/v3`;
    // WHEN 16 lists are sent at once, by a session with the default pool and by one with 16 connections
    const atOnce = async (opts: SessionOptions): Promise<number> => {
      const s = await open({ ...base, authUrl, auth: { ...base.auth, authUrl } }, { endpointOverrides: { identity: authUrl }, ...opts });
      arrivals.length = 0;
      proxy.script({ match: { method: 'GET', path: /^\/v3\/projects/ }, faults: Array(16).fill({ kind: 'delay', ms: holdMs }) });
      const all = await Promise.all(Array.from({ length: 16 }, (_, i) => s.request({ method: 'GET', service: 'identity', path: `/projects?name=kf-pool-${i}` })));
      s.close();
      expect(all.every((r) => r.isOk())).toBe(true);
      // A request past the pool waits for an answer, which comes no sooner than holdMs after the first arrival.
      const first = Math.min(...arrivals);
      return arrivals.filter((t) => t < first + holdMs).length;
    };
    const byDefault = await atOnce({});
    const widened = await atOnce({ maxConnections: 16 });
    await proxy.close();
    // THEN Keystone saw 8 at once by default, and all 16 with the wider pool
    expect(byDefault).toBe(8);
    expect(widened).toBe(16);
  }, 60_000);
});
