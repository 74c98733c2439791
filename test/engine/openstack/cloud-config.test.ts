import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cloudsOf, loadCloud } from '../../../engine/openstack/index.ts';

/** A scratch home and working folder, so that the real ~/.config/openstack never leaks in. */
function sandbox(): { home: string; cwd: string } {
  const root = mkdtempSync(join(tmpdir(), 'kf-cloud-config-'));
  const home = join(root, 'home');
  const cwd = join(root, 'work');
  mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return { home, cwd };
}

const yaml = (clouds: string): string => `clouds:\n${clouds}`;
const prod = `  prod:\n    auth:\n      auth_url: http://keystone.example:5000/v3\n      username: replicator\n      password: from-clouds-yaml\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n`;

describe('loadCloud', () => {
  it('reads the cloud named by OS_CLOUD from clouds.yaml in the current folder before the user folder', () => {
    // GIVEN a clouds.yaml in the working folder and a different one in ~/.config/openstack
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod));
    writeFileSync(join(home, '.config', 'openstack', 'clouds.yaml'), yaml(prod.replace('keystone.example', 'other.example')));
    // WHEN the cloud is loaded with OS_CLOUD=prod
    const c = loadCloud({ env: { OS_CLOUD: 'prod' }, cwd, home })._unsafeUnwrap();
    // THEN the working folder's file wins, as in openstacksdk
    expect(c.authUrl).toBe('http://keystone.example:5000/v3');
    expect(c.source).toBe(join(cwd, 'clouds.yaml'));
    expect(c.regionName).toBe('RegionOne');
  });

  it('takes OS_CLIENT_CONFIG_FILE before every standard location', () => {
    // GIVEN a clouds.yaml in the working folder and another named by OS_CLIENT_CONFIG_FILE
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod));
    const named = join(home, 'elsewhere.yaml');
    writeFileSync(named, yaml(prod.replace('keystone.example', 'named.example')));
    // WHEN loaded
    const c = loadCloud({ cloud: 'prod', env: { OS_CLIENT_CONFIG_FILE: named }, cwd, home })._unsafeUnwrap();
    // THEN the named file is used
    expect(c.authUrl).toBe('http://named.example:5000/v3');
  });

  it('merges secure.yaml over clouds.yaml and never prints the password', () => {
    // GIVEN a clouds.yaml without password and a secure.yaml holding it
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod.replace('      password: from-clouds-yaml\n', '')));
    writeFileSync(join(home, '.config', 'openstack', 'secure.yaml'), 'clouds:\n  prod:\n    auth:\n      password: s3cr3t-from-secure\n');
    // WHEN loaded and printed every way
    const c = loadCloud({ cloud: 'prod', env: {}, cwd, home })._unsafeUnwrap();
    const printed = [JSON.stringify(c), String(c.auth.password), `${c.auth.password}`, inspect(c, { depth: 5 })].join('\n');
    // THEN the password is there to use, and in no printed form
    expect(c.auth.password?.reveal()).toBe('s3cr3t-from-secure');
    expect(printed).not.toContain('s3cr3t-from-secure');
    expect(printed).toContain('***');
  });

  it('builds a cloud named envvars from OS_* variables and uses it when OS_CLOUD is unset', () => {
    // GIVEN a clouds.yaml with one cloud, and OS_* auth variables
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod));
    const env = {
      OS_AUTH_URL: 'http://env.example:5000', OS_USERNAME: 'env-user', OS_PASSWORD: 'env-pass', OS_PROJECT_NAME: 'p',
      OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: 'internal',
    };
    // WHEN loaded without a cloud name, then with OS_CLOUD=prod
    const fromEnv = loadCloud({ env, cwd, home })._unsafeUnwrap();
    const named = loadCloud({ env: { ...env, OS_CLOUD: 'prod' }, cwd, home })._unsafeUnwrap();
    // THEN the environment cloud is used first; a named cloud keeps its own values (OS_* do not patch it)
    expect(fromEnv).toMatchObject({ name: 'envvars', source: 'environment', authUrl: 'http://env.example:5000', regionName: 'RegionTwo', interface: 'internal' });
    expect(fromEnv.auth.username).toBe('env-user');
    expect(named).toMatchObject({ name: 'prod', authUrl: 'http://keystone.example:5000/v3', regionName: 'RegionOne', interface: 'public' });
    expect(named.auth.password?.reveal()).toBe('from-clouds-yaml');
  });

  it('maps application credential, system scope, tenant_name and domain_name shorthands as openstacksdk does', () => {
    // GIVEN clouds written with the older and shorter spellings
    const { home, cwd } = sandbox();
    writeFileSync(
      join(cwd, 'clouds.yaml'),
      yaml(
        '  appcred:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: http://k:5000\n      application_credential_id: ac1\n      application_credential_secret: acs\n' +
          '  sys:\n    auth:\n      auth_url: http://k:5000\n      username: u\n      password: p\n      user_domain_id: default\n      system_scope: all\n' +
          '  old:\n    auth:\n      auth_url: http://k:5000\n      username: u\n      password: p\n      tenant_name: legacy\n      domain_name: D\n',
      ),
    );
    // WHEN each is loaded
    const appcred = loadCloud({ cloud: 'appcred', env: {}, cwd, home })._unsafeUnwrap();
    const sys = loadCloud({ cloud: 'sys', env: {}, cwd, home })._unsafeUnwrap();
    const old = loadCloud({ cloud: 'old', env: {}, cwd, home })._unsafeUnwrap();
    // THEN they resolve to the keystoneauth options
    expect(appcred.authType).toBe('v3applicationcredential');
    expect(appcred.auth.applicationCredentialId).toBe('ac1');
    expect(sys.auth.systemScope).toBe('all');
    expect(old.auth).toMatchObject({ projectName: 'legacy', userDomainName: 'D', projectDomainName: 'D' });
    expect(old.auth.domainName).toBeUndefined();
  });

  it('turns TLS verification off only for insecure: true, and keeps cacert and endpoint overrides', () => {
    // GIVEN one insecure cloud and one with a CA bundle and an identity endpoint override
    const { home, cwd } = sandbox();
    writeFileSync(
      join(cwd, 'clouds.yaml'),
      yaml(prod.replace('  prod:', '  lax:') + '    insecure: true\n' + prod.replace('  prod:', '  strict:') + '    cacert: /etc/ssl/ca.pem\n    identity_endpoint_override: http://proxy:8080/v3\n    block-storage-endpoint-override: http://cinder:8776/v3\n'),
    );
    // WHEN loaded
    const lax = loadCloud({ cloud: 'lax', env: {}, cwd, home })._unsafeUnwrap();
    const strict = loadCloud({ cloud: 'strict', env: {}, cwd, home })._unsafeUnwrap();
    // THEN only the insecure one skips verification
    expect(lax.verify).toBe(false);
    expect(strict).toMatchObject({ verify: true, cacert: '/etc/ssl/ca.pem', endpointOverrides: { identity: 'http://proxy:8080/v3', 'block-storage': 'http://cinder:8776/v3' } });
  });

  it('fails with the searched locations when there is no clouds.yaml and no OS_AUTH_URL', () => {
    // GIVEN empty folders and no OS_* variables
    const { home, cwd } = sandbox();
    // WHEN loaded
    const e = loadCloud({ env: {}, cwd, home })._unsafeUnwrapErr();
    // THEN the error names where it looked and how to fix it
    expect(e.kind).toBe('config-not-found');
    expect(e.message).toContain(join(cwd, 'clouds.yaml'));
    expect(e.message).toContain('OS_CLIENT_CONFIG_FILE');
  });

  it('fails naming the known clouds when the wanted one is missing, and names a missing region', () => {
    // GIVEN a clouds.yaml with prod only
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod));
    // WHEN another cloud, then another region, is asked for
    const missing = loadCloud({ cloud: 'staging', env: {}, cwd, home })._unsafeUnwrapErr();
    const region = loadCloud({ cloud: 'prod', region: 'RegionNine', env: {}, cwd, home })._unsafeUnwrapErr();
    // THEN both errors say what exists
    expect(missing).toMatchObject({ kind: 'cloud-not-found' });
    expect(missing.message).toContain('Known clouds: prod');
    expect(region.message).toContain('RegionOne');
  });

  it('rejects password auth without a user domain before any request is sent', () => {
    // GIVEN a cloud with a username but no user domain
    const { home, cwd } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), yaml(prod.replace('      user_domain_name: Default\n', '')));
    // WHEN loaded
    const e = loadCloud({ cloud: 'prod', env: {}, cwd, home })._unsafeUnwrapErr();
    // THEN it says what is missing, without the password
    expect(e.kind).toBe('config-invalid');
    expect(e.message).toContain('user_domain_name');
    expect(e.message).not.toContain('from-clouds-yaml');
  });
});

describe('cloudsOf', () => {
  it('reads the files once and resolves every entry from them, as loadCloud resolves each', () => {
    // GIVEN a clouds.yaml with two entries
    const { home, cwd } = sandbox();
    const file = join(cwd, 'clouds.yaml');
    writeFileSync(file, yaml(prod + prod.replace('  prod:', '  prod-metering:').replace('replicator', 'meter')));
    // WHEN a resolver is made, and the file is then replaced by one with another auth_url
    const clouds = cloudsOf({ env: {}, cwd, home });
    const first = clouds('prod')._unsafeUnwrap();
    writeFileSync(file, yaml(prod.replace('keystone.example', 'changed.example')));
    // THEN both entries still come from the file as it was read, each as loadCloud resolved it then
    expect(first.authUrl).toBe('http://keystone.example:5000/v3');
    expect(clouds('prod-metering')._unsafeUnwrap()).toMatchObject({ name: 'prod-metering', authUrl: 'http://keystone.example:5000/v3', auth: { username: 'meter' } });
    expect(loadCloud({ cloud: 'prod', env: {}, cwd, home })._unsafeUnwrap().authUrl).toBe('http://changed.example:5000/v3');
  });
});
