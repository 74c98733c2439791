import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../../engine/cli/main.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { testStack } from '../../../openstack/stack.ts';
import { meterConfig } from '../meter-config.ts';

describe('keyform meter collect with an account that sees only its own project', () => {
  it('fails with exit 1, names the policy rules to change, and stores nothing', async () => {
    // GIVEN the stack's `auditor`: reader on project admin only (Zed's defaults: 403 from nova
    // and keystone, cinder and neutron silently list only its own project)
    const stack = testStack();
    const dir = meterConfig('auditor');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), isTTY: false, env: { ...process.env, OS_CLIENT_CONFIG_FILE: stack.cloudsYaml }, cwd: dir };
    // WHEN it collects once
    const code = await main(['meter', 'collect', '--once', '--config', dir], io);
    // THEN the exit code is 1 and the message names each confined service and its rules
    const text = out.join('');
    expect(code).toBe(1);
    expect(text).toContain('sees only part of the cloud');
    expect(text).toContain('compute: GET /servers/detail?all_tenants=1 answered 403');
    expect(text).toContain('os_compute_api:servers:detail:get_all_tenants');
    expect(text).toMatch(/volumev3: .*context_is_admin/);
    expect(text).toMatch(/network: .*get_floatingip/);
    expect(text).toContain('identity:list_projects');
    // AND the store holds no run and no sample
    const file = join(dir, 'meter.db');
    expect(existsSync(file)).toBe(true);
    const store = (await openSqliteStore(file))._unsafeUnwrap();
    expect((await store.runs({ platform: 'os-meter', region: 'RegionOne' }, 0, 4_000_000_000))._unsafeUnwrap()).toEqual([]);
    expect((await store.ownerVersions('os-meter'))._unsafeUnwrap().size).toBe(0);
    await store.close();
  });

  it('checks the account even inside an interval that is already recorded', async () => {
    // GIVEN a run recorded by the admin account in the current interval
    const stack = testStack();
    const dir = meterConfig('admin');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), isTTY: false, env: { ...process.env, OS_CLIENT_CONFIG_FILE: stack.cloudsYaml }, cwd: dir };
    let first = await main(['meter', 'collect', '--once', '--config', dir], io);
    expect(first, out.join('')).toBe(0);
    // (a run that crossed into the next interval records that one too; the next then falls within it)
    for (let i = 0; i < 2 && !out.join('').includes('already recorded'); i++) first = await main(['meter', 'collect', '--once', '--config', dir], io);
    expect(out.join('')).toContain('already recorded');
    const file = join(dir, 'meter.db');
    const store = (await openSqliteStore(file))._unsafeUnwrap();
    const runs = (await store.runs({ platform: 'os-meter', region: 'RegionOne' }, 0, 4_000_000_000))._unsafeUnwrap().length;
    await store.close();
    // WHEN the metering account is changed to the confined auditor and collects within that interval
    meterConfig('auditor', dir);
    out.length = 0;
    const code = await main(['meter', 'collect', '--once', '--config', dir], io);
    // THEN it fails at once naming the confined services, instead of "nothing to do"
    expect(code).toBe(1);
    expect(out.join('')).toContain('sees only part of the cloud');
    expect(out.join('')).not.toContain('already recorded');
    // AND the store is as it was
    const again = (await openSqliteStore(file))._unsafeUnwrap();
    expect((await again.runs({ platform: 'os-meter', region: 'RegionOne' }, 0, 4_000_000_000))._unsafeUnwrap()).toHaveLength(runs);
    await again.close();
  });
});
