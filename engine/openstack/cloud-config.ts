import { Result, err, ok } from 'neverthrow';
import { cloudNotFound, configInvalid, configNotFound, type OpenStackError } from './errors.ts';
import { loadFiles, type FileSearch, type RawClouds } from './config-files.ts';
import { expandProfile } from './cloud-profile.ts';
import { secret, type Secret } from './redact.ts';

/** The auth plugins keyform speaks (keystoneauth names). `v3password` is `password` on Keystone v3. */
export type AuthType = 'password' | 'v3password' | 'v3applicationcredential';
export type Interface = 'public' | 'internal' | 'admin';

/**
 * Auth options as keystoneauth names them, camel-cased. Secrets are `Secret`s: printing a
 * CloudConfig, or `JSON.stringify`-ing it, shows `***` in their place.
 */
export interface CloudAuth {
  readonly authUrl: string;
  readonly username?: string;
  readonly userId?: string;
  readonly userDomainName?: string;
  readonly userDomainId?: string;
  readonly password?: Secret;
  readonly projectName?: string;
  readonly projectId?: string;
  readonly projectDomainName?: string;
  readonly projectDomainId?: string;
  /** Domain scope (used only when no project is given). */
  readonly domainName?: string;
  readonly domainId?: string;
  /** `all` asks for a system-scoped token. */
  readonly systemScope?: string;
  readonly applicationCredentialId?: string;
  readonly applicationCredentialName?: string;
  readonly applicationCredentialSecret?: Secret;
}

/** One cloud of clouds.yaml (or of the OS_* environment), resolved and checked. */
export interface CloudConfig {
  /** The clouds.yaml entry name, or `envvars` (OS_CLOUD_NAME) for the environment. */
  readonly name: string;
  /** Where it came from: a file path or `environment`. */
  readonly source: string;
  readonly authUrl: string;
  readonly authType: AuthType;
  readonly auth: CloudAuth;
  readonly regionName?: string;
  /** @default 'public' */
  readonly interface: Interface;
  /** TLS verification. False only with `insecure: true` (or `verify: false`). @default true */
  readonly verify: boolean;
  /** A CA bundle (PEM file) to verify the endpoints' certificates with. */
  readonly cacert?: string;
  /** Per-service-type base URLs replacing the catalog's, from `<service_type>_endpoint_override` keys. */
  readonly endpointOverrides: Readonly<Record<string, string>>;
  /** `api_timeout` in clouds.yaml, in milliseconds. */
  readonly timeoutMs?: number;
}

export interface LoadCloudOptions {
  /** The cloud to use; else OS_CLOUD (which `--os-cloud` sets); else the environment cloud; else the only cloud in the file. */
  readonly cloud?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Explicit files instead of the standard search. */
  readonly files?: { readonly clouds?: string; readonly secure?: string };
  /** Region to pick among the cloud's `regions`; else `region_name`, else the first region. */
  readonly region?: string;
  readonly cwd?: string;
  readonly home?: string;
}

/**
 * Resolves a cloud the way openstacksdk's `openstack.connect()` does: the first clouds.yaml
 * found (OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack, /etc/xdg/openstack, /etc/openstack)
 * merged with the first secure.yaml found; `OS_*` variables form one more cloud named
 * `envvars` (or OS_CLOUD_NAME). The cloud used is `opts.cloud`, else OS_CLOUD, else the
 * environment cloud when OS_* auth variables are set, else the file's only cloud. A
 * `profile:` is expanded from clouds-public.yaml (see `expandProfile`). The values of a
 * named cloud come from the files alone: OS_* variables (OS_REGION_NAME and OS_PASSWORD
 * too) do not patch it, as in `openstack.connect()`; the `openstack` CLI differs here, its
 * option defaults come from OS_* and override the cloud's values.
 * @example loadCloud({ cloud: 'prod' })
 */
export function loadCloud(opts: LoadCloudOptions = {}): Result<CloudConfig, OpenStackError> {
  return cloudsOf(opts)(opts.cloud, opts.region);
}

/** Resolves one cloud, by name (else as `loadCloud` chooses) and region, from files read once. */
export type CloudResolver = (cloud?: string, region?: string) => Result<CloudConfig, OpenStackError>;

