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

describe('keyform doctor against a Keystone whose version document is old or odd', () => {
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
    expect(row?.found).toBe(`${stub!.url}/v3 answered 200 with ${JSON.stringify(odd.body.slice(0, 60))}…, which is not a version document: a version id is "three", not like "v3.14"`);
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
