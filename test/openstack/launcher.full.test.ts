import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { osc, oscAction } from './osc.ts';
import { testStack } from './stack.ts';

const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}`;
const cleanups: string[][] = [];

afterAll(async () => {
  for (const args of cleanups.reverse()) await oscAction(args);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `openstack KIND show ID` until its status is one of `final`; returns the last status. */
async function waitForStatus(kind: string, id: string, final: readonly string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = (await osc([kind, 'show', id]))._unsafeUnwrap() as { status: string };
    if (final.includes(shown.status) || Date.now() > deadline) return shown.status;
    await sleep(1_000);
  }
}

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; url: string }[];
}

describe('the full test stack', () => {
  it('answers a listing on every catalog service with an admin token', async () => {
    // GIVEN a project-scoped admin token and its catalog, straight from Keystone
    const { authUrl } = testStack();
    const auth = {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', domain: { id: 'default' }, password: 'secret' } },
      },
      scope: { project: { name: 'admin', domain: { id: 'default' } } },
    };
    const res = await fetch(`${authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth }),
    });
    const token = res.headers.get('x-subject-token') ?? '';
    const { catalog } = ((await res.json()) as { token: { catalog: CatalogEntry[] } }).token;
    const listings: Record<string, string> = {
      compute: '/flavors',
      network: '/v2.0/networks',
      volumev3: '/volumes',
      image: '/v2/images',
      placement: '/resource_providers',
    };
    // WHEN each service's public endpoint is asked for a listing
    const statuses = await Promise.all(
      Object.entries(listings).map(async ([type, path]) => {
        const url = catalog.find((e) => e.type === type)?.endpoints.find((e) => e.interface === 'public')?.url;
        const answer = await fetch(`${url}${path}`, { headers: { 'x-auth-token': token } });
        return [type, answer.status] as const;
      }),
    );
    // THEN every one answers 200
    const allOk = { compute: 200, network: 200, volumev3: 200, image: 200, placement: 200 };
    expect(Object.fromEntries(statuses)).toEqual(allOk);
  });

  it('boots a server to ACTIVE with the fake driver and no network', async () => {
    // GIVEN a flavor and a small image of this test
    const imageFile = `${testStack().dir}/${unique('image')}.raw`;
    writeFileSync(imageFile, Buffer.alloc(4096, 1));
    const flavorArgs = ['--ram', '512', '--vcpus', '1', '--disk', '1', unique('kf-flavor')];
    const flavor = (await osc(['flavor', 'create', ...flavorArgs]))._unsafeUnwrap() as { id: string };
    cleanups.push(['flavor', 'delete', flavor.id]);
    const imageArgs = ['--disk-format', 'raw', '--container-format', 'bare', '--file', imageFile, unique('kf-image')];
    const image = (await osc(['image', 'create', ...imageArgs]))._unsafeUnwrap() as { id: string };
    cleanups.push(['image', 'delete', image.id]);
    // WHEN a server is created with "networks": "none" (`--nic none`, microversion 2.37+)
    const serverArgs = ['--flavor', flavor.id, '--image', image.id, '--nic', 'none', unique('kf-server')];
    const created = await osc(['--os-compute-api-version', '2.79', 'server', 'create', ...serverArgs]);
    const server = created._unsafeUnwrap() as { id: string };
    cleanups.push(['server', 'delete', '--wait', server.id]);
    // THEN it becomes ACTIVE
    expect(await waitForStatus('server', server.id, ['ACTIVE', 'ERROR'], 120_000)).toBe('ACTIVE');
  });

  it('makes a volume that reaches available', async () => {
    // GIVEN the cinder fake driver
    // WHEN a 1 GiB volume is created
    const created = await osc(['volume', 'create', '--size', '1', unique('kf-volume')]);
    const volume = created._unsafeUnwrap() as { id: string };
    cleanups.push(['volume', 'delete', volume.id]);
    // THEN it becomes available
    expect(await waitForStatus('volume', volume.id, ['available', 'error'], 120_000)).toBe('available');
  });

  it('has a PostgreSQL of its own that accepts a connection to database keyform', async () => {
    // GIVEN the stack's PostgreSQL URL
    const { pgUrl } = testStack();
    const client = new pg.Client({ connectionString: pgUrl });
    // WHEN a client connects and asks which database it is in
    await client.connect();
    try {
      const result = await client.query<{ db: string }>('SELECT current_database() AS db');
      // THEN it is keyform's
      expect(result.rows).toEqual([{ db: 'keyform' }]);
    } finally {
      await client.end();
    }
  });
});
