import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okAsync } from 'neverthrow';
import type { OpenStackSession } from '../../../engine/openstack/index.ts';
import * as ks from '../../../engine/keystone/index.ts';
import { readMembers } from '../../../engine/snapshot/index.ts';
import { osc, oscAction } from '../../openstack/osc.ts';
import { testStack } from '../../openstack/stack.ts';
import { adminSession, runId } from '../apply/apply-fixture.ts';

const cleanup: (() => Promise<unknown>)[] = [];
let s: OpenStackSession;

beforeAll(async () => {
  s = await adminSession(testStack());
});

afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
  s.close();
});

describe('readMembers against the real Keystone', () => {
  it('reads the members of a group whose only grant is inherited the effective way as the per-user way does', async () => {
    // GIVEN a group holding only an inherited role on a project without subprojects, with one member, made with the CLI
    const run = runId();
    const make = async (args: string[]): Promise<string> => ((await osc(args))._unsafeUnwrap() as { id: string }).id;
    const user = await make(['user', 'create', '--domain', 'default', `inh-${run}`]);
    const group = await make(['group', 'create', '--domain', 'default', `inh-${run}`]);
    const project = await make(['project', 'create', '--domain', 'default', `inh-${run}`]);
    cleanup.push(async () => oscAction(['user', 'delete', user]), async () => oscAction(['group', 'delete', group]), async () => oscAction(['project', 'delete', project]));
    (await oscAction(['group', 'add', 'user', group, user]))._unsafeUnwrap();
    (await oscAction(['role', 'add', '--group', group, '--project', project, '--inherited', 'member']))._unsafeUnwrap();
    // WHEN its members are read both ways
    const users = (await ks.listUsers(s))._unsafeUnwrap();
    const groups = (await ks.listGroups(s))._unsafeUnwrap().filter((g) => g.id === group);
    const assignments = okAsync<readonly ks.RoleAssignment[], ks.KeystoneError>((await ks.listRoleAssignments(s))._unsafeUnwrap());
    const effective = (await readMembers(s, 'effective', { users, groups, assignments }, 4))._unsafeUnwrap();
    const perUser = (await readMembers(s, 'per-user', { users, groups, assignments }, 4))._unsafeUnwrap();
    // THEN both see the member
    expect(effective.get(group)).toEqual([user]);
    expect(perUser.get(group)).toEqual([user]);
  }, 120_000);
});
