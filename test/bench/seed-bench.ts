/**
 * Seeder benchmark: `seedTenants` of 10,000 and 50,000 tenants (20,000 users) into a fresh
 * Keystone each, timed, then read back through the API (projects, groups, users, role
 * assignments, limits) and compared with what the seed says it wrote. Sizes overridable with
 * KEYFORM_BENCH_SEED_SIZES=10000,50000. The API's own rate (~25 writes/s with one worker)
 * is the comparison: 10,000 tenants are ~110,000 writes there, over an hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ks from '../../engine/keystone/index.ts';
import { writeCloudsYaml, CLOUD_NAMES } from '../openstack/clouds-yaml.ts';
import { startExtraKeystoneService, keystoneUrl } from '../openstack/keystone-service.ts';
import { stopProcessGroups } from '../openstack/processes.ts';
import { seedTenants } from '../openstack/seed-tenants.ts';
import { must, timed } from './bench-kit.ts';
import { openFor } from './snapshot-bench.ts';

const USERS = 20_000;

async function seedOnce(root: string, tenants: number, print: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(root, `seed-${tenants}-`));
  const { process: proc, port } = await must('start keystone', startExtraKeystoneService({ dir }));
  try {
    const cloudsYaml = await must('clouds.yaml', writeCloudsYaml(dir, keystoneUrl(port)));
    const seeded = await must('seed', seedTenants({ stack: { dir, cloudsYaml }, tenants, users: USERS, platform: 'bench', domain: 'kfbench', configDir: join(dir, 'config') }));
    const s = await openFor(cloudsYaml, CLOUD_NAMES.admin);
    const sys = await openFor(cloudsYaml, CLOUD_NAMES.adminSystem);
    const domain = (await must('domain', ks.listDomains(s, { name: 'kfbench' })))[0]!;
    const read = await timed(() => Promise.all([
      must('projects', ks.listProjects(s, { domain_id: domain.id })),
      must('groups', ks.listGroups(s, { domain_id: domain.id })),
      must('users', ks.listUsers(s, { domain_id: 'default' })),
      must('assignments', ks.listRoleAssignments(s)),
      must('limits', ks.listLimits(sys)),
    ]));
    const [projects, groups, users, assignments, limits] = read.value;
    const managed = projects.filter((p) => p.tags.includes('keyform.managed=bench')).length;
    const grants = assignments.filter((a) => a.group !== undefined).length;
    const c = seeded.counts;
    const same = managed === c['project'] && groups.length === c['group'] && grants === c['assignment'] && limits.length === c['quota'] && users.length >= USERS;
    print(`${tenants} tenants, ${USERS} users: seeded in ${seeded.seconds.toFixed(1)} s (load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}; ${Object.entries(c).map(([k, v]) => `${v} ${k}`).join(', ')})`);
    print(`  read back through the API in ${(read.ms / 1000).toFixed(1)} s: ${managed} managed projects, ${groups.length} groups, ${grants} group grants, ${limits.length} limits, ${users.length} users — ${same ? 'as seeded' : 'DIFFERENT from the seed'}`);
    s.close();
    sys.close();
  } finally {
    await stopProcessGroups([proc]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Seeds each size into a fresh Keystone under $KEYFORM_BENCH_DIR and prints time and read-back. */
export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const root = process.env.KEYFORM_BENCH_DIR ?? tmpdir();
  const sizes = (process.env.KEYFORM_BENCH_SEED_SIZES ?? '10000,50000').split(',').map(Number).filter((x) => x > 0);
  print('seeder: keyform-managed tenants written through Keystone\'s SQL models (seedTenants), one Keystone worker');
  for (const n of sizes) await seedOnce(root, n, print);
}
