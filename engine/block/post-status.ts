import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { backoffMs, isTransientStatus, type RetryPolicy } from '../openstack/index.ts';
import { publicEndpoint } from '../../plans/index.ts';
import type { RunStatus } from './run-status.ts';

/** How status POSTs are sent and retried. */
export interface PostOptions {
  /** Backoff and bound of the retries. @default 4 retries, 250 ms doubling up to 4 s, full jitter */
  readonly retry?: RetryPolicy;
  /** Per attempt. @default 10000 */
  readonly timeoutMs?: number;
  /** The keyform version, for the User-Agent. */
  readonly toolVersion: string;
}

export const STATUS_RETRY: RetryPolicy = { retries: 4, baseMs: 250, capMs: 4000, retryAfterCapMs: 10_000, random: Math.random };

/** A status document was not accepted after every attempt. */
export interface StatusNotDelivered {
  readonly kind: 'status-not-delivered';
  /** The URL without user info, query or fragment. */
  readonly url: string;
  readonly sequence: number;
  readonly attempts: number;
  readonly message: string;
}

/**
 * Why `url` cannot receive run statuses, or undefined when it can: an http(s) URL without
 * user info. keyform never sends credentials with a status (no Authorization header, no
 * token in the body), and refuses a URL that would carry some in its user info.
 * @example statusUrlProblem('https://user:pw@hooks.example/run') // 'the --status-url carries a user name or password …'
 */
export function statusUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return `the --status-url ${JSON.stringify(publicEndpoint(url))} is not a URL; pass e.g. https://meshstack.example/api/runs/RUN/status`;
  const u = new URL(url);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `the --status-url must be an http or https URL, not ${u.protocol}`;
  if (u.username !== '' || u.password !== '') return 'the --status-url carries a user name or password: keyform never sends credentials with a run status. Pass a URL without them';
  return undefined;
}

type Attempt = { readonly ok: true } | { readonly ok: false; readonly transient: boolean; readonly why: string; readonly retryAfter?: string };

async function attempt(url: string, body: string, opts: PostOptions): Promise<Attempt> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `keyform/${opts.toolVersion}` },
      body,
      // A redirect would send the document somewhere the user did not name.
      redirect: 'error',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    await res.body?.cancel();
    if (res.ok) return { ok: true };
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    return { ok: false, transient: isTransientStatus(res.status) || res.status === 408, why: `HTTP ${res.status}`, ...(retryAfter ? { retryAfter } : {}) };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${opts.timeoutMs ?? 10_000} ms` : cause?.code ?? cause?.message ?? (e as Error).message;
    return { ok: false, transient: true, why };
  }
}

/**
 * POSTs `status` as JSON to `url`: retried on network faults, timeouts, 408, 429 and 5xx
 * with bounded, jittered backoff (honouring Retry-After); any other answer is final.
 * @example await postStatus('http://127.0.0.1:8080/status', doc, { toolVersion: '0.1.0' })
 */
export function postStatus(url: string, status: RunStatus, opts: PostOptions): ResultAsync<void, StatusNotDelivered> {
  const policy = opts.retry ?? STATUS_RETRY;
  const body = JSON.stringify(status);
  const send = async (): Promise<StatusNotDelivered | undefined> => {
    for (let n = 0; ; n++) {
      const a = await attempt(url, body, opts);
      if (a.ok) return undefined;
      if (!a.transient || n >= policy.retries) return notDelivered(url, status.sequence, n + 1, a.why);
      await new Promise((r) => setTimeout(r, backoffMs(policy, n + 1, a.retryAfter)));
    }
  };
  return ResultAsync.fromSafePromise(send()).andThen((e) => (e === undefined ? okAsync(undefined) : errAsync(e)));
}

function notDelivered(url: string, sequence: number, attempts: number, why: string): StatusNotDelivered {
  const where = publicEndpoint(url);
  return {
    kind: 'status-not-delivered', url: where, sequence, attempts,
    message: `The run status (update ${sequence}) could not be sent to ${where}: ${why} after ${attempts} attempt(s). Check that the receiver is up; the status file, if one was asked for, has the status.`,
  };
}
