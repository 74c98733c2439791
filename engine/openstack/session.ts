import { readFileSync } from 'node:fs';
import { Result, ResultAsync, errAsync, ok, err } from 'neverthrow';
import type { CloudConfig } from './cloud-config.ts';
import { authBody, parseToken, tokenUrl, type ScopeRequest, type Token, type TokenScope } from './auth.ts';
import { selectEndpoint } from './catalog.ts';
import { authFailed, badResponse, configInvalid, httpError, timeout, tlsError, unreachable, type OpenStackError } from './errors.ts';
import { Redactor } from './redact.ts';
import { DEFAULT_RETRY, backoffMs, isIdempotent, isTransientStatus, type RetryPolicy } from './retry.ts';
import { Transport, type WireAnswer, type WireFailure } from './transport.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One API request, relative to a service's endpoint. */
export interface ApiRequest {
  readonly method: HttpMethod;
  /** Catalog service type, e.g. `identity`, `compute`. */
  readonly service: string;
  /** Relative to the service endpoint (`/projects`), or an absolute `http(s)://` URL. */
  readonly path: string;
  /** `true` is sent as a bare flag (`?effective`), `false` and `undefined` are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** POST/PATCH that may safely be sent twice. GET, HEAD, PUT and DELETE always are. */
  readonly idempotent?: boolean;
  /** Statuses that count as success. @default any 2xx */
  readonly expect?: readonly number[];
}

export interface ApiAnswer<T> {
  readonly status: number;
  /** Lower-cased names; token headers redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON; `undefined` for an empty body. */
  readonly body: T;
}

/** An authenticated connection to one cloud and region. */
export interface OpenStackSession {
  readonly cloud: string;
  readonly region: string | undefined;
  /** Token scope info: project id/name, domain, or system. */
  readonly scope: TokenScope;
  readonly userId: string;
  /** The roles the token carries on its scope, by name, sorted; empty before authentication. */
  readonly roles: readonly string[];
  /** Base URL of a service in the catalog for this session's region and interface. */
  endpoint(serviceType: string): Result<string, OpenStackError>;
  /**
   * One HTTP request; path is relative to the service endpoint unless absolute (http...).
   * JSON in/out. Retries idempotent methods (GET/HEAD/PUT/DELETE; POST only if
   * opts.idempotent) on 5xx/429/connection errors; re-auths once on 401.
   */
  request<T = unknown>(req: ApiRequest): ResultAsync<ApiAnswer<T>, OpenStackError>;
  /** Number of HTTP requests sent (including retries and auth), for benchmarks and tests. */
  readonly stats: { readonly calls: number; readonly retries: number };
  /** Closes idle keep-alive sockets. The session stays usable (new sockets open on demand). */
  close(): void;
}

export interface SessionOptions {
  /** `system` asks for a system-scoped token instead of the cloud's own scope. @default 'default' */
  readonly scope?: ScopeRequest;
  /** Per attempt. @default clouds.yaml api_timeout, else 120000 */
  readonly timeoutMs?: number;
  /** Extra attempts after the first on transient faults. @default 4 */
  readonly retries?: number;
  /** Receives one redacted line per request, retry and warning. */
  readonly log?: (line: string) => void;
  /**
   * Base URLs by service type that replace the catalog's. Used to route every call through
   * a proxy: Keystone's catalog names the real port, so a session whose auth_url points at
   * a proxy also needs `{ identity: 'http://proxy/v3' }` (or `identity_endpoint_override`
   * in clouds.yaml) to keep going through it.
   */
  readonly endpointOverrides?: Readonly<Record<string, string>>;
  /** Backoff tuning (tests shorten it). */
  readonly retryPolicy?: Partial<RetryPolicy>;
  /**
   * Requests this session sends to one host at once (its connection pool); more wait for a
   * free connection. Commands raise it to their `--parallelism`, so that the flag is what
   * reaches the cloud; it is never below 8. @default 8
   */
  readonly maxConnections?: number;
}

/**
 * Authenticates to `cloud` and returns a session. TLS verification is on unless the cloud
 * says `insecure: true`, which is logged as a warning on every session opened.
 * @example openSession(cloud, { scope: 'system' }).andThen((s) => s.request({ method: 'GET', service: 'identity', path: '/limits' }))
 */
export function openSession(cloud: CloudConfig, opts: SessionOptions = {}): ResultAsync<OpenStackSession, OpenStackError> {
  const ca = readCa(cloud);
  if (ca.isErr()) return errAsync(ca.error);
  const session = new Session(cloud, opts, ca.value);
  return session.authenticate().map(() => session as OpenStackSession);
}

function readCa(cloud: CloudConfig): Result<Buffer | undefined, OpenStackError> {
  const path = cloud.cacert;
  if (!path) return ok(undefined);
  return Result.fromThrowable(
    () => readFileSync(path),
    (e) => configInvalid(`Cloud ${JSON.stringify(cloud.name)}: cannot read cacert ${path} (${(e as Error).message}). Fix the path.`),
  )();
}

