import { describe, expect, it } from 'vitest';
import type { Remark } from '../../../plans/index.ts';
import { blockOutputs } from '../../../engine/block/index.ts';
import { PLATFORM, liveState, tenant } from '../../plans/fixtures.ts';

const SCOPE = { platform: PLATFORM, workspace: 'acme', project: 'webshop' };
const REMARK: Remark = {
  kind: 'user-not-found', platform: PLATFORM, euid: 'zoe@acme.example', tenant: 'acme.webshop', roles: ['reader', 'user'], addresses: [],
  message: 'user "zoe@acme.example" is bound to acme.webshop (reader, user) but has no Keystone user yet, …',
};

describe('blockOutputs', () => {
  it("reads the tenant's project, domain and group ids from the snapshot, with its remarks for the owner", () => {
    // GIVEN a snapshot (cut to the tenant) of acme.webshop with groups admin and reader
    const live = liveState(tenant({ roles: { admin: 'member', reader: 'reader' } }));
    // WHEN the outputs are read
    const out = blockOutputs(live, SCOPE, [REMARK])._unsafeUnwrap();
    // THEN they hold the snapshot's ids (domain by name) and the remark in plain words
    expect(out).toEqual({
      behavior: 'APPLY', platform: PLATFORM, workspace: 'acme', project: 'webshop',
      projectId: 'project-os-prod-acme-webshop', projectName: 'acme.webshop', domainId: 'domain-default', domainName: 'default',
      groups: { admin: 'group-os-prod-acme-webshop-admin', reader: 'group-os-prod-acme-webshop-reader' },
      remarks: [{ euid: 'zoe@acme.example', roles: ['reader', 'user'], message: expect.stringContaining('has no account in the cloud yet') }],
    });
  });

  it('fails with the reason when the project is not in the snapshot', () => {
    // GIVEN a snapshot of another tenant only
    const live = liveState(tenant({ workspace: 'globex', project: 'billing' }));
    // WHEN the outputs are read for acme.webshop
    // THEN it says the project is missing
    expect(blockOutputs(live, SCOPE, [])._unsafeUnwrapErr()).toContain('the project of acme.webshop is not in Keystone');
  });
});
