import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCloud } from '../../../engine/openstack/index.ts';

/** A scratch home and working folder, so that the real ~/.config/openstack never leaks in. */
function sandbox(): { home: string; cwd: string; userDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'kf-cloud-profile-'));
  const home = join(root, 'home');
  const cwd = join(root, 'work');
  const userDir = join(home, '.config', 'openstack');
  mkdirSync(userDir, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return { home, cwd, userDir };
}

const publicClouds = `public-clouds:
  lab:
    auth:
      auth_url: https://keystone.lab.example:5000/v3
      user_domain_name: Default
    regions: [LabOne, LabTwo]
    interface: internal
`;

const clouds = (extra = '') => `clouds:
  mine:
    profile: lab
    auth:
      username: me
      password: pw-of-mine
      project_name: p
      project_domain_name: Default
${extra}`;

describe('loadCloud with a profile', () => {
  it('merges the profile from clouds-public.yaml under the cloud, auth key by key, as openstacksdk does', () => {
    // GIVEN a clouds-public.yaml in the user folder and a cloud naming its profile
    const { home, cwd, userDir } = sandbox();
    writeFileSync(join(userDir, 'clouds-public.yaml'), publicClouds);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds('    interface: public\n'));
    // WHEN the cloud is loaded without a region
    const c = loadCloud({ cloud: 'mine', env: {}, cwd, home })._unsafeUnwrap();
    // THEN auth_url and the user domain come from the profile, the rest from the cloud, which wins where both say something
    expect(c).toMatchObject({ name: 'mine', authUrl: 'https://keystone.lab.example:5000/v3', regionName: 'LabOne', interface: 'public' });
    expect(c.auth).toMatchObject({ username: 'me', userDomainName: 'Default', projectName: 'p' });
  });

  it("picks a region of the profile's list, and refuses one that is not in it", () => {
    // GIVEN the same files
    const { home, cwd, userDir } = sandbox();
    writeFileSync(join(userDir, 'clouds-public.yaml'), publicClouds);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds());
    // WHEN loaded for region LabTwo, then for RegionOne
    const two = loadCloud({ cloud: 'mine', region: 'LabTwo', env: {}, cwd, home })._unsafeUnwrap();
    const wrong = loadCloud({ cloud: 'mine', region: 'RegionOne', env: {}, cwd, home });
    // THEN the profile's regions are the cloud's
    expect(two.regionName).toBe('LabTwo');
    expect(wrong._unsafeUnwrapErr().message).toContain('Region "RegionOne" is not a region of cloud "mine" (it has LabOne, LabTwo)');
  });

  it("keeps the profile's regions out when the cloud names its own region_name", () => {
    // GIVEN a cloud with region_name over a profile with a regions list
    const { home, cwd, userDir } = sandbox();
    writeFileSync(join(userDir, 'clouds-public.yaml'), publicClouds);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds('    region_name: Elsewhere\n'));
    // WHEN loaded without a region THEN the cloud's own region is used, as openstacksdk looks at a profile's regions only when the cloud has none
    expect(loadCloud({ cloud: 'mine', env: {}, cwd, home })._unsafeUnwrap().regionName).toBe('Elsewhere');
  });

  it('reads the older `cloud:` key as the profile name', () => {
    // GIVEN a cloud that names its profile with `cloud:`
    const { home, cwd, userDir } = sandbox();
    writeFileSync(join(userDir, 'clouds-public.yaml'), publicClouds);
    writeFileSync(join(cwd, 'clouds.yaml'), clouds().replace('profile: lab', 'cloud: lab'));
    // WHEN loaded THEN the profile is expanded
    expect(loadCloud({ cloud: 'mine', env: {}, cwd, home })._unsafeUnwrap().authUrl).toBe('https://keystone.lab.example:5000/v3');
  });

  it('fails naming the profile, the files searched and how to fix it when no clouds-public.yaml defines it', () => {
    // GIVEN a cloud with a profile and no clouds-public.yaml anywhere, then one without that profile
    const { home, cwd, userDir } = sandbox();
    writeFileSync(join(cwd, 'clouds.yaml'), clouds());
    const none = loadCloud({ cloud: 'mine', env: {}, cwd, home });
    writeFileSync(join(userDir, 'clouds-public.yaml'), publicClouds.replace('  lab:', '  other:'));
    const other = loadCloud({ cloud: 'mine', env: {}, cwd, home });
    // THEN each error says where it looked and what to write; neither shows the password
    expect(none._unsafeUnwrapErr().message).toContain(`uses profile "lab", but no clouds-public.yaml exists (searched ${join(cwd, 'clouds-public.yaml')}`);
    expect(other._unsafeUnwrapErr().message).toContain(`${join(userDir, 'clouds-public.yaml')} has no public cloud "lab"`);
    expect(other._unsafeUnwrapErr().message).toContain('add it under `public-clouds:`');
    for (const r of [none, other]) expect(r._unsafeUnwrapErr().message).not.toContain('pw-of-mine');
  });
});