/**
 * The clouds of the files `loadCloud` would read (and the OS_* variables), read once: each
 * call of the resolver picks and resolves one entry as `loadCloud({ ...opts, cloud, region })`
 * does, so that a command resolving several entries reads and parses the files once.
 * @example const clouds = cloudsOf({ env, cwd }); clouds('prod'); clouds('prod-metering')
 */
export function cloudsOf(opts: Omit<LoadCloudOptions, 'cloud' | 'region'> = {}): CloudResolver {
  const env = opts.env ?? process.env;
  const search: FileSearch = { env, ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.home ? { home: opts.home } : {}), ...(opts.files ? { files: opts.files } : {}) };
  const loaded = loadFiles(search);
  return (cloud, region) => loaded.andThen((files) => {
    const envKey = env.OS_CLOUD_NAME || 'envvars';
    if (envKey in files.clouds && envCloud(env)) {
      return err(configInvalid(`${files.cloudsFile} defines a cloud named ${JSON.stringify(envKey)}, which OS_CLOUD_NAME also names for the OS_* variables. Rename one of them.`));
    }
    const fromEnv = envCloud(env);
    const clouds: RawClouds = fromEnv ? { ...files.clouds, [envKey]: fromEnv } : files.clouds;
    const names = Object.keys(clouds);
    const chosen = cloud || env.OS_CLOUD || (fromEnv ? envKey : names.length === 1 ? names[0] : undefined);
    if (!chosen) {
      return names.length === 0
        ? err(configNotFound(files.searched))
        : err(configInvalid(`${files.cloudsFile} defines several clouds (${names.sort().join(', ')}) and none was chosen. Set the platform's \`cloud\`, OS_CLOUD or --os-cloud.`));
    }
    const raw = clouds[chosen];
    if (!raw) return err(cloudNotFound(chosen, files.cloudsFile, names));
    const source = fromEnv && chosen === envKey ? 'environment' : (files.cloudsFile ?? 'environment');
    return expandProfile(chosen, normalizeKeys(raw), search, envKey).andThen((c) => resolveCloud(chosen, source, normalizeKeys(c), region));
  });
}

const ENV_SELECTORS = new Set(['OS_CLOUD', 'OS_REGION_NAME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE', 'OS_CLOUD_NAME']);

/** The OS_* variables as a cloud (`OS_AUTH_URL` → `auth_url`); undefined when only selectors are set. */
function envCloud(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const keys = Object.keys(env).filter((k) => k.startsWith('OS_') && !/^OS_(TEST|STD|LOG)/.test(k));
  if (!keys.some((k) => !ENV_SELECTORS.has(k))) return undefined;
  return Object.fromEntries(keys.map((k) => [k.slice(3).toLowerCase(), env[k]]));
}

/** Keys as openstacksdk normalizes them: `-` → `_`, recursively. */
function normalizeKeys(x: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    out[k.replace(/-/g, '_')] = typeof v === 'object' && v !== null && !Array.isArray(v) ? normalizeKeys(v as Record<string, unknown>) : v;
  }
  return out;
}

/** Keys that belong in `auth` even when written at the top level (as keystoneauth's options do). */
const AUTH_KEYS = [
  'auth_url', 'username', 'user_id', 'user_domain_name', 'user_domain_id', 'password', 'project_name', 'project_id',
  'project_domain_name', 'project_domain_id', 'domain_name', 'domain_id', 'system_scope', 'default_domain_id',
  'default_domain_name', 'application_credential_id', 'application_credential_name', 'application_credential_secret',
] as const;
type AuthKey = (typeof AUTH_KEYS)[number];

