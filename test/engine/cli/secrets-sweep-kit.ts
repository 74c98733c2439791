import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import type { StatusReceiver } from '../block/status-receiver.ts';

/**
 * What the secrets sweeps share: the secret, credential files that hold it, a config and
 * block inputs that need them, every command that reads credentials, and a runner that
 * collects everything a run writes where anyone could read it.
 */
export const SECRET = 'Zq9_s3cr3t-V4lue';
export const KEYSTONE_DOWN = 'http://127.0.0.1:1/v3';

export const auth = (password: string, url = KEYSTONE_DOWN) =>
  `      auth_url: ${url}\n      username: admin\n      password: ${password}\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n`;
export const cloudsYaml = (authLines: string, more = '') => `clouds:\n  prod:\n    region_name: RegionOne\n${more}    auth:\n${authLines}`;

/** One way of holding the secret: the files of the working folder, and the environment. */
export interface Variant {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
}

const CONFIG = 'platform "os-prod" {\n  cloud          = "prod"\n  metering_cloud = "prod"\n  region         = "RegionOne"\n}\n' +
  'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    user "alice@acme.example" { roles = ["admin"] }\n  }\n}\n' +
  'metering "os-prod" {\n  interval = "5m"\n  store    = "sqlite://meter.db"\n}\n';
const INPUTS = JSON.stringify({ platform: 'os-prod', workspace: { identifier: 'acme' }, project: { identifier: 'web' }, tenant: {}, user_permissions: [{ euid: 'bob@acme.example', roles: ['admin'] }] });

/** Every command that reads credentials, as a user runs it against the config. */
export const COMMANDS: readonly (readonly string[])[] = [
  ['plan'],
  ['plan', '--format', 'json', '--out', 'plan.json'],
  ['snapshot', '--format', 'json'],
  ['doctor'],
  ['doctor', '--format', 'json'],
  ['apply', '--auto-approve'],
  ['force-unlock', 'os-prod'],
  ['meter', 'collect', '--once'],
  ['block', 'run', '--inputs', 'inputs.json', '--status', 'status.json', '--outputs', 'outputs.json'],
];

/** Runs `argv` in a fresh folder holding the variant's files; returns everything the run wrote where anyone could read it. */
export async function sweep(receiver: StatusReceiver, variant: Variant, argv: readonly string[], env: NodeJS.ProcessEnv = { ...variant.env }): Promise<{ code: number; seen: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-secrets-'));
  mkdirSync(join(dir, 'keyform'));
  writeFileSync(join(dir, 'keyform', 'main.hcl'), variant.env ? CONFIG.replace(/"prod"/g, '"envvars"') : CONFIG);
  writeFileSync(join(dir, 'inputs.json'), INPUTS);
  for (const [name, text] of Object.entries(variant.files)) writeFileSync(join(dir, name), text);
  try {
    return await sweepIn(dir, receiver, argv, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sweepIn(dir: string, receiver: StatusReceiver, argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; seen: string }> {
  const before = receiver.received.length;
  const withUrl = argv[0] === 'block' && !argv.includes('--status-url') ? [...argv, '--status-url', receiver.url] : argv;
  const out: string[] = [];
  const code = await main([...withUrl, '--config', 'keyform'], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTTY: false, env, cwd: dir });
  const files = ['status.json', 'outputs.json', 'plan.json'].filter((f) => existsSync(join(dir, f))).map((f) => readFileSync(join(dir, f), 'utf8'));
  const posts = receiver.received.slice(before).map((r) => `${JSON.stringify(r.headers)}\n${r.body}`);
  return { code, seen: [...out, ...files, ...posts].join('\n') };
}

