import { readFileSync } from 'node:fs';
import { Result } from 'neverthrow';
import { identityBase, type CloudConfig } from '../openstack/index.ts';
import { Transport, type WireOutcome } from '../openstack/transport.ts';
import { fail, ok, warn, type CheckRow } from './check-row.ts';
import { describeVersion, parseVersionDocument, pickVersion, versionedUrl } from './version-document.ts';

/** Time for Keystone to answer its version document. */
const VERSION_TIMEOUT_MS = 15_000;

/** Keystone's own API version keyform speaks. */
const IDENTITY_MAJOR = 3;

/**
 * The checks that need no credentials: Keystone answers at the cloud's auth_url, over TLS
 * that verifies, with an identity v3 version document. Read before authenticating, so that
 * an old or odd Keystone is named as such instead of failing as a refused login.
 * @example await keystoneEndpointRows(cloud) // [ok('keystone.reachable', …), warn('keystone.tls', …), ok('keystone.version', …)]
 */
export async function keystoneEndpointRows(cloud: CloudConfig): Promise<readonly CheckRow[]> {
  const ca = Result.fromThrowable(
    () => (cloud.cacert ? readFileSync(cloud.cacert) : undefined),
    (e) => (e as Error).message,
  )();
  if (ca.isErr()) {
    return [fail('keystone.tls', `cloud ${JSON.stringify(cloud.name)} names cacert ${cloud.cacert}, which cannot be read (${ca.error})`, 'fix the cacert path in clouds.yaml')];
  }
  const transport = new Transport({ verify: cloud.verify, ...(ca.value ? { ca: ca.value } : {}) });
  try {
    const url = identityBase(cloud.authUrl);
    const started = Date.now();
    const first = await get(transport, url);
    const ms = Date.now() - started;
    if (!first.ok) return unanswered(url, first.failure);
    const rows = [ok('keystone.reachable', `Keystone answers at ${url} (${ms} ms)`), tlsRow(cloud, url)];
    const doc = first.answer.status === 200 ? parseJson(first.answer.body) : undefined;
    if (doc !== undefined && parseVersionDocument(doc).isOk()) return [...rows, versionRow(url, doc)];
    // No v3 document where keyform looks: the root's list says what this Keystone offers.
    const root = versionedUrl(url).root;
    const second = await get(transport, root);
    const rootDoc = second.ok ? parseJson(second.answer.body) : undefined;
    const shown = rootDoc !== undefined && parseVersionDocument(rootDoc).isOk() ? { at: root, doc: rootDoc } : { at: url, doc: doc ?? first.answer.body };
    return [...rows, versionRow(shown.at, shown.doc, first.answer.status)];
  } finally {
    transport.close();
  }
}

function get(transport: Transport, url: string): Promise<WireOutcome> {
  return transport.send({ method: 'GET', url, headers: { accept: 'application/json', 'user-agent': 'keyform' }, timeoutMs: VERSION_TIMEOUT_MS });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function unanswered(url: string, f: Extract<WireOutcome, { ok: false }>['failure']): readonly CheckRow[] {
  if (f.kind === 'tls') {
    return [
      ok('keystone.reachable', `${new URL(url).host} accepts connections`),
      fail('keystone.tls', `the certificate of ${new URL(url).host} does not verify (${f.detail})`, "set cacert in clouds.yaml to the CA bundle that signed Keystone's certificate"),
    ];
  }
  const why = f.kind === 'timeout' ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s` : `${f.code}: ${f.detail}`;
  return [fail('keystone.reachable', `Keystone does not answer at ${url} (${why})`, "check auth_url in clouds.yaml and that this machine can reach it (proxy, firewall, DNS)")];
}

function tlsRow(cloud: CloudConfig, url: string): CheckRow {
  if (!url.startsWith('https:')) {
    return warn('keystone.tls', `${url} is plain http: passwords and tokens cross the network unencrypted`, 'serve Keystone over https and use the https auth_url');
  }
  if (!cloud.verify) {
    return warn('keystone.tls', `certificate verification is off for cloud ${JSON.stringify(cloud.name)} (insecure: true)`, 'remove insecure: true and set cacert to the CA bundle that signed the certificate');
  }
  return ok('keystone.tls', `the certificate of ${new URL(url).host} verifies${cloud.cacert ? ` against ${cloud.cacert}` : ' against the system CAs'}`);
}

function versionRow(at: string, doc: unknown, status?: number): CheckRow {
  const fix = 'point auth_url at a Keystone that serves the identity v3 API (OpenStack Liberty or later; keyform is tested on Zed)';
  const parsed = parseVersionDocument(doc);
  if (parsed.isErr()) {
    const what = typeof doc === 'string' ? `${JSON.stringify(doc.slice(0, 60))}${doc.length > 60 ? '…' : ''}` : 'a JSON document';
    return fail('keystone.version', `${at}${status && status !== 200 ? ` answered ${status} with` : ' answered'} ${what}, which is not a Keystone version document: ${parsed.error}`, fix);
  }
  const v3 = pickVersion(parsed.value, IDENTITY_MAJOR, 'v3');
  if (!v3) {
    return fail('keystone.version', `Keystone at ${at} offers identity ${parsed.value.map((v) => v.id).join(', ')} only; keyform needs identity v3 (version 3.0 or later)`, fix);
  }
  return ok('keystone.version', `identity API ${describeVersion(v3)} (${v3.status || 'no status'}); keyform needs 3.0 or later`);
}