function resolveCloud(name: string, source: string, raw: Record<string, unknown>, wantRegion: string | undefined): Result<CloudConfig, OpenStackError> {
  return pickRegion(name, raw, wantRegion).andThen(({ region, values }): Result<CloudConfig, OpenStackError> => {
    const c = { ...raw, ...values };
    const a = collectAuth(c);
    const authType = String(c.auth_type ?? c.auth_plugin ?? 'password');
    if (!isAuthType(authType)) {
      return err(configInvalid(`Cloud ${JSON.stringify(name)} uses auth_type ${JSON.stringify(authType)}; keyform supports password, v3password and v3applicationcredential. Use one of them.`));
    }
    const authUrl = str(a.auth_url);
    if (!authUrl) return err(configInvalid(`Cloud ${JSON.stringify(name)} has no auth_url. Add auth.auth_url (or OS_AUTH_URL).`));
    const urlProblem = authUrlProblem(authUrl);
    if (urlProblem) return err(configInvalid(`Cloud ${JSON.stringify(name)}: auth_url ${urlProblem}.`));
    const timeout = apiTimeout(c.api_timeout);
    if (timeout.isErr()) return err(configInvalid(`Cloud ${JSON.stringify(name)}: api_timeout ${timeout.error}.`));
    const auth = buildAuth(authUrl, a);
    const problem = authProblem(authType, auth);
    if (problem) return err(configInvalid(`Cloud ${JSON.stringify(name)}: ${problem}.`));
    const iface = String(c.interface ?? c.endpoint_type ?? 'public').replace(/URL$/, '');
    if (iface !== 'public' && iface !== 'internal' && iface !== 'admin') {
      return err(configInvalid(`Cloud ${JSON.stringify(name)} has interface ${JSON.stringify(iface)}; use public, internal or admin.`));
    }
    const insecure = bool(c.insecure) || c.verify === false || String(c.verify).toLowerCase() === 'false';
    return ok({
      name,
      source,
      authUrl,
      authType,
      auth,
      ...(region ? { regionName: region } : {}),
      interface: iface,
      verify: !insecure,
      ...(str(c.cacert) ? { cacert: str(c.cacert)! } : {}),
      endpointOverrides: endpointOverrides(c),
      ...(timeout.value !== undefined ? { timeoutMs: timeout.value } : {}),
    });
  });
}

/**
 * Why `url` cannot be Keystone's address, or undefined. The URL itself is never quoted: one
 * written as `https://user:password@host` would put the password in the message.
 */
function authUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'is not a URL (it is not shown here: it may hold credentials); write e.g. https://keystone.example.com:5000/v3';
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `uses the scheme ${JSON.stringify(u.protocol.slice(0, 20))}; Keystone is reached over https:// (or http://)`;
  if (u.username || u.password) return 'carries credentials (user:password@); put them in auth.username and auth.password (or secure.yaml) instead';
  return undefined;
}

/** The longest `api_timeout` accepted: beyond an hour a request is hung, not slow. */
const MAX_API_TIMEOUT_S = 3600;

/** `api_timeout` (seconds, as openstacksdk reads it) in milliseconds; undefined when not set. */
function apiTimeout(raw: unknown): Result<number | undefined, string> {
  if (raw === undefined || raw === null || raw === '') return ok(undefined);
  const s = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*[0-9.]+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(s) || s <= 0 || s > MAX_API_TIMEOUT_S) return err(`must be a number of seconds above 0 and at most ${MAX_API_TIMEOUT_S} (e.g. 60)`);
  return ok(s * 1000);
}

/** Region as openstacksdk picks it: the wanted one (which must be known), else the first known. */
function pickRegion(name: string, c: Record<string, unknown>, want: string | undefined): Result<{ region: string | undefined; values: Record<string, unknown> }, OpenStackError> {
  const listed: { name: string; values: Record<string, unknown> }[] = [];
  const regions = Array.isArray(c.regions) ? c.regions : typeof c.region_name === 'string' ? c.region_name.split(',') : Array.isArray(c.region_name) ? c.region_name : [];
  for (const r of regions as unknown[]) {
    if (typeof r === 'string' && r) listed.push({ name: r, values: {} });
    else if (typeof r === 'object' && r !== null && typeof (r as { name?: unknown }).name === 'string') {
      const o = r as { name: string; values?: Record<string, unknown> };
      listed.push({ name: o.name, values: normalizeKeys(o.values ?? {}) });
    }
  }
  if (!want) return ok({ region: listed[0]?.name, values: listed[0]?.values ?? {} });
  if (listed.length === 0) return ok({ region: want, values: {} });
  const hit = listed.find((r) => r.name === want);
  if (!hit) return err(configInvalid(`Region ${JSON.stringify(want)} is not a region of cloud ${JSON.stringify(name)} (it has ${listed.map((r) => r.name).join(', ')}). Region names are case sensitive.`));
  return ok({ region: hit.name, values: hit.values });
}

