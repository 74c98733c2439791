import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startReceiver, type StatusReceiver } from '../block/status-receiver.ts';
import { testStack } from '../../openstack/stack.ts';
import { auth, cloudsYaml, COMMANDS, SECRET, sweep, type Variant } from './secrets-sweep-kit.ts';

/**
 * The secrets sweep against the real Keystone: it refuses the secret (a wrong password, an
 * application credential that does not exist), and every credential-reading command fails
 * saying so, without the secret in any output, status file or status POST.
 */
let receiver: StatusReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

function variants(): readonly Variant[] {
  const url = testStack().authUrl;
  return [
    { name: 'a wrong password for the admin user', files: { 'clouds.yaml': cloudsYaml(auth(SECRET, url)) } },
    { name: 'a password of a user that does not exist', files: { 'clouds.yaml': cloudsYaml(auth(SECRET, url).replace('username: admin', 'username: nobody-here')) } },
    { name: 'an application credential that does not exist', files: { 'clouds.yaml': `clouds:\n  prod:\n    region_name: RegionOne\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: ${url}\n      application_credential_id: 0123456789abcdef\n      application_credential_secret: ${SECRET}\n` } },
    { name: 'OS_PASSWORD wrong for the admin user', files: {}, env: { OS_AUTH_URL: url, OS_USERNAME: 'admin', OS_PASSWORD: SECRET, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionOne' } },
  ];
}

describe('no secret in any output when Keystone refuses it', { timeout: 180_000 }, () => {
  it.each(['a wrong password for the admin user', 'a password of a user that does not exist', 'an application credential that does not exist', 'OS_PASSWORD wrong for the admin user'])('%s', async (name) => {
    const variant = variants().find((v) => v.name === name)!;
    for (const argv of COMMANDS) {
      // GIVEN credentials Keystone refuses WHEN the command runs
      const { code, seen } = await sweep(receiver, variant, argv);
      // THEN it fails saying authentication failed, and the secret is nowhere
      expect({ argv, code }).toEqual({ argv, code: 1 });
      expect(seen, `${argv.join(' ')}: ${seen.slice(0, 600)}`).toMatch(/[Aa]uthentication|401|Could not find Application Credential/);
      expect(seen, `${argv.join(' ')}: ${seen.slice(0, 600)}`).not.toContain(SECRET);
      expect(seen).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
  });
});
