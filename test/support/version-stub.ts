/**
 * A tiny HTTP(S) server on 127.0.0.1 that answers fixed bodies by path: a Keystone that serves
 * an old or odd version document, or sits behind a certificate of its own, which no real
 * Keystone of the test stack does. It is the only stub the doctor tests use; everything else
 * runs against the real services.
 *
 * @example
 * const stub = await startVersionStub({ '/': { status: 300, body: '{"versions": {"values": [{"id": "v2.0"}]}}' } });
 * // … point a cloud's auth_url at stub.url …
 * await stub.close();
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One canned answer. */
export interface StubAnswer {
  readonly status: number;
  readonly body: string;
  /** @default 'application/json' */
  readonly contentType?: string;
}

/** A PEM key and certificate: the stub then speaks https. */
export interface StubTls {
  readonly key: string;
  readonly cert: string;
}

export interface VersionStub {
  /** `http(s)://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** Every request seen, as `METHOD /path`, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * Starts the stub on a free port. Paths are matched exactly, with any trailing `/` dropped
 * (so `/v3` also answers `/v3/`); any other path answers 404 with a JSON error.
 */
export function startVersionStub(routes: Readonly<Record<string, StubAnswer>>, tls?: StubTls): Promise<VersionStub> {
  const requests: string[] = [];
  const handler: http.RequestListener = (req, res) => {
    const path = (new URL(req.url ?? '/', 'http://stub').pathname.replace(/\/+$/, '') || '/');
    requests.push(`${req.method} ${path}`);
    const answer = routes[path] ?? { status: 404, body: '{"error": {"code": 404, "message": "not found"}}' };
    req.resume();
    res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
    res.end(answer.body);
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
