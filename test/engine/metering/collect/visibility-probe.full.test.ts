import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloud, openSession, type OpenStackSession } from '../../../../engine/openstack/index.ts';
import { listAll } from '../../../../engine/metering/collect/list-all.ts';
import { RESOURCE_COLLECTORS } from '../../../../engine/metering/collect/resource-collectors.ts';
import { confinedServices, type ServiceView } from '../../../../engine/metering/collect/visibility.ts';
import type { Sample } from '../../../../engine/metering/sample.ts';
import { testStack } from '../../../openstack/stack.ts';
import { CloudFixture } from '../cloud-fixture.ts';

/** What a silently filtered list looks like: it answered, with nothing of other projects. */
const emptyView = (service: string): ServiceView => ({ service, requests: [`GET (${service})`], denied: false, samples: [] });

async function realView(s: OpenStackSession, service: string): Promise<ServiceView> {
  const samples: Sample[] = [];
  for (const c of RESOURCE_COLLECTORS.filter((x) => x.list.service === service)) {
    const out = (await listAll(s, { ...c.list, pageSize: 1000 }))._unsafeUnwrap();
    if (out.kind === 'listed') for (const item of out.items) samples.push(c.sample(item)!);
  }
  return { service, requests: [service], denied: false, samples };
}

describe('the cross-project probes of cinder and neutron on the real stack', () => {
  const stack = testStack();
  const fixture = new CloudFixture(stack.authUrl);
  let projectA = '';
  let admin: OpenStackSession;
  let auditor: OpenStackSession;

  beforeAll(async () => {
    // GIVEN a project with a volume, a floating IP and a router
    projectA = await fixture.project('os-probe', 'acme', 'probe');
    await fixture.volume(projectA, 1);
    await fixture.floatingIp(projectA, await fixture.externalNetwork());
    await fixture.router(projectA);
    const open = async (cloud: string) => (await openSession(loadCloud({ cloud, files: { clouds: stack.cloudsYaml } })._unsafeUnwrap()))._unsafeUnwrap();
    admin = await open('admin');
    auditor = await open('auditor');
  });
  afterAll(() => fixture.cleanup());

  it('calls a list that shows none of the usage another project has confined', async () => {
    // WHEN the admin's probes judge lists that showed nothing of project A
    const confined = (await confinedServices(admin, [emptyView('volumev3'), emptyView('network')], { ownProject: admin.scope.projectId, otherProject: projectA, keystoneDenied: false }))._unsafeUnwrap();
    // THEN both services are confined by the usage their quota APIs report for A
    expect(confined.map((c) => [c.service, c.evidence])).toEqual([
      ['volumev3', `project ${projectA} has 1 volumes and snapshots in use by its quota usage, yet the list shows none of them`],
      ['network', `project ${projectA} has 2 floating IPs and routers in use by its quota usage, yet the list shows none of them`],
    ]);
  });

  it('calls a reader confined when it may not read another project', async () => {
    // WHEN the auditor's (project reader) probes judge its own lists
    const views = [await realView(auditor, 'volumev3'), await realView(auditor, 'network')];
    const confined = (await confinedServices(auditor, views, { ownProject: auditor.scope.projectId, otherProject: projectA, keystoneDenied: false }))._unsafeUnwrap();
    // THEN cinder and neutron refuse the other project's quota usage: both are confined
    expect(confined.map((c) => c.service)).toEqual(['volumev3', 'network']);
    expect(confined[0]!.evidence).toMatch(/answered 403$/);
  });

  it('finds nothing confined in the admin account\'s real lists', async () => {
    // WHEN the admin's real lists are judged
    const views = [await realView(admin, 'volumev3'), await realView(admin, 'network'), await realView(admin, 'compute'), await realView(admin, 'image')];
    const confined = (await confinedServices(admin, views, { ownProject: admin.scope.projectId, otherProject: projectA, keystoneDenied: false }))._unsafeUnwrap();
    // THEN every service is cross-project
    expect(confined).toEqual([]);
  });
});
