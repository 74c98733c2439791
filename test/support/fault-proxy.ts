/**
 * A fault-injecting HTTP proxy on 127.0.0.1 in front of a real service (Keystone, nova, …),
 * for tests of retries, timeouts and error messages against real APIs.
 *
 * Faults come from a schedule: scripted rules ("the next 3 GETs of /v3/projects answer
 * 503") and/or seeded random faults (same seed, same faults for the same request order).
 * It is bounded and stops by itself: after `maxRequests` requests or `lifetimeMs`,
 * whichever comes first, it closes and refuses further connections.
 *
 * Keystone's catalog names the real service port, so a client must be told to keep going
 * through the proxy: point the cloud's `auth_url` at `proxy.url + '/v3'` and override the
 * identity endpoint (`identity_endpoint_override` in clouds.yaml, or the session option
 * `endpointOverrides: { identity: proxy.url + '/v3' }`).
 *
 * @example
 * const proxy = await startFaultProxy({ target: 'http://127.0.0.1:25000' });
 * proxy.script({ match: { method: 'GET', path: /\/v3\/projects/ }, faults: [{ kind: 'status', status: 503 }] });
 * // … run the client against proxy.url …
 * await proxy.close();
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request. */
export type Fault =
  /** Answer this status without forwarding (e.g. 503, or 429 with `retry-after`). */
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Read the request, then close the connection without answering. */
  | { readonly kind: 'drop' }
  /** Forward after waiting `ms` (a slow service; long enough, a client timeout). */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Forward untouched. */
  | { readonly kind: 'pass' };

/** Scripted faults for the next requests that match, consumed in order. */
export interface FaultRule {
  readonly match?: { readonly method?: string; readonly path?: RegExp };
  readonly faults: readonly Fault[];
}

/** Random faults, reproducible from `seed`. Rates are probabilities per request. */
export interface RandomFaults {
  readonly seed: number;
  readonly status503?: number;
  readonly drop?: number;
  readonly delay?: number;
  /** @default 200 */
  readonly delayMs?: number;
}

export interface FaultProxyOptions {
  /** Base URL of the real service, e.g. `http://127.0.0.1:25000`. */
  readonly target: string;
  readonly random?: RandomFaults;
  /** The proxy closes after this many requests. @default 10_000 */
  readonly maxRequests?: number;
  /** The proxy closes after this long. @default 600_000 */
  readonly lifetimeMs?: number;
  /** Sees every request's method, path and headers (e.g. to learn which tokens a client sent). */
  readonly onRequest?: (req: { readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string | string[] | undefined>> }) => void;
}

/** One request as the proxy saw it. */
export interface ProxyEvent {
  readonly method: string;
  readonly path: string;
  readonly fault: Fault['kind'];
  /** The status the client got, when it got one. */
  readonly status?: number;
  /** How long a `delay` fault held the request. */
  readonly delayMs?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Appends scripted faults; rules are tried in the order they were added. */
  script(rule: FaultRule): void;
  /** Drops all scripted faults that were not used yet. */
  clearScript(): void;
  /**
   * Starts (or, with undefined, stops) seeded random faults from the next request on: e.g.
   * after a client opened its sessions cleanly, so that every fault lands in what is tested.
   */
  randomize(r: RandomFaults | undefined): void;
  /** Every request so far, in arrival order. */
  readonly events: readonly ProxyEvent[];
  /** Whether it has closed (asked to, or reached a bound). */
  readonly closed: boolean;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, enough for reproducible fault patterns. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PendingRule {
  readonly match: FaultRule['match'];
  readonly faults: Fault[];
}

/** Starts the proxy on an ephemeral port of 127.0.0.1. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const rules: PendingRule[] = [];
  const events: ProxyEvent[] = [];
  let randomOpts = opts.random;
  let random = randomOpts ? seededRandom(randomOpts.seed) : undefined;
  const maxRequests = opts.maxRequests ?? 10_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let closed = false;

  const pick = (method: string, path: string): Fault => scripted(rules, method, path) ?? (random && randomOpts ? randomFault(random, randomOpts) : { kind: 'pass' });

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    opts.onRequest?.({ method, path, headers: req.headers });
    const fault = closed ? ({ kind: 'drop' } as const) : pick(method, path);
    // Recorded on arrival, so `events` keeps arrival order even when a delayed answer comes late.
    const event: { method: string; path: string; fault: Fault['kind']; status?: number; delayMs?: number } = { method, path, fault: fault.kind, ...(fault.kind === 'delay' ? { delayMs: fault.ms } : {}) };
    events.push(event);
    const record = (status?: number): void => {
      if (status !== undefined) event.status = status;
    };
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      apply(fault, { target, agent, req, body: Buffer.concat(body), res, record });
      if (events.length >= maxRequests) void close();
    });
  });

  const close = (): Promise<void> => {
    if (closed) return Promise.resolve();
    closed = true;
    clearTimeout(lifetime);
    agent.destroy();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  const lifetime = setTimeout(() => void close(), opts.lifetimeMs ?? 600_000);
  lifetime.unref();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    script: (rule) => void rules.push({ match: rule.match, faults: [...rule.faults] }),
    clearScript: () => void rules.splice(0),
    randomize: (r) => {
      randomOpts = r;
      random = r ? seededRandom(r.seed) : undefined;
    },
    get events() {
      return events;
    },
    get closed() {
      return closed;
    },
    close,
  };
}

/** The next scripted fault for this request, consumed; undefined when no rule matches. */
function scripted(rules: readonly PendingRule[], method: string, path: string): Fault | undefined {
  for (const r of rules) {
    if (r.faults.length === 0) continue;
    if (r.match?.method && r.match.method !== method) continue;
    if (r.match?.path && !r.match.path.test(path)) continue;
    return r.faults.shift();
  }
  return undefined;
}

interface Exchange {
  readonly target: URL;
  readonly agent: http.Agent;
  readonly req: http.IncomingMessage;
  readonly body: Buffer;
  readonly res: http.ServerResponse;
  readonly record: (status?: number) => void;
}

/** Does to the request what the fault says. */
function apply(fault: Fault, x: Exchange): void {
  if (fault.kind === 'drop') {
    x.req.socket.destroy();
  } else if (fault.kind === 'status') {
    x.record(fault.status);
    x.res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    x.res.end(fault.body ?? JSON.stringify({ error: { code: fault.status, message: 'injected by the fault proxy', title: 'Injected' } }));
  } else if (fault.kind === 'delay') {
    setTimeout(() => forward(x), fault.ms);
  } else {
    forward(x);
  }
}

function randomFault(next: () => number, r: RandomFaults): Fault {
  const x = next();
  const p503 = r.status503 ?? 0;
  const pDrop = r.drop ?? 0;
  const pDelay = r.delay ?? 0;
  if (x < p503) return { kind: 'status', status: 503 };
  if (x < p503 + pDrop) return { kind: 'drop' };
  if (x < p503 + pDrop + pDelay) return { kind: 'delay', ms: r.delayMs ?? 200 };
  return { kind: 'pass' };
}

function forward({ target, agent, req, body, res, record }: Exchange): void {
  const headers = { ...req.headers, host: target.host };
  const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent }, (answer) => {
    record(answer.statusCode);
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  up.on('error', () => {
    record(502);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 502, message: 'the fault proxy could not reach the service', title: 'Bad Gateway' } }));
  });
  up.end(body);
}