/** Renew a token this long before Keystone says it expires. */
const RENEW_BEFORE_MS = 120_000;

class Session implements OpenStackSession {
  readonly cloud: string;
  readonly region: string | undefined;
  readonly stats = { calls: 0, retries: 0 };
  readonly #config: CloudConfig;
  readonly #transport: Transport;
  readonly #redact = new Redactor();
  readonly #policy: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #scopeRequest: ScopeRequest;
  readonly #overrides: Readonly<Record<string, string>>;
  readonly #log: (line: string) => void;
  #token: Token | undefined;
  #authInFlight: ResultAsync<Token, OpenStackError> | undefined;

  constructor(cloud: CloudConfig, opts: SessionOptions, ca: Buffer | undefined) {
    this.cloud = cloud.name;
    this.region = cloud.regionName;
    this.#config = cloud;
    this.#transport = new Transport({ verify: cloud.verify, ...(ca ? { ca } : {}), ...(opts.maxConnections === undefined ? {} : { maxSockets: opts.maxConnections }) });
    this.#policy = { ...DEFAULT_RETRY, ...opts.retryPolicy, ...(opts.retries === undefined ? {} : { retries: opts.retries }) };
    this.#timeoutMs = opts.timeoutMs ?? cloud.timeoutMs ?? 120_000;
    this.#scopeRequest = opts.scope ?? 'default';
    this.#overrides = { ...cloud.endpointOverrides, ...opts.endpointOverrides };
    const log = opts.log;
    this.#log = log ? (line) => log(this.#redact.text(line)) : () => undefined;
    this.#redact.add(cloud.auth.password);
    this.#redact.add(cloud.auth.applicationCredentialSecret);
    if (!cloud.verify) {
      const warning = `WARNING: TLS certificate verification is OFF for cloud ${JSON.stringify(cloud.name)} (insecure: true). Anyone on the network path can read the credentials and tokens. Set cacert instead.`;
      if (log) this.#log(warning);
      else process.emitWarning(warning);
    }
  }

  get scope(): TokenScope {
    return this.#token?.scope ?? { kind: 'unscoped' };
  }

  get userId(): string {
    return this.#token?.userId ?? '';
  }

  get roles(): readonly string[] {
    return this.#token?.roles ?? [];
  }

