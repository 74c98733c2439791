import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, secret, type CloudConfig } from '../../../engine/openstack/index.ts';

// A TLS endpoint with a self-signed certificate. It answers 404 to everything: these tests are
// about whether the TLS handshake is accepted, not about any OpenStack API.
let server: https.Server;
let url: string;
let certFile: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kf-tls-'));
  certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  server = https.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error": {"message": "nothing here"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cloud(over: Partial<CloudConfig>): CloudConfig {
  return {
    name: 'tls', source: 'test', authUrl: url, authType: 'password', interface: 'public', verify: true, endpointOverrides: {},
    auth: { authUrl: url, username: 'u', userDomainName: 'Default', password: secret('pw-never-printed') },
    ...over,
  };
}

describe('TLS verification', () => {
  it('is on by default: a self-signed certificate fails as TlsError with a hint about cacert', async () => {
    // GIVEN a cloud with default settings
    // WHEN a session is opened against the self-signed endpoint
    const e = (await openSession(cloud({}), { retries: 0 }))._unsafeUnwrapErr();
    // THEN the handshake is refused
    expect(e.kind).toBe('tls-error');
    expect(e.message).toContain('cacert');
  });

  it('accepts the certificate when cacert names the CA that signed it', async () => {
    // GIVEN the certificate as cacert
    // WHEN a session is opened
    const e = (await openSession(cloud({ cacert: certFile }), { retries: 0 }))._unsafeUnwrapErr();
    // THEN TLS passes and the request reaches the server (which answers 404)
    expect(e.kind).not.toBe('tls-error');
    expect(e.status).toBe(404);
  });

  it('skips verification only when insecure, with a loud warning', async () => {
    // GIVEN an insecure cloud
    const lines: string[] = [];
    // WHEN a session is opened
    const e = (await openSession(cloud({ verify: false }), { retries: 0, log: (l) => lines.push(l) }))._unsafeUnwrapErr();
    // THEN TLS is not checked, and the first log line warns about it
    expect(e.status).toBe(404);
    expect(lines[0]).toMatch(/^WARNING: TLS certificate verification is OFF/);
    expect(lines.join('\n')).not.toContain('pw-never-printed');
  });
});
