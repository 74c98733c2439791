import { readFileSync } from 'node:fs';
import { Result } from 'neverthrow';
import type { CloudConfig } from '../openstack/index.ts';
import { Transport } from '../openstack/transport.ts';

/** Time for a service to answer its version document. */
const VERSION_TIMEOUT_MS = 15_000;

/** How a version document request ended. */
export type VersionAnswer =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string; readonly ms: number }
  | { readonly kind: 'tls'; readonly detail: string }
  | { readonly kind: 'unreachable'; readonly detail: string };

/**
 * Reads version documents with a cloud's TLS settings and without credentials (they are
 * public), once each: a doctor reports a dead endpoint, it does not wait out retries.
 */
export interface VersionReader {
  get(url: string): Promise<VersionAnswer>;
  close(): void;
}

/**
 * A reader for `cloud`; fails with the reason when its `cacert` can't be read.
 * @example openVersionReader(cloud).map(async (r) => r.get('http://keystone:5000/v3'))
 */
export function openVersionReader(cloud: CloudConfig): Result<VersionReader, string> {
  return Result.fromThrowable(
    () => (cloud.cacert ? readFileSync(cloud.cacert) : undefined),
    (e) => `cloud ${JSON.stringify(cloud.name)} names cacert ${cloud.cacert}, which cannot be read (${(e as Error).message})`,
  )().map((ca) => {
    const transport = new Transport({ verify: cloud.verify, ...(ca ? { ca } : {}) });
    return {
      async get(url: string): Promise<VersionAnswer> {
        const started = Date.now();
        const o = await transport.send({ method: 'GET', url, headers: { accept: 'application/json', 'user-agent': 'keyform' }, timeoutMs: VERSION_TIMEOUT_MS });
        if (o.ok) return { kind: 'answer', status: o.answer.status, body: o.answer.body, ms: Date.now() - started };
        const f = o.failure;
        if (f.kind === 'tls') return { kind: 'tls', detail: f.detail };
        return { kind: 'unreachable', detail: f.kind === 'timeout' ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s` : `${f.code}: ${f.detail}` };
      },
      close: () => transport.close(),
    };
  });
}

/** The body as JSON; undefined when it is not JSON. */
export function jsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
