import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startKeystone, stopStack } from './launcher.ts';
import { postgresAnswers } from './postgres.ts';
import { osc, oscAction, startListLimitKeystone } from './osc.ts';
import { testStack } from './stack.ts';

const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}`;
const created: string[] = [];

afterAll(async () => {
  for (const id of created) await oscAction(['project', 'delete', id]);
});

describe('the keystone test stack', () => {
  it('answers /v3 with identity API version 3.x', async () => {
    // GIVEN the stack the global setup started or reused
    const { authUrl } = testStack();
    // WHEN its version document is read
    const res = await fetch(authUrl);
    const body = (await res.json()) as { version?: { id?: string; status?: string } };
    // THEN it is Keystone's v3 API
    expect(res.status).toBe(200);
    expect(body.version?.id).toMatch(/^v3\.\d+$/);
    expect(body.version?.status).toBe('stable');
  });

  it('lets the osc helper create a project and then list it', async () => {
    // GIVEN a name no other test uses
    const name = unique('kf-launcher');
    // WHEN the real openstack CLI creates it and lists projects
    const project = (await osc(['project', 'create', '--domain', 'default', name]))._unsafeUnwrap() as {
      id: string;
      name: string;
    };
    created.push(project.id);
    const listed = (await osc(['project', 'list']))._unsafeUnwrap() as { ID: string; Name: string }[];
    // THEN the listing holds it under its id
    expect(project.name).toBe(name);
    expect(listed).toContainEqual({ ID: project.id, Name: name });
  });

  it('writes a clouds.yaml whose admin entry gets a token scoped to project admin', async () => {
    // GIVEN the admin entry of the stack's clouds.yaml
    // WHEN a token is issued with it and project admin is looked up
    const [token, admin] = await Promise.all([osc(['token', 'issue']), osc(['project', 'show', 'admin'])]);
    const tokenProject = (token._unsafeUnwrap() as { project_id?: string }).project_id;
    const adminProject = (admin._unsafeUnwrap() as { id: string }).id;
    // THEN the token is scoped to that project
    expect(tokenProject).toBe(adminProject);
  });

  it('writes an admin-system entry that gets a system-scoped token', async () => {
    // GIVEN the admin-system entry
    // WHEN a token is issued with it
    const token = (await osc(['token', 'issue'], { cloud: 'admin-system' }))._unsafeUnwrap() as Record<string, unknown>;
    // THEN it is scoped to the whole system, not to a project
    expect(token['system']).toBe('all');
    expect(token['project_id']).toBeUndefined();
  });

  it('writes an auditor entry that may read projects but not create them', async () => {
    // GIVEN the auditor entry (reader on project admin)
    // WHEN it lists its projects and tries to create one
    const [listed, attempt] = await Promise.all([
      osc(['project', 'list', '--my-projects'], { cloud: 'auditor' }),
      osc(['project', 'create', '--domain', 'default', unique('kf-denied')], { cloud: 'auditor' }),
    ]);
    const visible = listed._unsafeUnwrap() as { Name: string }[];
    // THEN it sees project admin, and Keystone refuses the write
    expect(visible.map((p) => p.Name)).toEqual(['admin']);
    expect(attempt._unsafeUnwrapErr().message).toMatch(/HTTP 403/);
  });
});

describe('an extra Keystone with list_limit', () => {
  it('cuts project lists to the limit and marks them truncated, until it is stopped', async () => {
    // GIVEN a Keystone of its own with list_limit = 2, holding admin plus two more projects
    const ks = (await startListLimitKeystone(2))._unsafeUnwrap();
    try {
      const [a, b, issued] = await Promise.all([
        osc(['project', 'create', '--domain', 'default', 'kf-a'], { stack: ks.stack }),
        osc(['project', 'create', '--domain', 'default', 'kf-b'], { stack: ks.stack }),
        osc(['token', 'issue'], { stack: ks.stack }),
      ]);
      a._unsafeUnwrap();
      b._unsafeUnwrap();
      const token = issued._unsafeUnwrap() as { id: string };
      // WHEN the three projects are listed through the API
      const res = await fetch(`${ks.stack.authUrl}/projects`, { headers: { 'x-auth-token': token.id } });
      const body = (await res.json()) as { projects: unknown[]; truncated?: boolean };
      // THEN two come back, marked truncated
      expect(res.status).toBe(200);
      expect(body.projects).toHaveLength(2);
      expect(body.truncated).toBe(true);
    } finally {
      (await ks.stop())._unsafeUnwrap();
    }
    // AND once stopped it no longer answers
    await expect(fetch(ks.stack.authUrl)).rejects.toThrow();
  });
});

describe('an extra Keystone on PostgreSQL with several workers', () => {
  it('keeps its objects in its own PostgreSQL, takes concurrent writes through both workers, and stops both', async () => {
    // GIVEN a Keystone of its own on PostgreSQL with 2 gunicorn workers
    const stack = (await startKeystone({ postgres: true, workers: 2 }))._unsafeUnwrap();
    const pgUrl = stack.pgUrl!;
    try {
      // WHEN the openstack CLI creates 6 projects at once
      const names = Array.from({ length: 6 }, (_, i) => `kf-pg-${i}`);
      const made = await Promise.all(names.map((n) => osc(['project', 'create', '--domain', 'default', n], { stack })));
      // THEN every create succeeds, and the projects are rows of Keystone's table in that PostgreSQL
      expect(made.filter((r) => r.isErr())).toEqual([]);
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      const rows = await db.query<{ name: string }>("SELECT name FROM project WHERE name LIKE 'kf-pg-%' ORDER BY name");
      await db.end();
      expect(rows.rows.map((r) => r.name)).toEqual(names);
      // and gunicorn booted 2 workers, on PostgreSQL, with the per-process cache off
      expect(readFileSync(`${stack.dir}/log/keystone.log`, 'utf8').match(/Booting worker/g)).toHaveLength(2);
      const conf = readFileSync(`${stack.dir}/etc/keystone.conf`, 'utf8');
      expect(conf).toMatch(/^connection = postgresql\+psycopg2:/m);
      expect(conf).toMatch(/^\[cache\]\nenabled = false$/m);
    } finally {
      (await stopStack(stack))._unsafeUnwrap();
    }
    // AND once stopped neither Keystone nor its PostgreSQL answers
    await expect(fetch(stack.authUrl)).rejects.toThrow();
    expect(await postgresAnswers(pgUrl)).toBe(false);
  }, 120_000);
});
