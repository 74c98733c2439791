import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../engine/cli/main.ts';
import { PLAN_FORMAT_VERSION, encodePlan, type Change, type Plan } from '../../../plans/index.ts';
import { SAMPLE_PLANS } from '../../plans/render/sample-plans.ts';

/**
 * Bad input, as a user meets it: each row is a folder of files and a keyform command run on
 * it (the real CLI, in-process), and what must come of it: the exit code and a fragment of
 * what keyform says. Nothing may crash (no stack trace), hang or pass silently.
 */
interface Row {
  readonly name: string;
  /** Files of the run's working folder; `keyform/…` is the config folder. */
  readonly files?: Readonly<Record<string, string>>;
  /** Arguments; `keyform` is the config folder by default. */
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the working folder before the run, for what files can't say (a FIFO). */
  readonly setup?: (dir: string) => void;
  readonly exit: number;
  /** Must appear in stdout + stderr. */
  readonly says: string;
  /** Must not appear in stdout + stderr (a secret, a raw control character). */
  readonly never?: string;
}

const SECRET = 'Zq9_s3cr3t-V4lue';
const P = 'platform "os-prod" {\n  cloud  = "prod"\n  region = "RegionOne"\n';
const platform = (extra = '') => `${P}${extra}}\n`;
const tenantOf = (users = '', ws = 'acme') => `workspace "${ws}" {\n  project "web" {\n    tenant "os-prod" {}\n${users}  }\n}\n`;
const yamlPlatform = 'platform: { os-prod: { cloud: prod, region: RegionOne } }\n';
const validate = ['validate', '--config', 'keyform'];
const plan = ['plan', '--config', 'keyform'];
const show = (format = 'text') => ['show', 'plan.json', '--format', format];

/** A config folder with one HCL file, and validate run on it. */
const hcl = (name: string, text: string, exit: number, says: string, extra: Partial<Row> = {}): Row => ({ name, files: { 'keyform/a.hcl': text }, argv: validate, exit, says, ...extra });
const yaml = (name: string, text: string, exit: number, says: string, extra: Partial<Row> = {}): Row => ({ name, files: { 'keyform/a.yaml': text }, argv: validate, exit, says, ...extra });
const json = (name: string, value: string, exit: number, says: string): Row => ({ name, files: { 'keyform/a.json': value }, argv: validate, exit, says });

/** A clouds.yaml whose `prod` cloud has `auth` lines replaced by `lines`; the config is valid and plan runs on it. */
const cloudsYaml = (auth: string, top = '') => `clouds:\n  prod:\n${top}    auth:\n${auth}`;
const AUTH = (password: string, url = 'http://127.0.0.1:1/v3') =>
  `      auth_url: ${url}\n      username: admin\n      password: ${password}\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n`;
const clouds = (name: string, text: string, says: string, extra: Partial<Row> = {}): Row => ({
  name, argv: plan, exit: 1, says, never: SECRET, ...extra, files: { 'keyform/a.hcl': platform() + tenantOf(), 'clouds.yaml': text, ...extra.files },
});

/** A sample plan changed by `edit`, written with a matching checksum, shown. */
const planFile = (name: string, edit: (p: Plan) => unknown, says: string, extra: Partial<Row> = {}): Row => ({
  name, files: { 'plan.json': encodeAny(edit(structuredClone(SAMPLE_PLANS['new tenant']()))) }, argv: show(), exit: 1, says, ...extra,
});
/** The plan file of `plan`, whatever its shape: the checksum matches, so only the shape checks can refuse it. */
const encodeAny = (plan: unknown): string => encodePlan(plan as Plan);
const firstChange = (p: Plan): Change & Record<string, unknown> => p.platforms[0]!.changes[0] as Change & Record<string, unknown>;
const mutable = (x: unknown) => x as Record<string, unknown>;

const ESC = '\u001b';
const emoji = (n: number) => '😀'.repeat(n);