/** Merges top-level auth keys into `auth`, maps tenant_* → project_*, and spreads domain_* as openstacksdk does. */
function collectAuth(c: Record<string, unknown>): Partial<Record<AuthKey, unknown>> {
  const a: Record<string, unknown> = { ...(typeof c.auth === 'object' && c.auth !== null ? (c.auth as Record<string, unknown>) : {}) };
  for (const k of AUTH_KEYS) if (c[k] !== undefined && a[k] === undefined) a[k] = c[k];
  for (const [from, to] of [['tenant_id', 'project_id'], ['tenant_name', 'project_name']] as const) {
    const v = a[from] ?? c[from];
    if (v !== undefined && a[to] === undefined) a[to] = v;
  }
  const projectScoped = a.project_id !== undefined || a.project_name !== undefined;
  if (projectScoped) {
    // With a project, domain_* is shorthand for the user's and the project's domain.
    for (const [from, tos] of [['domain_id', ['user_domain_id', 'project_domain_id']], ['domain_name', ['user_domain_name', 'project_domain_name']]] as const) {
      for (const to of tos) if (a[from] !== undefined && a[to] === undefined) a[to] = a[from];
      delete a[from];
    }
  }
  for (const [from, tos] of [['default_domain_id', ['user_domain_id', 'project_domain_id']], ['default_domain_name', ['user_domain_name', 'project_domain_name']]] as const) {
    for (const to of tos) if (a[from] !== undefined && a[to] === undefined) a[to] = a[from];
  }
  return a as Partial<Record<AuthKey, unknown>>;
}

function buildAuth(authUrl: string, a: Partial<Record<AuthKey, unknown>>): CloudAuth {
  const out: Record<string, unknown> = { authUrl };
  const plain: readonly [AuthKey, keyof CloudAuth][] = [
    ['username', 'username'], ['user_id', 'userId'], ['user_domain_name', 'userDomainName'], ['user_domain_id', 'userDomainId'],
    ['project_name', 'projectName'], ['project_id', 'projectId'], ['project_domain_name', 'projectDomainName'],
    ['project_domain_id', 'projectDomainId'], ['domain_name', 'domainName'], ['domain_id', 'domainId'], ['system_scope', 'systemScope'],
    ['application_credential_id', 'applicationCredentialId'], ['application_credential_name', 'applicationCredentialName'],
  ];
  for (const [from, to] of plain) if (str(a[from])) out[to] = str(a[from]);
  if (a.password !== undefined && a.password !== null) out.password = secret(String(a.password));
  if (a.application_credential_secret !== undefined && a.application_credential_secret !== null) {
    out.applicationCredentialSecret = secret(String(a.application_credential_secret));
  }
  return out as unknown as CloudAuth;
}

function authProblem(authType: AuthType, a: CloudAuth): string | undefined {
  if (authType === 'v3applicationcredential') {
    if (!a.applicationCredentialSecret) return 'application credential auth needs application_credential_secret';
    if (a.applicationCredentialId) return undefined;
    if (!a.applicationCredentialName) return 'application credential auth needs application_credential_id, or its name with the user';
    if (!a.userId && !(a.username && (a.userDomainId || a.userDomainName))) return 'an application credential given by name needs user_id, or username with user_domain_name';
    return undefined;
  }
  if (!a.password) return 'password auth needs a password (in clouds.yaml, secure.yaml or OS_PASSWORD)';
  if (!a.userId && !a.username) return 'password auth needs username or user_id';
  if (a.username && !a.userId && !a.userDomainId && !a.userDomainName) return 'username needs user_domain_name or user_domain_id';
  if (a.projectName && !a.projectId && !a.projectDomainId && !a.projectDomainName) return 'project_name needs project_domain_name or project_domain_id';
  return undefined;
}

/** `identity_endpoint_override: URL` → `{ identity: URL }`; `block_storage_…` → `block-storage`. */
function endpointOverrides(c: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) {
    const m = /^(.+)_endpoint_override$/.exec(k);
    if (m && typeof v === 'string' && v) out[m[1]!.replace(/_/g, '-')] = v;
  }
  return out;
}

function isAuthType(x: string): x is AuthType {
  return x === 'password' || x === 'v3password' || x === 'v3applicationcredential';
}

function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x || undefined : typeof x === 'number' ? String(x) : undefined;
}

function bool(x: unknown): boolean {
  return x === true || (typeof x === 'string' && x.toLowerCase() === 'true');
}
