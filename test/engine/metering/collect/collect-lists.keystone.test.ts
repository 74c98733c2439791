import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectOnce } from '../../../../engine/metering/collect/collect-once.ts';
import { listAll } from '../../../../engine/metering/collect/list-all.ts';
import { openSqliteStore } from '../../../../engine/metering/store/sqlite-store.ts';
import { loadCloud, openSession, type OpenStackSession } from '../../../../engine/openstack/index.ts';
import { osc, startListLimitKeystone, type ExtraKeystone } from '../../../openstack/osc.ts';
import type { TestStack } from '../../../openstack/stack.ts';

const tag = randomBytes(3).toString('hex');
const PLATFORM = `kfm${tag}`;
const WORLD_TIMEOUT_MS = 600_000;

async function sessionFor(stack: TestStack, overrides: Record<string, string> = {}): Promise<OpenStackSession> {
  const c = loadCloud({ cloud: 'admin', files: { clouds: stack.cloudsYaml }, env: {} })._unsafeUnwrap();
  return (await openSession(c, { endpointOverrides: overrides, retries: 0 }))._unsafeUnwrap();
}
const make = async (stack: TestStack, args: string[]): Promise<string> => ((await osc(args, { stack, cloud: 'admin' }))._unsafeUnwrap() as { id: string }).id;
const freshStore = async () => (await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'kf-meter-lists-')), 'm.db')))._unsafeUnwrap();

describe('metering collector against a Keystone that truncates lists (list_limit 4)', () => {
  let extra: ExtraKeystone;
  let domains: Record<string, string>;

  beforeAll(async () => {
    // GIVEN a Keystone whose lists stop at 4, with 5 more projects in two domains: 3 + 2
    extra = (await startListLimitKeystone(4))._unsafeUnwrap();
    const k = extra.stack;
    domains = { one: await make(k, ['domain', 'create', `kf-m1-${tag}`]), two: await make(k, ['domain', 'create', `kf-m2-${tag}`]) };
    for (const n of ['a', 'b', 'c']) await make(k, ['project', 'create', '--domain', domains.one!, '--tag', `keyform.managed=${PLATFORM}`, '--tag', `keyform.tenant=ws.${n}`, '--tag', 'kf_cost_center=cc-42', `ws.${n}`]);
    for (const n of ['d', 'e']) await make(k, ['project', 'create', '--domain', domains.two!, `other-${n}`]);
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    await extra?.stop();
  });

  it('completes a truncated project list per domain and records every project with its owner and tags', async () => {
    // GIVEN the admin's session (no other service in this Keystone's catalog)
    const s = await sessionFor(extra.stack);
    const store = await freshStore();
    const listed = (await osc(['project', 'list', '--long'], { stack: extra.stack, cloud: 'admin' }))._unsafeUnwrap() as { ID: string }[];
    // WHEN the collector runs once
    const r = await collectOnce(s, store, { platform: PLATFORM, region: 'RegionOne', intervalSeconds: 300, tagPrefix: 'kf_', now: () => Date.UTC(2026, 0, 1) });
    // THEN the run is recorded with every project the openstack CLI lists (its list is cut at 4 too: it pages)
    expect(r._unsafeUnwrap().kind).toBe('recorded');
    const projects = [...(await store.ownerVersions(PLATFORM))._unsafeUnwrap().values()];
    expect(projects.length).toBeGreaterThan(extra.listLimit);
    expect(projects.map((p) => p.projectId).sort()).toEqual(expect.arrayContaining(listed.map((p) => p.ID)));
    // AND the platform's projects carry their owner; their versions carry the tenant tags
    expect(projects.filter((p) => p.owner?.platform === PLATFORM).map((p) => p.owner!.project).sort()).toEqual(['a', 'b', 'c']);
    const versions = projects.filter((v) => v.owner?.platform === PLATFORM);
    expect(versions.map((v) => v.tags)).toEqual([{ cost_center: 'cc-42' }, { cost_center: 'cc-42' }, { cost_center: 'cc-42' }]);
    await store.close();
    s.close();
  });

  it('fails the run, recording nothing, when one domain alone holds more projects than list_limit', async () => {
    // GIVEN two more projects in the first domain (5 there, more than 4)
    for (const n of ['f', 'g']) await make(extra.stack, ['project', 'create', '--domain', domains.one!, `more-${n}`]);
    const s = await sessionFor(extra.stack);
    const store = await freshStore();
    // WHEN the collector runs once
    const e = (await collectOnce(s, store, { platform: PLATFORM, region: 'RegionOne', intervalSeconds: 300, now: () => Date.UTC(2026, 0, 1) }))._unsafeUnwrapErr();
    // THEN it refuses a partial project map (its usage would be billed to no workspace), saying how to fix Keystone
    expect(e.kind).toBe('metering-api');
    expect(e.message).toContain('truncated the list of projects');
    expect(e.message).toContain('list_limit');
    expect((await store.runs({ platform: PLATFORM, region: 'RegionOne' }, 0, 4_000_000_000))._unsafeUnwrap()).toEqual([]);
    await store.close();
    s.close();
  }, WORLD_TIMEOUT_MS);
});

describe('metering collector paging', () => {
  let extra: ExtraKeystone;
  const servers: Server[] = [];
  const listen = async (handler: (path: string) => unknown, seen: string[]): Promise<string> => {
    const server = createServer((req, res) => {
      seen.push(`${req.url} token=${req.headers['x-auth-token'] ? 'yes' : 'no'}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(handler(req.url ?? '')));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    extra = (await startListLimitKeystone(1000))._unsafeUnwrap();
  }, WORLD_TIMEOUT_MS);

  afterAll(async () => {
    for (const s of servers) s.close();
    await extra?.stop();
  });

  it('follows next links on the service\'s own endpoint and refuses one to another host or port, before sending anything there', async () => {
    // GIVEN a compute service (an in-repo stand-in: the real nova's links point at itself) whose
    // first page links to page 2 on itself, whose page 2 links to another port
    const foreignSeen: string[] = [];
    const foreign = await listen(() => ({ servers: [{ id: 'x' }] }), foreignSeen);
    const ownSeen: string[] = [];
    const own = await listen((path) => {
      if (path.includes('marker=1')) return { servers: [{ id: '2' }], servers_links: [{ rel: 'next', href: `${foreign}/servers/detail?marker=2` }] };
      return { servers: [{ id: '1' }], servers_links: [{ rel: 'next', href: `${own}/servers/detail?marker=1` }] };
    }, ownSeen);
    const s = await sessionFor(extra.stack, { compute: own });
    // WHEN the collector lists servers
    const r = await listAll(s, { service: 'compute', path: '/servers/detail', key: 'servers', pageSize: 1 });
    // THEN page 2 was read from the service itself, and the foreign link is an error naming both origins
    expect(ownSeen).toEqual(['/servers/detail?limit=1 token=yes', '/servers/detail?marker=1 token=yes']);
    const e = r._unsafeUnwrapErr();
    expect(e.message).toContain(`the next link points at ${foreign}, not at the service's endpoint ${own}`);
    // AND nothing, least of all the token, was sent to the other port
    expect(foreignSeen).toEqual([]);
    s.close();
  });
});
