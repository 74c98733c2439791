import { describe, expect, it } from 'vitest';
import { address, addressOf, keystoneId, objectIdOf, parentAddress, type MembershipResource, type QuotaResource } from '../../../constructs/model/index.ts';

const P = 'os-prod';
const key = { workspace: 'acme', project: 'webshop', role: 'admin' };
const membership: MembershipResource = {
  kind: 'membership', address: address('membership', [P, 'acme', 'webshop', 'admin', 'bob']), platform: P, key: { ...key, euid: 'bob' }, attrs: {},
  ids: { groupId: keystoneId('group', 'g-1'), userId: keystoneId('user', 'u-1') }, managed: true,
};
const quota: QuotaResource = {
  kind: 'quota', address: address('quota', [P, 'acme', 'webshop', 'compute.cores']), platform: P, key: { workspace: 'acme', project: 'webshop', quotaKey: 'compute.cores' },
  attrs: { value: 4, backend: 'unified-limits' }, ids: { id: keystoneId('limit', 'l-1'), projectId: keystoneId('project', 'p-1') }, managed: true,
};

describe('parentAddress', () => {
  it("names the group, project and domain a record hangs on, from its key and platform", () => {
    // GIVEN a membership WHEN its parents are addressed THEN they are the addresses those records have
    expect(parentAddress(membership, 'group')).toBe('keyform_group.role["os-prod/acme/webshop/admin"]');
    expect(parentAddress(membership, 'project')).toBe(address('project', [P, 'acme', 'webshop']));
    expect(parentAddress(membership, 'domain')).toBe(address('domain', [P, 'acme']));
  });

  it('recomputes the address every record of any kind was made with', () => {
    // GIVEN records of two kinds WHEN their addresses are recomputed from their keys THEN they match
    expect([addressOf(membership), addressOf(quota)]).toEqual([membership.address, quota.address]);
  });
});

describe('objectIdOf', () => {
  it("gives the id of the object a record is, and none for a relation, which Keystone identifies by its ends", () => {
    // GIVEN a live quota (a unified limit) and a live membership WHEN asked for their own ids
    // THEN the limit has its id and the membership none
    expect([objectIdOf(quota), objectIdOf(membership)]).toEqual(['l-1', undefined]);
  });
});
