import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, keystoneRequestFailed } from './launcher-error.ts';

/**
 * The accounts every test stack has. Test-only credentials on a loopback-only stack; they
 * are also written into the stack's clouds.yaml (mode 0600).
 */
export const STACK_ACCOUNTS = {
  /** Made by `keystone-manage bootstrap`: admin on project `admin` and on the system. */
  admin: { user: 'admin', password: 'secret', project: 'admin' },
  /** Seeded: `reader` on project `admin`, nothing else. */
  auditor: { user: 'auditor', password: 'secret', project: 'admin' },
} as const;

/** Password of the service users (nova, neutron, ...) of the full stack. */
export const SERVICE_PASSWORD = 'secret';

/** One catalog entry of the full stack. */
export interface CatalogEntry {
  /** Service type, e.g. `compute`. */
  readonly type: string;
  /** Service name, e.g. `nova`; also the name of its service user. */
  readonly name: string;
  /** The endpoint URL for all three interfaces. */
  readonly url: string;
}

interface KeystoneCall {
  readonly authUrl: string;
  readonly token: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

interface KeystoneAnswer {
  readonly body: unknown;
  readonly subjectToken: string | null;
}

function keystoneCall(call: KeystoneCall): ResultAsync<KeystoneAnswer, LauncherError> {
  const request = `${call.method} ${call.path}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (call.token !== undefined) headers['x-auth-token'] = call.token;
  const send = async (): Promise<KeystoneAnswer | string> => {
    const res = await fetch(`${call.authUrl}${call.path}`, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    if (!res.ok) return `HTTP ${res.status} ${text.slice(0, 300)}`;
    return { body: text === '' ? undefined : JSON.parse(text), subjectToken: res.headers.get('x-subject-token') };
  };
  return ResultAsync.fromPromise(send(), (e) => keystoneRequestFailed(request, String(e))).andThen((answer) =>
    typeof answer === 'string' ? errAsync(keystoneRequestFailed(request, answer)) : okAsync(answer),
  );
}

/** A project-scoped token of the bootstrap admin, with the id of project `admin`. */
export interface AdminToken {
  readonly token: string;
  readonly projectId: string;
}

/** Logs the bootstrap admin in, scoped to project `admin`. */
export function adminToken(authUrl: string): ResultAsync<AdminToken, LauncherError> {
  const { user, password, project } = STACK_ACCOUNTS.admin;
  const body = {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user, domain: { id: 'default' }, password } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  };
  return keystoneCall({ authUrl, token: undefined, method: 'POST', path: '/auth/tokens', body }).andThen((a) => {
    const projectId = (a.body as { token?: { project?: { id?: string } } }).token?.project?.id;
    return a.subjectToken === null || projectId === undefined
      ? errAsync(keystoneRequestFailed('POST /auth/tokens', 'no token or project in the answer'))
      : okAsync({ token: a.subjectToken, projectId });
  });
}

/** The id of the one object named `name` in a Keystone collection (`roles`, `projects`). */
function idByName(authUrl: string, token: string, collection: string, name: string): ResultAsync<string, LauncherError> {
  const path = `/${collection}?name=${encodeURIComponent(name)}`;
  return keystoneCall({ authUrl, token, method: 'GET', path }).andThen((a) => {
    const items = (a.body as Record<string, { id: string }[] | undefined>)[collection] ?? [];
    const id = items[0]?.id;
    return id === undefined ? errAsync(keystoneRequestFailed(`GET ${path}`, `no ${name} found`)) : okAsync(id);
  });
}

function create(authUrl: string, token: string, collection: string, body: object): ResultAsync<string, LauncherError> {
  const key = collection.slice(0, -1);
  return keystoneCall({ authUrl, token, method: 'POST', path: `/${collection}`, body: { [key]: body } }).map(
    (a) => (a.body as Record<string, { id: string }>)[key]?.id ?? '',
  );
}

function grant(authUrl: string, token: string, projectId: string, userId: string, roleId: string) {
  const path = `/projects/${projectId}/users/${userId}/roles/${roleId}`;
  return keystoneCall({ authUrl, token, method: 'PUT', path }).map(() => undefined);
}

/** Creates the `auditor` user with `reader` on project `admin`. */
export function seedAuditor(authUrl: string, token: string): ResultAsync<void, LauncherError> {
  const { user, password, project } = STACK_ACCOUNTS.auditor;
  return ResultAsync.combine([
    idByName(authUrl, token, 'roles', 'reader'),
    idByName(authUrl, token, 'projects', project),
    create(authUrl, token, 'users', { name: user, password, domain_id: 'default' }),
  ]).andThen(([reader, projectId, userId]) => grant(authUrl, token, projectId, userId, reader));
}

function seedService(authUrl: string, token: string, entry: CatalogEntry, project: string, admin: string) {
  const endpoints = (serviceId: string) =>
    ResultAsync.combine(
      ['public', 'internal', 'admin'].map((iface) =>
        create(authUrl, token, 'endpoints', { service_id: serviceId, interface: iface, url: entry.url, region_id: 'RegionOne' }),
      ),
    );
  const user = create(authUrl, token, 'users', { name: entry.name, password: SERVICE_PASSWORD, domain_id: 'default' });
  return ResultAsync.combine([
    user.andThen((userId) => grant(authUrl, token, project, userId, admin)),
    create(authUrl, token, 'services', { type: entry.type, name: entry.name }).andThen(endpoints),
  ]).map(() => undefined);
}

/**
 * Makes project `service`, one service user per entry (admin on `service`, as the services'
 * keystone_authtoken sections expect) and the catalog entries in region RegionOne.
 */
export function seedServiceCatalog(
  authUrl: string,
  token: string,
  entries: readonly CatalogEntry[],
): ResultAsync<void, LauncherError> {
  return ResultAsync.combine([
    create(authUrl, token, 'projects', { name: 'service', domain_id: 'default' }),
    idByName(authUrl, token, 'roles', 'admin'),
  ]).andThen(([project, admin]) =>
    ResultAsync.combine(entries.map((entry) => seedService(authUrl, token, entry, project, admin))).map(() => undefined),
  );
}
