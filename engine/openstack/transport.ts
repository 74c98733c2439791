import http from 'node:http';
import https from 'node:https';

/** One HTTP exchange as sent on the wire. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The whole exchange (connect, send, receive) must finish within this. */
  readonly timeoutMs: number;
}

export interface WireAnswer {
  readonly status: number;
  /** Header names lower-cased; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Why no answer arrived. `reused` tells that the request went out on a kept-alive socket
 * the server had already closed: then the server never saw it, so even a POST may be resent.
 */
export type WireFailure =
  | { readonly kind: 'connection'; readonly code: string; readonly detail: string; readonly reused: boolean }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'tls'; readonly detail: string };

export type WireOutcome = { readonly ok: true; readonly answer: WireAnswer } | { readonly ok: false; readonly failure: WireFailure };

export interface TransportOptions {
  /** Verify server certificates. @default true */
  readonly verify: boolean;
  /** PEM CA bundle (the contents of clouds.yaml's `cacert`), used as the only trusted roots. */
  readonly ca?: Buffer;
  /** Sockets per host. @default 8 */
  readonly maxSockets?: number;
}

const TLS_CODES = /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH|ERR_CERT)/;

/**
 * Sends requests with node:http / node:https over keep-alive agents. It never throws and
 * never retries: retry policy lives in the session, which knows which methods are idempotent.
 */
/** Connections per host a transport keeps when asked for fewer, or for none. */
const DEFAULT_SOCKETS = 8;

export class Transport {
  readonly #http: http.Agent;
  readonly #https: https.Agent;

  constructor(opts: TransportOptions) {
    // Never below the default: a pool narrower than 8 would only slow keyform's own reads.
    const maxSockets = Math.max(DEFAULT_SOCKETS, opts.maxSockets ?? DEFAULT_SOCKETS);
    this.#http = new http.Agent({ keepAlive: true, maxSockets });
    this.#https = new https.Agent({
      keepAlive: true,
      maxSockets,
      rejectUnauthorized: opts.verify,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
  }

  /** Sends one request and resolves to its answer or the reason none came. */
  send(req: WireRequest): Promise<WireOutcome> {
    return new Promise((resolve) => {
      const url = new URL(req.url);
      const lib = url.protocol === 'https:' ? https : http;
      const agent = url.protocol === 'https:' ? this.#https : this.#http;
      let settled = false;
      const finish = (o: WireOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(o);
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
      const r = lib.request(url, { method: req.method, headers, agent });
      const timer = setTimeout(() => {
        finish({ ok: false, failure: { kind: 'timeout' } });
        r.destroy();
      }, req.timeoutMs);
      r.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ ok: true, answer: { status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: Buffer.concat(chunks).toString('utf8') } }));
        res.on('error', (e) => finish({ ok: false, failure: failureOf(e, false) }));
        res.on('aborted', () => finish({ ok: false, failure: { kind: 'connection', code: 'ECONNRESET', detail: 'the connection closed mid-answer', reused: false } }));
      });
      r.on('error', (e) => finish({ ok: false, failure: failureOf(e, r.reusedSocket) }));
      r.end(req.body);
    });
  }

  /** Closes idle sockets; in-flight requests finish. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}

function failureOf(e: unknown, reused: boolean): WireFailure {
  const code = String((e as NodeJS.ErrnoException).code ?? 'EUNKNOWN');
  const detail = e instanceof Error ? e.message : String(e);
  if (TLS_CODES.test(code)) return { kind: 'tls', detail: `${code}: ${detail}` };
  return { kind: 'connection', code, detail, reused };
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