const ROWS: readonly Row[] = [
  // lone surrogates: not text, and encodeURIComponent threw on them
  yaml('a lone high surrogate in a YAML user key', `${yamlPlatform}workspace:\n  acme:\n    project:\n      web:\n        tenant: { os-prod: {} }\n        user:\n          "a\\ud800b": { roles: [admin] }\n`, 1, 'a.yaml:8:11: the key contains a lone UTF-16 surrogate'),
  json('a lone low surrogate in a JSON workspace name', '{ "workspace": { "acme": { "name": "x\\udc00" } } }', 1, 'the value contains a lone UTF-16 surrogate'),
  json('a lone surrogate in a JSON tag value', '{ "workspace": { "acme": { "tags": { "team": "\\ud83d" } } } }', 1, 'lone UTF-16 surrogate'),
  hcl('a lone surrogate escape in HCL', platform() + tenantOf('    user "a\\ud800" { roles = ["admin"] }\n'), 1, 'Invalid escape sequence'),
  { name: 'block run --parallelism 0', files: { 'keyform/a.hcl': platform(), 'inputs.json': '{}' }, argv: ['block', 'run', '--inputs', 'inputs.json', '--config', 'keyform', '--parallelism', '0'], exit: 1, says: '--parallelism takes a whole number ≥ 1 (got "0")' },
  { name: 'plan -parallelism=two', files: { 'keyform/a.hcl': platform() }, argv: ['plan', '--config', 'keyform', '-parallelism=two'], exit: 1, says: '--parallelism takes a whole number ≥ 1 (got "two")' },
  { name: 'a lone surrogate in a block run euid', files: { 'keyform/a.hcl': platform(), 'inputs.json': '{ "platform": "os-prod", "workspace": { "identifier": "acme" }, "project": { "identifier": "web" }, "tenant": {}, "user_permissions": [{ "euid": "a\\ud800@x", "roles": ["admin"] }] }' }, argv: ['block', 'run', '--inputs', 'inputs.json', '--config', 'keyform'], exit: 1, says: 'lone UTF-16 surrogate' },
  // size limits: aliases, huge files, many problems, long values
  yaml('a YAML string expanded through hundreds of aliases', `big: &big "${'x'.repeat(100_000)}"\nplatform:\n  os-prod: { cloud: prod, region: RegionOne }\nworkspace:\n  acme:\n    tags: {${Array.from({ length: 200 }, (_, i) => ` t${i}: *big`).join(',')} }\n`, 1, 'characters of text once its aliases are expanded'),
  yaml('a YAML billion-laughs alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n`, 1, 'Excessive alias count'),
  hcl('an HCL file above the size limit', `# ${'garbage '.repeat(600_000)}\n`, 1, 'bytes; at most 4194304 are read for HCL'),
  hcl('an HCL file with 40 problems', platform(Array.from({ length: 40 }, (_, i) => `  unknown_${i} = 1\n`).join('')), 1, 'a.hcl: and 20 more problems in this file'),
  hcl('a problem quoting a 100 kB value', platform(`  quota_backend = "${'x'.repeat(100_000)}"\n`), 1, 'characters in all)'),
  // TypeScript programs
  { name: 'a keyform.config.ts whose default export never resolves', files: { 'keyform/package.json': '{ "type": "module" }\n', 'keyform/keyform.config.ts': 'export default async () => { await new Promise(() => {}); };\n' }, argv: validate, env: { KEYFORM_CONFIG_TIMEOUT: '1' }, exit: 1, says: 'did not finish within 1 s' },
  { name: 'a keyform.config.ts whose top-level await never resolves', files: { 'keyform/package.json': '{ "type": "module" }\n', 'keyform/keyform.config.ts': 'await new Promise(() => {});\nexport default () => {};\n' }, argv: validate, env: { KEYFORM_CONFIG_TIMEOUT: '1' }, exit: 1, says: 'did not finish within 1 s' },
  { name: 'a keyform.config.ts passing a string where roles are a list', files: tsProgram("new Platform(app, 'os-prod', { cloud: 'c', region: 'r' });\nconst p = new Project(new Workspace(app, 'acme'), 'web');\nnew Tenant(p, 'os-prod');\nnew UserBinding(p, 'a@b.example', { roles: 'admin' as any });\n"), argv: validate, exit: 1, says: 'has a prop of the wrong type (this.roles' },
  { name: 'a keyform.config.ts passing a number as a cloud', files: tsProgram("new Platform(app, 'os-prod', { cloud: 5 as any, region: 'r' });\n"), argv: validate, exit: 1, says: 'platform "os-prod": cloud must be a string, not number' },
  { name: 'a keyform.config.ts passing a number as a workspace name', files: tsProgram("new Platform(app, 'os-prod', { cloud: 'c', region: 'r' });\nnew Workspace(app, 'acme', { name: 42 as any });\n"), argv: validate, exit: 1, says: 'Workspace "workspace.acme" has a prop of the wrong type' },
  // keys HCL used to keep the last of, or drop
  hcl('an HCL role mapping with a key twice', platform('  role_mapping = { admin = "member", admin = "reader" }\n'), 1, 'a.hcl:4:38: the key "admin" is written twice in one map'),
  hcl('HCL tags with a key twice', platform() + 'workspace "acme" {\n  tags = {\n    team = "a"\n    team = "b"\n  }\n}\n', 1, 'a.hcl:8:5: the key "team" is written twice'),
  hcl('an HCL quota with a quoted key twice', platform() + 'landing_zone "std" {\n  platform = "os-prod"\n  quota = { "compute.cores" = 1, "compute.cores" = 2 }\n}\n', 1, 'the key "compute.cores" is written twice'),
  hcl('an HCL attribute twice in one block', platform('  region = "Other"\n'), 1, 'Attribute redefined'),
  hcl('__proto__ as an HCL map key', platform('  role_mapping = { __proto__ = "member" }\n'), 1, 'a.hcl:4:20: the key "__proto__" is not allowed'),
  hcl('__proto__ as an HCL block label', platform() + 'workspace "__proto__" {}\n', 1, 'the key "__proto__" is not allowed'),
  yaml('__proto__ as a YAML tag key', `${yamlPlatform}workspace:\n  acme:\n    tags: { __proto__: x }\n`, 1, 'a.yaml:4:13: the key "__proto__" is not allowed'),
  json('__proto__ as a JSON workspace key', '{ "workspace": { "__proto__": {} } }', 1, 'the key "__proto__" is not allowed'),
  // YAML tags that would drop or change values
  yaml('a YAML !!omap', `${yamlPlatform}workspace: !!omap\n  - acme: {}\n`, 1, 'the YAML tag !!omap is not supported'),
  yaml('a YAML !!set', `${yamlPlatform}workspace: !!set\n  ? acme\n`, 1, 'the YAML tag !!set is not supported'),
  yaml('a YAML custom tag', 'platform: { os-prod: { cloud: !vault prod, region: RegionOne } }\n', 1, 'a.yaml:1:38: syntax error: the YAML tag !vault is not supported'),
  yaml('a YAML !!binary', 'platform: { os-prod: { cloud: !!binary cHJvZA==, region: RegionOne } }\n', 1, 'the YAML tag !!binary is not supported'),
  yaml('a YAML !!str (core schema) is fine', 'platform: { os-prod: { cloud: !!str prod, region: RegionOne } }\n', 0, 'The configuration is valid'),
  // names as Keystone checks them
  hcl('two platforms on one cloud rendering the same project name', platform() + 'platform "os-two" {\n  cloud  = "prod"\n  region = "RegionTwo"\n}\n' + 'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    tenant "os-two" {}\n  }\n}\n', 1, 'is rendered by platforms "os-prod" and "os-two", which share one Keystone ('),
  { name: 'two platforms on two clouds.yaml entries of one Keystone rendering the same project name', files: { 'keyform/a.hcl': platform() + 'platform "os-two" {\n  cloud  = "prod-two"\n  region = "RegionTwo"\n}\n' + 'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    tenant "os-two" {}\n  }\n}\n', 'clouds.yaml': `clouds:\n  prod:\n    auth:\n${AUTH('pw-one', 'https://keystone.example:5000/v3/')}  prod-two:\n    auth:\n${AUTH('pw-two', 'https://keystone.example:5000/v3')}` }, argv: validate, exit: 1, says: 'which share one Keystone (https://keystone.example:5000/v3)' },
  hcl('two platforms on different clouds may render the same name', platform() + 'platform "os-two" {\n  cloud  = "other"\n  region = "RegionTwo"\n}\n' + 'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    tenant "os-two" {}\n  }\n}\n', 0, 'The configuration is valid'),
  hcl('a project name ending in U+0085 (Python strip() removes it)', platform('  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}\u0085"\n') + tenantOf(), 1, 'starts or ends with whitespace, which Keystone strips'),
  hcl('a project name ending in U+001F', platform('  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}\\u001f"\n') + tenantOf(), 1, 'starts or ends with whitespace'),
  hcl('a project name ending in U+FEFF (Keystone keeps it)', platform('  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}\ufeff"\n') + tenantOf(), 0, 'The configuration is valid'),
  hcl('a 44-character name of emoji (84 UTF-16 units)', platform(`  project_name_pattern = "${emoji(40)}#{projectIdentifier}-x"\n`) + tenantOf(), 0, 'The configuration is valid'),
  hcl('a 65-character name of emoji', platform(`  project_name_pattern = "${emoji(59)}#{projectIdentifier}-xx"\n`) + tenantOf(), 1, 'is 65 characters long; Keystone allows at most 64'),
  hcl('users differing only in case in one project', platform() + tenantOf('    user "Alice@acme.example" { roles = ["admin"] }\n    user "alice@acme.example" { roles = ["user"] }\n'), 1, 'a.hcl:9:10: user "alice@acme.example" is also bound as "Alice@acme.example" in this project'),
  hcl('users differing only in case in two projects are fine', platform() + 'workspace "acme" {\n  project "web" {\n    tenant "os-prod" {}\n    user "Alice@x.example" { roles = ["admin"] }\n  }\n  project "api" {\n    tenant "os-prod" {}\n    user "alice@x.example" { roles = ["admin"] }\n  }\n}\n', 0, 'The configuration is valid'),
  // absurd intervals
  hcl('a metering interval of one second', platform() + 'metering "os-prod" {\n  interval = "1s"\n}\n', 1, 'interval "1s" is out of range'),
  hcl('a metering interval of two days', platform() + 'metering "os-prod" {\n  interval = "48h"\n}\n', 1, 'interval "48h" is out of range'),
  hcl('a metering interval of 10^12 hours', platform() + 'metering "os-prod" {\n  interval = "999999999999h"\n}\n', 1, 'is out of range'),
  // folders and files that are not config
  { name: 'an empty config folder', setup: (d) => mkdirSync(join(d, 'keyform')), argv: validate, exit: 1, says: 'holds no config files' },
  { name: 'a config folder of tool files only', files: { 'keyform/package.json': '{}\n', 'keyform/tsconfig.json': '{}\n' }, argv: validate, exit: 1, says: 'holds no config files' },
  { name: 'a FIFO named a.hcl', setup: (d) => { mkdirSync(join(d, 'keyform')); execFileSync('mkfifo', [join(d, 'keyform', 'a.hcl')]); }, argv: validate, exit: 1, says: 'a.hcl is not a regular file' },
  { name: 'a folder named b.yaml', files: { 'keyform/a.hcl': platform() }, setup: (d) => mkdirSync(join(d, 'keyform', 'b.yaml')), argv: validate, exit: 1, says: 'b.yaml is not a regular file' },
  { name: 'a missing config path', argv: ['validate', '--config', 'nowhere'], exit: 1, says: 'no such file or folder' },
  // terminal controls in problems are escaped
  yaml('an escape sequence in a workspace identifier', `${yamlPlatform}workspace:\n  "acme\\e[2K": {}\n`, 1, 'acme\\u001b[2K', { never: ESC }),
  yaml('a C1 control (CSI) in a workspace identifier', `${yamlPlatform}workspace:\n  "acme\\x9b2K": {}\n`, 1, 'acme\\x9b2K', { never: '\u009b' }),
  yaml('a bidi override in a tag value', `${yamlPlatform}workspace:\n  acme:\n    tags: { "team\\u202e": 1 }\n`, 1, 'team\\u202e', { never: '\u202e' }),
  // secrets in clouds.yaml: refused by position, never quoted
  clouds('a password that is an undefined YAML alias', cloudsYaml(AUTH(`*${SECRET}`)), 'an alias whose anchor is not defined before it'),
  clouds('a password with a YAML tag', cloudsYaml(AUTH(`!${SECRET}`)), 'clouds.prod.auth.password carries a YAML tag'),
  clouds('a password YAML reads as a number (0123)', cloudsYaml(AUTH('0123')), 'clouds.prod.auth.password is read by YAML as a number, not a string'),
  clouds('a password YAML reads as a number (1e3)', cloudsYaml(AUTH('1e3')), 'quote it'),
  clouds('a password YAML reads as a boolean', cloudsYaml(AUTH('true')), 'is read by YAML as a boolean'),
  clouds('an empty password', cloudsYaml(AUTH('')), 'clouds.prod.auth.password has no value'),
  clouds('a password that is a mapping', cloudsYaml(AUTH(`{ value: ${SECRET} }`)), 'is a list or a mapping'),
  clouds('an application credential secret YAML reads as a number', 'clouds:\n  prod:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n      application_credential_id: abc\n      application_credential_secret: 12345678\n', 'application_credential_secret is read by YAML as a number'),
  clouds('a number password in secure.yaml', cloudsYaml(AUTH('x').replace('      password: x\n', '')), 'secure.yaml cannot be read', { files: { 'secure.yaml': 'clouds:\n  prod:\n    auth:\n      password: 0123\n' } }),
  clouds('a clouds.yaml syntax error next to the password', cloudsYaml(AUTH(`"${SECRET}`)), 'clouds.yaml cannot be read: line'),
  clouds('a password written twice', cloudsYaml(AUTH(SECRET) + `      password: ${SECRET}x\n`), 'duplicate key'),
  clouds('a clouds.yaml alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n${cloudsYaml(AUTH(SECRET))}`, 'its aliases expand to more than 100 copies'),
  clouds('an unparsable auth_url with credentials', cloudsYaml(AUTH(SECRET, `http://admin:${SECRET}@[::1/v3`)), 'auth_url is not a URL'),
  clouds('an auth_url without a scheme', cloudsYaml(AUTH(SECRET, 'keystone.example/v3')), 'auth_url is not a URL'),
  clouds('an auth_url of host:port without a scheme', cloudsYaml(AUTH(SECRET, 'keystone.example:5000/v3')), 'auth_url uses the scheme "keystone.example:"'),
  clouds('an ftp:// auth_url', cloudsYaml(AUTH(SECRET, 'ftp://keystone.example/v3')), 'auth_url uses the scheme "ftp:"'),
  clouds('an auth_url carrying user:password', cloudsYaml(AUTH(SECRET, `https://admin:${SECRET}@keystone.example/v3`)), 'auth_url carries credentials'),
  clouds('a negative api_timeout', cloudsYaml(AUTH(SECRET), '    api_timeout: -5\n'), 'api_timeout must be a number of seconds above 0'),
  clouds('an api_timeout of 31 years', cloudsYaml(AUTH(SECRET), '    api_timeout: 1e9\n'), 'api_timeout must be'),
  clouds('an api_timeout that is not a number', cloudsYaml(AUTH(SECRET), '    api_timeout: soon\n'), 'api_timeout must be'),
  { name: 'an ftp:// OS_AUTH_URL', files: { 'keyform/a.hcl': platform().replace('  cloud  = "prod"\n', '  cloud  = "envvars"\n') + tenantOf() }, argv: plan, env: { OS_AUTH_URL: 'ftp://keystone/v3', OS_USERNAME: 'admin', OS_PASSWORD: SECRET, OS_USER_DOMAIN_NAME: 'Default' }, exit: 1, says: 'auth_url uses the scheme "ftp:"', never: SECRET },
  // plan files whose checksum matches but whose shape does not
  planFile('a create whose after is null', (p) => { mutable(firstChange(p)).after = null; return p; }, 'a create has no after record'),
  planFile('a create with a before record', (p) => { const c = mutable(firstChange(p)); c.before = c.after; return p; }, 'a create has a before record'),
  planFile('a change whose record is of another kind', (p) => { const c = firstChange(p); mutable(c).after = p.platforms[0]!.desired.resources.find((r) => r.kind !== c.kind); return p; }, 'but the change is of a'),
  planFile('a record whose fields are those of another kind', (p) => { mutable(firstChange(p).after).kind = firstChange(p).kind === 'group' ? 'project' : 'group'; return p; }, 'The plan file is not a keyform plan: plan.platforms[0]'),
  planFile('a change whose record is at another address', (p) => { mutable(firstChange(p).after).address = 'elsewhere'; return p; }, 'record is at another address'),
  planFile('a create without operations', (p) => { mutable(firstChange(p)).operations = []; return p; }, 'a create with 0 operations'),
  planFile('a platform summary that does not count its changes', (p) => { mutable(p.platforms[0]!.summary).add = 0; mutable(p.summary).add = 0; return p; }, 'summary.add is 0, but the changes make it'),
  planFile("a plan summary that is not the sum of the platforms'", (p) => { mutable(p.summary).destroy = 7; return p; }, 'plan.summary.destroy is 7'),
  planFile('a plan that says it has errors when it has none', (p) => { mutable(p).errored = true; return p; }, 'plan.errored is true'),
  planFile('a plan that says it is applyable when it has nothing to do', () => { const q = SAMPLE_PLANS['no changes'](); mutable(q).applyable = true; return q; }, 'plan.applyable is true'),
  planFile('a record with 20,000 attributes', (p) => { const attrs = mutable(firstChange(p).after!.attrs); for (let i = 0; i < 20_000; i++) attrs[`a${i}`] = 'x'; return p; }, 'attributes (at most 64)'),
  planFile('an unknown action', (p) => { mutable(firstChange(p)).action = 'explode'; return p; }, 'expected one of'),
  { name: 'a plan nested 200,000 levels deep', files: { 'plan.json': `{"formatVersion":${PLAN_FORMAT_VERSION},"checksum":"sha256:0","plan":${'['.repeat(200_000)}${']'.repeat(200_000)}}` }, argv: show(), exit: 1, says: 'nested more than 32 levels deep' },
  { name: 'a plan file over 2 GiB (sparse)', setup: (d) => truncateSync(join(d, 'plan.json'), 2.5 * 2 ** 30), files: { 'plan.json': '' }, argv: show(), exit: 1, says: 'plan.json: The plan file is 2.50 GiB, more than the 2.00 GiB this keyform process reads' },
  { name: 'a plan file that is not JSON', files: { 'plan.json': '{"formatVersion":1,' }, argv: show(), exit: 1, says: 'is not valid JSON' },
  // terminal controls in a valid plan are escaped in text and Markdown
  planFile('an escape sequence in a change reason (text)', (p) => { mutable(firstChange(p)).reason = `fine${ESC}[2K${ESC}[1A`; return p; }, 'fine\\x1b[2K\\x1b[1A', { exit: 0, never: ESC }),
  planFile('a carriage return in a change reason (Markdown)', (p) => { mutable(firstChange(p)).reason = 'ok\r+ fake line'; return p; }, 'ok\\x0d+ fake line', { exit: 0, never: '\r', argv: show('markdown') }),
  planFile('a bidi override in an address (text)', (p) => { const c = mutable(firstChange(p)); c.address = `${String(c.address)}\u202e`; mutable(c.after).address = c.address; return p; }, '\\u202e', { exit: 0, never: '\u202e' }),
];

/** A keyform.config.ts (in an ESM package) that builds `body` on `app` and exports it. */
function tsProgram(body: string): Record<string, string> {
  const constructs = JSON.stringify(join(process.cwd(), 'constructs/index.ts'));
  return {
    'keyform/package.json': '{ "type": "module" }\n',
    'keyform/keyform.config.ts': `import { KeyformApp, Platform, Workspace, Project, Tenant, UserBinding } from ${constructs};\nconst app = new KeyformApp();\n${body}export default app;\n`,
  };
}

async function run(row: Row): Promise<{ code: number; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyform-bad-cli-'));
  for (const [name, text] of Object.entries(row.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  try {
    row.setup?.(dir);
    const out: string[] = [];
    const env = { ...row.env };
    const code = await main(row.argv, { stdout: (t) => out.push(t), stderr: (t) => out.push(t), isTTY: false, env, cwd: dir });
    return { code, text: out.join('') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Generous: the first HCL file compiles hcl2json's WebAssembly parser, and TS rows wait for their timeout.
describe('bad input through the CLI', { timeout: 60_000 }, () => {
  it('has at least 60 rows, each named once', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    // GIVEN the row's files WHEN its command runs
    const { code, text } = await run(row);
    // THEN it exits as expected, says what is wrong, and never crashes or echoes what it must not
    expect(text, `output: ${text.slice(0, 1500)}`).toContain(row.says);
    expect(code).toBe(row.exit);
    expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(text).not.toContain('unexpected error');
    if (row.never !== undefined) expect(text).not.toContain(row.never);
  });
});