  endpoint(serviceType: string): Result<string, OpenStackError> {
    return selectEndpoint(this.#token?.catalog ?? [], { serviceType, interface: this.#config.interface, region: this.region, overrides: this.#overrides });
  }

  close(): void {
    this.#transport.close();
  }

  /** Gets a new token; concurrent callers share one authentication. */
  authenticate(): ResultAsync<Token, OpenStackError> {
    if (this.#authInFlight) return this.#authInFlight;
    const run = authBody(this.#config, this.#scopeRequest)
      .asyncAndThen((body) => this.#exchange({ method: 'POST', url: tokenUrl(this.#config.authUrl), body, idempotent: true, isAuth: true }))
      .andThen((a) => {
        const t = parseToken(a.raw.headers['x-subject-token'], a.body);
        if (t.isErr()) return err(badResponse('POST', this.#redact.url(tokenUrl(this.#config.authUrl)), t.error));
        this.#redact.add(t.value.value);
        this.#token = t.value;
        return ok(t.value);
      });
    this.#authInFlight = new ResultAsync(
      (async () => {
        const r = await run;
        this.#authInFlight = undefined;
        return r;
      })(),
    );
    return this.#authInFlight;
  }

  request<T = unknown>(req: ApiRequest): ResultAsync<ApiAnswer<T>, OpenStackError> {
    const base = /^https?:\/\//.test(req.path) ? ok('') : this.endpoint(req.service);
    if (base.isErr()) return errAsync(base.error);
    const url = base.value + req.path + queryString(req.query);
    const fresh = this.#token && this.#token.expiresAt - Date.now() > RENEW_BEFORE_MS ? ResultAsync.fromSafePromise(Promise.resolve(this.#token)) : this.authenticate();
    return fresh.andThen(() =>
      this.#exchange({ method: req.method, url, body: req.body, headers: req.headers, idempotent: req.idempotent, expect: req.expect, isAuth: false }).map(
        (a) => ({ status: a.raw.status, headers: this.#safeHeaders(a.raw.headers), body: a.body as T }),
      ),
    );
  }

  /** Sends with retries and one re-auth on 401; maps the outcome onto OpenStackError. */
  #exchange(x: Exchange): ResultAsync<{ raw: WireAnswer; body: unknown }, OpenStackError> {
    return new ResultAsync(this.#loop(x));
  }

  async #loop(x: Exchange): Promise<Result<{ raw: WireAnswer; body: unknown }, OpenStackError>> {
    const shownUrl = this.#redact.url(x.url);
    const payload = x.body === undefined ? undefined : JSON.stringify(x.body);
    let reauthed = false;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'keyform', ...x.headers };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      if (!x.isAuth && this.#token) headers['x-auth-token'] = this.#token.value.reveal();
      this.stats.calls++;
      const outcome = await this.#transport.send({ method: x.method, url: x.url, headers, ...(payload === undefined ? {} : { body: payload }), timeoutMs: this.#timeoutMs });
      const canRetry = attempt <= this.#policy.retries;
      if (!outcome.ok) {
        const retryable = canRetry && (isIdempotent(x.method, x.idempotent) || reusedSocket(outcome.failure)) && outcome.failure.kind !== 'tls';
        this.#log(`${x.method} ${shownUrl} → ${describe(outcome.failure)} (${Date.now() - started} ms)`);
        if (retryable) {
          await this.#pause(x.method, shownUrl, attempt);
          continue;
        }
        return err(this.#failure(x.method, shownUrl, outcome.failure, attempt));
      }
      const a = outcome.answer;
      this.#log(`${x.method} ${shownUrl} → ${a.status} (${Date.now() - started} ms)`);
      if (a.status === 401 && !x.isAuth && !reauthed) {
        reauthed = true;
        const re = await this.authenticate();
        if (re.isErr()) return err(re.error);
        continue;
      }
      if (isTransientStatus(a.status) && canRetry && (isIdempotent(x.method, x.idempotent) || a.status === 429)) {
        await this.#pause(x.method, shownUrl, attempt, a.headers['retry-after'], a.status);
        continue;
      }
      return this.#answer(x, shownUrl, a, attempt);
    }
  }

  #answer(x: Exchange, shownUrl: string, a: WireAnswer, attempts: number): Result<{ raw: WireAnswer; body: unknown }, OpenStackError> {
    const success = x.expect ? x.expect.includes(a.status) : a.status >= 200 && a.status < 300;
    if (!success) {
      const detail = this.#redact.text(serviceMessage(a.body));
      const suffix = attempts > 1 && isTransientStatus(a.status) ? `; gave up after ${attempts} attempts` : '';
      if (x.isAuth && a.status === 401) return err(authFailed(this.cloud, `Keystone answered 401 (${detail || 'invalid credentials'})`, 401));
      return err(httpError(x.method, shownUrl, a.status, detail + suffix, requestIdOf(a.headers)));
    }
    if (a.body.length === 0) return ok({ raw: a, body: undefined });
    const parsed = Result.fromThrowable(
      () => JSON.parse(a.body) as unknown,
      () => badResponse(x.method, shownUrl, `the body is not JSON (${this.#redact.text(a.body.slice(0, 80))}…)`),
    )();
    return parsed.map((body) => ({ raw: a, body }));
  }

  async #pause(method: string, shownUrl: string, attempt: number, retryAfter?: string, status?: number): Promise<void> {
    const wait = backoffMs(this.#policy, attempt, retryAfter);
    this.stats.retries++;
    this.#log(`retry ${attempt}/${this.#policy.retries} of ${method} ${shownUrl}${status ? ` after ${status}` : ''} in ${wait} ms`);
    await new Promise((r) => setTimeout(r, wait));
  }

  #failure(method: string, shownUrl: string, f: WireFailure, attempts: number): OpenStackError {
    if (f.kind === 'timeout') return timeout(method, shownUrl, this.#timeoutMs, attempts);
    if (f.kind === 'tls') return tlsError(method, shownUrl, this.#redact.text(f.detail));
    return unreachable(method, shownUrl, `${f.code} ${this.#redact.text(f.detail)}`, attempts);
  }

  #safeHeaders(h: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) out[k] = k === 'x-subject-token' || k === 'x-auth-token' ? '***' : this.#redact.text(v);
    return out;
  }
}

interface Exchange {
  readonly method: HttpMethod;
  readonly url: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly idempotent?: boolean | undefined;
  readonly expect?: readonly number[] | undefined;
  readonly isAuth: boolean;
}

/** The service's request id, as the openstack clients read it; only a plain token is kept (it lands in reports). */
function requestIdOf(h: Readonly<Record<string, string>>): string | undefined {
  const id = h['x-openstack-request-id'] ?? h['x-compute-request-id'];
  return id !== undefined && /^[A-Za-z0-9_.:-]{1,128}$/.test(id) ? id : undefined;
}

function reusedSocket(f: WireFailure): boolean {
  return f.kind === 'connection' && f.reused && f.code === 'ECONNRESET';
}

function describe(f: WireFailure): string {
  return f.kind === 'timeout' ? 'timeout' : f.kind === 'tls' ? 'TLS failure' : `connection failure (${f.code})`;
}

/** `?a=1&flag` from a query map: `true` → bare flag, `false`/`undefined` → left out. */
export function queryString(q: ApiRequest['query']): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const k of Object.keys(q).sort()) {
    const v = q[k];
    if (v === undefined || v === false) continue;
    parts.push(v === true ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** The human message in an OpenStack error body (`{"error": {"message": …}}` and friends). */
function serviceMessage(body: string): string {
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    for (const v of Object.values(j)) {
      const m = (v as { message?: unknown } | null)?.message;
      if (typeof m === 'string') return m.slice(0, 300);
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}
