import { identityBase, type CloudConfig } from '../openstack/index.ts';
import { fail, ok, warn, type CheckRow } from './check-row.ts';
import { describeVersion, parseVersionDocument, pickVersion, versionedUrl, type ApiVersion } from './version-document.ts';
import { jsonBody, type VersionReader } from './version-reader.ts';

/** Keystone's API version keyform speaks. */
const IDENTITY_MAJOR = 3;

const VERSION_FIX = 'point auth_url at a Keystone that serves the identity v3 API (keyform is tested on Zed)';

/**
 * The checks that need no credentials: Keystone answers at the cloud's auth_url, over TLS
 * that verifies, with an identity v3 version document (version 3.0 or later). They run
 * before authenticating, so that an old or odd Keystone is named as such rather than
 * failing as a refused login.
 * @example await keystoneEndpointRows(cloud, reader) // [ok('keystone.reachable', …), warn('keystone.tls', …), ok('keystone.version', …)]
 */
export async function keystoneEndpointRows(cloud: CloudConfig, reader: VersionReader): Promise<readonly CheckRow[]> {
  const url = identityBase(cloud.authUrl);
  const host = new URL(url).host;
  const first = await reader.get(url);
  if (first.kind === 'tls') {
    return [
      ok('keystone.reachable', `${host} accepts connections`),
      fail('keystone.tls', `the certificate of ${host} does not verify (${first.detail})`, "set cacert in clouds.yaml to the CA bundle that signed Keystone's certificate"),
    ];
  }
  if (first.kind === 'unreachable') {
    return [fail('keystone.reachable', `Keystone does not answer at ${url} (${first.detail})`, 'check auth_url in clouds.yaml and that this machine can reach it (proxy, firewall, DNS)')];
  }
  const rows = [ok('keystone.reachable', `Keystone answers at ${url} (${first.ms} ms)`), tlsRow(cloud, url, host)];
  const own = parseVersionDocument(first.status === 200 ? jsonBody(first.body) : undefined);
  if (own.isOk()) return [...rows, versionRow(url, own.value)];
  // No version document where keyform looks: the root's list says what this Keystone offers.
  const root = versionedUrl(url).root;
  const second = await reader.get(root);
  const listed = parseVersionDocument(second.kind === 'answer' ? jsonBody(second.body) : undefined);
  if (listed.isOk()) return [...rows, versionRow(root, listed.value)];
  return [...rows, oddDocument(url, first.status, first.body)];
}

function tlsRow(cloud: CloudConfig, url: string, host: string): CheckRow {
  if (!url.startsWith('https:')) {
    return warn('keystone.tls', `${url} is plain http: passwords and tokens cross the network unencrypted`, 'serve Keystone over https and use the https auth_url');
  }
  if (!cloud.verify) {
    return warn('keystone.tls', `certificate verification is off for cloud ${JSON.stringify(cloud.name)} (insecure: true)`, 'remove insecure: true and set cacert to the CA bundle that signed the certificate');
  }
  return ok('keystone.tls', `the certificate of ${host} verifies against ${cloud.cacert ?? 'the system CAs'}`);
}

function versionRow(at: string, versions: readonly ApiVersion[]): CheckRow {
  const v3 = pickVersion(versions, IDENTITY_MAJOR, 'v3');
  if (!v3) {
    return fail('keystone.version', `Keystone at ${at} offers identity ${versions.map((v) => v.id).join(', ')} only; keyform needs identity v3 (3.0 or later)`, VERSION_FIX);
  }
  return ok('keystone.version', `identity API ${describeVersion(v3)}, ${v3.status || 'no status'} (keyform needs 3.0 or later)`);
}

function oddDocument(url: string, status: number, body: string): CheckRow {
  const json = jsonBody(body);
  const why = json === undefined ? 'is not JSON' : parseVersionDocument(json).match(() => 'is not a version document', (e) => `is not a version document: ${e}`);
  const shown = body.replace(/\s+/g, ' ').trim().slice(0, 60);
  return fail('keystone.version', `${url} answered ${status} with ${JSON.stringify(shown)}${body.length > 60 ? '…' : ''}, which ${why}`, VERSION_FIX);
}
