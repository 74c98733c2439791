import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import { startReceiver, type StatusReceiver } from '../block/status-receiver.ts';

/**
 * Every CLI error path, fed secret-bearing credentials: whatever fails, the secret reaches
 * no output, no status file and no status POST. The secret is written the ways that used
 * to leak it: as a YAML alias, a tag, beside a syntax error, inside an unparsable or a
 * credential-carrying auth_url, in secure.yaml, in OS_PASSWORD; and an unexpected exception
 * whose message holds it.
 */
const SECRET = 'Zq9_s3cr3t-V4lue';
const KEYSTONE_DOWN = 'http://127.0.0.1:1/v3';

const auth = (password: string, url = KEYSTONE_DOWN) =>
  `      auth_url: ${url}\n      username: admin\n      password: ${password}\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n`;
const cloudsYaml = (authLines: string, more = '') => `clouds:\n  prod:\n    region_name: RegionOne\n${more}    auth:\n${authLines}`;

/** One way of holding the secret: the files of the working folder, and the environment. */
interface Variant {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

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

const CONFIG = 'platform "os-prod" {\n  cloud          = "prod"\n  metering_cloud = "prod"\n  region         = "RegionOne"\n}\n' +
  'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    user "alice@acme.example" { roles = ["admin"] }\n  }\n}\n' +
  'metering "os-prod" {\n  interval = "5m"\n  store    = "sqlite://meter.db"\n}\n';
const INPUTS = JSON.stringify({ platform: 'os-prod', workspace: { identifier: 'acme' }, project: { identifier: 'web' }, tenant: {}, user_permissions: [{ euid: 'bob@acme.example', roles: ['admin'] }] });

/** Every command that reads credentials, as a user runs it against the config. */
const COMMANDS: readonly (readonly string[])[] = [
  ['plan'],
  ['plan', '--format', 'json', '--out', 'plan.json'],
  ['snapshot', '--format', 'json'],
  ['doctor'],
  ['doctor', '--format', 'json'],
  ['apply', '--auto-approve'],
  ['force-unlock', 'os-prod', 'lock-1'],
  ['meter', 'collect', '--once'],
  ['block', 'run', '--inputs', 'inputs.json', '--status', 'status.json', '--outputs', 'outputs.json'],
];

let receiver: StatusReceiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
});

/** Runs `argv` in a fresh folder holding the variant's files; returns everything the run wrote where anyone could read it. */
async function sweep(variant: Variant, argv: readonly string[], env: NodeJS.ProcessEnv = { ...variant.env }): Promise<{ code: number; seen: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-secrets-'));
  mkdirSync(join(dir, 'keyform'));
  writeFileSync(join(dir, 'keyform', 'main.hcl'), variant.env ? CONFIG.replace(/"prod"/g, '"envvars"') : CONFIG);
  writeFileSync(join(dir, 'inputs.json'), INPUTS);
  for (const [name, text] of Object.entries(variant.files)) writeFileSync(join(dir, name), text);
  const before = receiver.received.length;
  const withUrl = argv[0] === 'block' ? [...argv, '--status-url', receiver.url] : argv;
  const out: string[] = [];
  const code = await main([...withUrl, '--config', 'keyform'], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTTY: false, env, cwd: dir });
  const files = ['status.json', 'outputs.json', 'plan.json'].filter((f) => existsSync(join(dir, f))).map((f) => readFileSync(join(dir, f), 'utf8'));
  const posts = receiver.received.slice(before).map((r) => `${JSON.stringify(r.headers)}\n${r.body}`);
  return { code, seen: [...out, ...files, ...posts].join('\n') };
}

describe('no secret in any output', { timeout: 120_000 }, () => {
  it.each(VARIANTS.map((v) => [v.name, v] as const))('%s: every command fails without showing it', async (_name, variant) => {
    for (const argv of COMMANDS) {
      // GIVEN credentials holding the secret WHEN the command runs
      const { code, seen } = await sweep(variant, argv);
      // THEN it fails, with no stack trace, and the secret is nowhere
      expect({ argv, code }).toEqual({ argv, code: 1 });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen, `${argv.join(' ')}: ${seen.slice(0, 600)}`).not.toContain(SECRET);
      expect(seen).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
  });

  it('reports an unexpected exception in one redacted line, and a block run as FAILED in its status file and POSTs first', async () => {
    // GIVEN a clouds.yaml holding the secret, and an environment whose reading throws an
    // error quoting the secret and a URL with it (a bug, as no expected failure throws)
    const variant = VARIANTS.find((v) => v.name.startsWith('a good password'))!;
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_t, key) => {
        if (key === 'OS_CLOUD_NAME') throw new RangeError(`bad value ${SECRET} from http://admin:${SECRET}@keystone.example/v3\nsecond line`);
        return undefined;
      },
    });
    for (const argv of [['plan'], COMMANDS.find((c) => c[0] === 'block')!]) {
      // WHEN a command reads it
      const before = receiver.received.length;
      const { code, seen } = await sweep(variant, argv, env);
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
