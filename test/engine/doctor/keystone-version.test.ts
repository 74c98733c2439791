import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startVersionStub, type StubAnswer, type VersionStub } from '../../support/version-stub.ts';
import { checksOf, folderWith, runKeyform } from './doctor-cli.ts';

const CONFIG = `platform "stubbed" {
  cloud  = "stub"
  region = "RegionOne"
}
`;

function cloudsYaml(authUrl: string): string {
  return `clouds:
  stub:
    auth:
      auth_url: ${authUrl}
      username: nobody
      password: not-a-secret
      user_domain_name: Default
      project_name: nothing
      project_domain_name: Default
    region_name: RegionOne
`;
}

/** Runs `keyform doctor --format json` against a Keystone stub answering `routes`. */
async function doctorAgainst(routes: Readonly<Record<string, StubAnswer>>, authPath: string) {
  stub = await startVersionStub(routes);
  const dir = folderWith({ 'keyform.hcl': CONFIG, 'clouds.yaml': cloudsYaml(stub.url + authPath) });
  const run = await runKeyform(['doctor', '--config', 'keyform.hcl', '--format', 'json'], { OS_CLIENT_CONFIG_FILE: `${dir}/clouds.yaml` }, dir);
  return { run, checks: checksOf(run, 'stubbed') };
}

let stub: VersionStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

// The first in-process run loads the config loaders (HCL via WebAssembly): seconds on a busy machine.
describe('keyform doctor against a Keystone whose version document is old or odd', { timeout: 60_000 }, () => {
  it('fails the version check naming the v2.0 a Keystone without identity v3 offers, and stops there', async () => {
    // GIVEN a Keystone that serves identity v2.0 only (no /v3; its root lists v2.0)
    const root = { status: 300, body: JSON.stringify({ versions: { values: [{ id: 'v2.0', status: 'deprecated', links: [] }] } }) };
    // WHEN doctor checks it, with an auth_url that names v2.0 as old clouds.yaml files do
    const { run, checks } = await doctorAgainst({ '/': root, '/v2.0': { status: 200, body: JSON.stringify({ version: { id: 'v2.0', status: 'deprecated' } }) } }, '/v2.0');
    // THEN the version row fails with what was found and nothing after it ran (no login was tried)
    expect(run.code).toBe(1);
    expect(checks.get('keystone.reachable')?.status).toBe('ok');
    expect(checks.get('keystone.version')).toMatchObject({ status: 'fail', found: `Keystone at ${stub!.url}/ offers identity v2.0 only; keyform needs identity v3 (3.0 or later)` });
    expect(checks.get('keystone.version')?.fix).toContain('identity v3');
    expect([...checks.keys()]).toEqual(['keystone.reachable', 'keystone.tls', 'keystone.version']);
    expect(stub!.requests).not.toContain('POST /v3/auth/tokens');
  });

  it('fails the version check when /v3 answers a document whose version id is not a version', async () => {
    // GIVEN a server whose /v3 answers JSON with an odd version id, and whose root answers HTML
    const odd = { status: 200, body: JSON.stringify({ version: { id: 'three', status: 'stable' } }) };
    const html = { status: 200, body: '<html><body>Welcome to nginx!</body></html>', contentType: 'text/html' };
    // WHEN doctor checks it
    const { run, checks } = await doctorAgainst({ '/v3': odd, '/': html }, '/v3');
    // THEN the row says what came back and why it is not a Keystone version document
    expect(run.code).toBe(1);
    const row = checks.get('keystone.version');
    expect(row?.status).toBe('fail');
    expect(row?.found).toBe(`${stub!.url}/v3 answered 200 with ${JSON.stringify(odd.body)}, which is not a version document: a version id is "three", not like "v3.14"`);
  });

  it('fails the reachability check, and stops, when nothing answers at auth_url', async () => {
    // GIVEN an auth_url on a port where nothing listens any more
    const gone = await startVersionStub({});
    await gone.close();
    const dir = folderWith({ 'keyform.hcl': CONFIG, 'clouds.yaml': cloudsYaml(`${gone.url}/v3`) });
    // WHEN doctor checks it
    const run = await runKeyform(['doctor', '--config', 'keyform.hcl', '--format', 'json'], { OS_CLIENT_CONFIG_FILE: `${dir}/clouds.yaml` }, dir);
    // THEN one failing row says so, with the connection error
    const checks = checksOf(run, 'stubbed');
    expect(run.code).toBe(1);
    expect([...checks.keys()]).toEqual(['keystone.reachable']);
    expect(checks.get('keystone.reachable')?.found).toBe(`Keystone does not answer at ${gone.url}/v3 (ECONNREFUSED: connect ECONNREFUSED ${gone.url.replace('http://', '')})`);
  });

  it('passes the version check for a v3.14 document and goes on to sign in', async () => {
    // GIVEN a stub that serves a Zed Keystone's version document but nothing else
    const v3 = { status: 200, body: JSON.stringify({ version: { id: 'v3.14', status: 'stable', links: [] } }) };
    // WHEN doctor checks it
    const { run, checks } = await doctorAgainst({ '/v3': v3 }, '/v3');
    // THEN the version row passes with the version found, and the sign-in is what fails
    expect(checks.get('keystone.version')).toMatchObject({ status: 'ok', found: 'identity API v3.14, stable (keyform needs 3.0 or later)' });
    expect(checks.get('replicator.auth')?.status).toBe('fail');
    expect(run.code).toBe(1);
    expect(stub!.requests).toContain('POST /v3/auth/tokens');
  });
});

