import { stringify } from 'yaml';
import type { Result } from 'neverthrow';
import type { LauncherError } from './launcher-error.ts';
import { STACK_ACCOUNTS } from './keystone-seed.ts';
import { writeStackFile } from './stack-files.ts';

/** The clouds.yaml entries every test stack has. */
export const CLOUD_NAMES = {
  /** Password auth, scoped to project `admin` (admin role). */
  admin: 'admin',
  /** Password auth, system scope `all` (admin role): reads every project's limits. */
  adminSystem: 'admin-system',
  /** Password auth, scoped to project `admin` with only the `reader` role. */
  auditor: 'auditor',
} as const;

function cloud(authUrl: string, auth: Record<string, string>) {
  return {
    auth: { auth_url: authUrl, user_domain_name: 'Default', ...auth },
    auth_type: 'password',
    region_name: 'RegionOne',
    interface: 'public',
    identity_api_version: 3,
  };
}

/** The clouds.yaml document for a stack whose Keystone is at `authUrl` (ending in /v3). */
export function cloudsYamlText(authUrl: string): string {
  const { admin, auditor } = STACK_ACCOUNTS;
  const projectAuth = (account: typeof admin | typeof auditor) => ({
    username: account.user,
    password: account.password,
    project_name: account.project,
    project_domain_name: 'Default',
  });
  const clouds = {
    [CLOUD_NAMES.admin]: cloud(authUrl, projectAuth(admin)),
    [CLOUD_NAMES.adminSystem]: cloud(authUrl, { username: admin.user, password: admin.password, system_scope: 'all' }),
    [CLOUD_NAMES.auditor]: cloud(authUrl, projectAuth(auditor)),
  };
  return `# written by keyform's test launcher (test/openstack/); test-only credentials\n${stringify({ clouds })}`;
}

/** Writes DIR/clouds.yaml (mode 0600: it holds passwords) and returns its path. */
export function writeCloudsYaml(dir: string, authUrl: string): Result<string, LauncherError> {
  const path = `${dir}/clouds.yaml`;
  return writeStackFile(path, cloudsYamlText(authUrl), 0o600).map(() => path);
}
