import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiver, type StatusReceiver } from '../block/status-receiver.ts';
import { auth, cloudsYaml, COMMANDS, KEYSTONE_DOWN, SECRET, sweep, type Variant } from './secrets-sweep-kit.ts';

/**
 * Every CLI error path, fed secret-bearing credentials: whatever fails, the secret reaches
 * no output, no status file and no status POST. The secret is written the ways that used
 * to leak it: as a YAML alias, a tag, beside a syntax error, inside an unparsable or a
 * credential-carrying auth_url, in secure.yaml, in OS_PASSWORD; and an unexpected exception
 * whose message holds it. (secrets-sweep.keystone.test.ts adds Keystone refusing it.)
 */
const VARIANTS: readonly Variant[] = [
  { name: 'a password that is an undefined alias', files: { 'clouds.yaml': cloudsYaml(auth(`*${SECRET}`)) } },
  { name: 'a password with a tag', files: { 'clouds.yaml': cloudsYaml(auth(`!${SECRET}`)) } },
  { name: 'a password beside a syntax error', files: { 'clouds.yaml': cloudsYaml(auth(`"${SECRET}`)) } },
  { name: 'a password on a tab-indented line', files: { 'clouds.yaml': cloudsYaml(auth(SECRET)).replace(`      password: ${SECRET}`, `\tpassword: ${SECRET}`) } },
  { name: 'a password written twice', files: { 'clouds.yaml': cloudsYaml(auth(SECRET) + `      password: ${SECRET}\n`) } },
  { name: 'an unparsable auth_url with credentials', files: { 'clouds.yaml': cloudsYaml(auth('x-pass', `http://admin:${SECRET}@[::1/v3`)) } },
  { name: 'an auth_url with credentials', files: { 'clouds.yaml': cloudsYaml(auth('x-pass', `http://admin:${SECRET}@127.0.0.1:1/v3`)) } },
  { name: 'a good password for a Keystone that is down', files: { 'clouds.yaml': cloudsYaml(auth(SECRET)) } },
  { name: 'secure.yaml holding the password of a cloud with a bad region', files: { 'clouds.yaml': cloudsYaml(auth('placeholder'), '    regions: [RegionTwo]\n'), 'secure.yaml': `clouds:\n  prod:\n    auth:\n      password: ${SECRET}\n` } },
  { name: 'an application credential secret as a mapping', files: { 'clouds.yaml': `clouds:\n  prod:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: ${KEYSTONE_DOWN}\n      application_credential_id: abc\n      application_credential_secret: { s: ${SECRET} }\n` } },
  { name: 'OS_PASSWORD for a Keystone that is down', files: {}, env: { OS_AUTH_URL: KEYSTONE_DOWN, OS_USERNAME: 'admin', OS_PASSWORD: SECRET, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default' } },
];

let receiver: StatusReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

describe('no secret in any output', { timeout: 120_000 }, () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s: every command fails without showing it', async (_name, variant) => {
    for (const argv of COMMANDS) {
      // GIVEN credentials holding the secret WHEN the command runs
      const { code, seen } = await sweep(receiver, variant, argv);
      // THEN it fails, with no stack trace, and the secret is nowhere
      expect({ argv, code }).toEqual({ argv, code: 1 });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen, `${argv.join(' ')}: ${seen.slice(0, 600)}`).not.toContain(SECRET);
      expect(seen).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
  });

  it.each([[`http://admin:${SECRET}@[::1/status`], [`https://admin:${SECRET}@receiver.example/status`], [`ftp://admin:${SECRET}@receiver.example/status`]])('refuses the status URL %s without showing it', async (url) => {
    // GIVEN a status URL holding the secret WHEN a block run is given it
    const variant = VARIANTS.find((v) => v.name.startsWith('a good password'))!;
    const { code, seen } = await sweep(receiver, variant, ['block', 'run', '--inputs', 'inputs.json', '--status-url', url]);
    // THEN it fails before doing anything, and the secret is nowhere
    expect(code).toBe(1);
    expect(seen).toContain('--status-url');
    expect(seen).not.toContain(SECRET);
  });

  it('turns an exception nothing catches into one redacted line and exit 1 in the real process', () => {
    // GIVEN a keyform.config.ts that throws, outside any promise keyform awaits, an error quoting a URL with the secret
    const dir = mkdtempSync(join(tmpdir(), 'keyform-uncaught-'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'keyform.config.ts'), `setTimeout(() => { throw new TypeError('boom at http://admin:${SECRET}@keystone.example/v3\\nsecond line'); }, 0);\nexport default async () => { await new Promise((r) => setTimeout(r, 2000)); };\n`);
    // WHEN the keyform command validates it
    const run = spawnSync(process.execPath, ['engine/cli/keyform.mjs', 'validate', '--config', dir], { encoding: 'utf8' });
    // THEN the process's last-resort handler prints one redacted line and exits 1
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('keyform: unexpected error: TypeError: boom at http://***@keystone.example/v3\nThis is a bug in keyform; please report it with the command you ran.\n');
    expect(run.stdout).toBe('');
  });

  it('reports an unexpected exception in one redacted line, and a block run as FAILED in its status file and POSTs first', async () => {
    // GIVEN a clouds.yaml holding the secret, and an environment whose reading throws an
    // error quoting the secret and a URL with it (a bug, as no expected failure throws)
    const variant = VARIANTS.find((v) => v.name.startsWith('a good password'))!;
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_t, key) => {
        if (key === 'OS_CLOUD' || key === 'OS_CLOUD_NAME') throw new RangeError(`bad value ${SECRET} from http://admin:${SECRET}@keystone.example/v3\nsecond line`);
        return undefined;
      },
    });
    for (const argv of [['plan'], COMMANDS.find((c) => c[0] === 'block')!]) {
      // WHEN a command reads it
      const before = receiver.received.length;
      const { code, seen } = await sweep(receiver, variant, argv, env);
      // THEN exit 1 with one redacted line naming the error, and no secret anywhere
      expect(code).toBe(1);
      expect(seen).toContain('keyform: unexpected error: RangeError: bad value *** from http://***@keystone.example/v3\n');
      expect(seen).not.toContain('second line');
      expect(seen).not.toContain(SECRET);
      if (argv[0] === 'block') {
        // AND the block run's last status, in the file and in the last POST, is FAILED with that line
        const posts = receiver.received.slice(before).map((r) => JSON.parse(r.body) as { status: string; systemMessage: string });
        expect(posts.at(-1)).toMatchObject({ status: 'FAILED', systemMessage: 'unexpected error: RangeError: bad value *** from http://***@keystone.example/v3' });
        expect(seen).toContain('"status": "FAILED"');
      }
    }
  });
});