/** A self-signed certificate for 127.0.0.1, made with the system's openssl. */
function selfSigned(): { key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
  return { key: readFileSync(`${dir}/key.pem`, 'utf8'), cert: readFileSync(`${dir}/cert.pem`, 'utf8'), certFile: `${dir}/cert.pem` };
}

describe('keyform doctor against a Keystone behind its own certificate', { timeout: 60_000 }, () => {
  const v3 = { status: 200, body: JSON.stringify({ version: { id: 'v3.14', status: 'stable' } }) };
  const tlsDoctor = async (cacert: string | undefined) => {
    const tls = selfSigned();
    stub = await startVersionStub({ '/v3': v3 }, tls);
    const extra = cacert === undefined ? '' : `    cacert: ${cacert === 'the stub' ? tls.certFile : cacert}\n`;
    const dir = folderWith({ 'keyform.hcl': CONFIG, 'clouds.yaml': cloudsYaml(`${stub.url}/v3`) + extra });
    const run = await runKeyform(['doctor', '--config', 'keyform.hcl', '--format', 'json'], { OS_CLIENT_CONFIG_FILE: `${dir}/clouds.yaml` }, dir);
    return checksOf(run, 'stubbed');
  };

  it('fails the TLS check when the certificate does not verify, and says to set cacert', async () => {
    // GIVEN an https Keystone with a self-signed certificate and no cacert in clouds.yaml
    // WHEN doctor checks it
    const checks = await tlsDoctor(undefined);
    // THEN the host is reachable, TLS fails with the reason, and nothing else runs
    expect(checks.get('keystone.reachable')?.status).toBe('ok');
    expect(checks.get('keystone.tls')?.status).toBe('fail');
    expect(checks.get('keystone.tls')?.found).toContain('SELF_SIGNED');
    expect(checks.get('keystone.tls')?.fix).toContain('cacert');
    expect([...checks.keys()]).toEqual(['keystone.reachable', 'keystone.tls']);
  });

  it('passes the TLS check when clouds.yaml names the CA that signed the certificate', async () => {
    // GIVEN the same Keystone, with its certificate as cacert WHEN doctor checks it
    const checks = await tlsDoctor('the stub');
    // THEN TLS verifies against that file and the version check runs
    expect(checks.get('keystone.tls')?.status).toBe('ok');
    expect(checks.get('keystone.tls')?.found).toMatch(/^the certificate of 127\.0\.0\.1:\d+ verifies against \/.*cert\.pem$/);
    expect(checks.get('keystone.version')?.status).toBe('ok');
  });
});
