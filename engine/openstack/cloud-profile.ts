import { existsSync } from 'node:fs';
import { Result, err, ok } from 'neverthrow';
import { candidates, readClouds, type FileSearch } from './config-files.ts';
import { configInvalid, type OpenStackError } from './errors.ts';

/**
 * A cloud with its `profile:` (or the older `cloud:` key) expanded from the first
 * clouds-public.yaml found where openstacksdk looks (the clouds.yaml folders, no override
 * variable), as openstacksdk's `_expand_vendor_profile` does: the profile's values first, the
 * cloud's own over them, `auth` merged key by key. A cloud's own `region_name` keeps a
 * profile's `regions` list out, as openstacksdk looks at the profile's regions only when the
 * cloud names none. `envKey` (the OS_* cloud's name) is never a profile, as there.
 * openstacksdk's built-in vendor profiles are not part of keyform: a profile that no
 * clouds-public.yaml defines is an error naming the files searched.
 * @example expandProfile('prod', { profile: 'acme', auth: { username: 'u' } }, search, 'envvars')
 */
export function expandProfile(name: string, cloud: Readonly<Record<string, unknown>>, search: FileSearch, envKey: string): Result<Record<string, unknown>, OpenStackError> {
  const profile = cloud.profile ?? cloud.cloud;
  const { cloud: _oldSpelling, ...own } = cloud;
  if (profile === undefined || profile === envKey) return ok(own);
  if (typeof profile !== 'string' || profile === '') {
    return err(configInvalid(`Cloud ${JSON.stringify(name)} has a profile that is not a name. Write profile: NAME, a cloud of clouds-public.yaml.`));
  }
  const paths = candidates('clouds-public', search);
  const file = paths.find((p) => existsSync(p));
  return readClouds(file, 'public-clouds').andThen((publicClouds) => {
    const base = publicClouds[profile];
    if (typeof base !== 'object' || base === null) {
      const where = file ? `${file} has no public cloud ${JSON.stringify(profile)}` : `no clouds-public.yaml exists (searched ${paths.join(', ')})`;
      return err(configInvalid(`Cloud ${JSON.stringify(name)} uses profile ${JSON.stringify(profile)}, but ${where}. keyform reads profiles from clouds-public.yaml only (not openstacksdk's built-in vendor list): add it under \`public-clouds:\`, or drop \`profile\` and write its values into the cloud.`));
    }
    const merged: Record<string, unknown> = { ...base, ...own };
    const authOf = (x: Readonly<Record<string, unknown>>) => (typeof x.auth === 'object' && x.auth !== null ? (x.auth as Record<string, unknown>) : {});
    merged.auth = { ...authOf(base), ...authOf(own) };
    if (own.regions === undefined && own.region_name !== undefined) delete merged.regions;
    return ok(merged);
  });
}
