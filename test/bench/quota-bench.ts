/**
 * Quota benchmark: snapshot and no-op plan of 200 tenants whose quotas live in the service
 * quota APIs (`quota_backend = "service-apis"`), on the real full stack (nova, cinder,
 * neutron), at several read concurrencies: API calls by service, and wall time.
 *
 * Shape per tenant: a project, one group with its grant, 4 quota keys in 3 services
 * (compute.cores, compute.instances, volume.volumes, network.network). The tenants are
 * applied once by keyform itself into the domain `kfqbench` and reused by later runs (the
 * seed plan is then empty). nova and cinder answer per project, so their reads grow with N;
 * neutron lists every project with quotas of its own in one call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthConfig } from '../../constructs/index.ts';
import { applyPlan } from '../../engine/apply/index.ts';
import { closeTargets, openTargets, planTargets, type PlatformTarget } from '../../engine/plan/index.ts';
import * as ks from '../../engine/keystone/index.ts';
import { snapshot } from '../../engine/snapshot/index.ts';
import { acquireStack, releaseStack } from '../openstack/launcher.ts';
import { must } from '../engine/quota/quota-run.ts';

export const TENANTS = 200;
export const CONCURRENCY = [1, 4, 16] as const;
const PLATFORM = 'kfqbench';
const DOMAIN = 'kfqbench';

function config(): string {
  const lines = [
    'platform:', `  ${PLATFORM}:`, '    cloud: admin', '    region: RegionOne', '    user_domain: Default', `    domain: ${DOMAIN}`,
    '    quota_backend: service-apis', '    role_mapping: { admin: member }',
    'landing_zone:', `  lz: { platform: ${PLATFORM}, quota: { compute.cores: 16, compute.instances: 8, volume.volumes: 6, network.network: 4 } }`,
    'workspace:',
  ];
  for (let w = 0; w < TENANTS / 10; w++) {
    lines.push(`  ws${w}:`, '    project:');
    for (let p = 0; p < 10; p++) lines.push(`      p${p}:`, '        tenant:', `          ${PLATFORM}: { landing_zone: lz, quota: { compute.cores: ${8 + ((w * 10 + p) % 24)} } }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Which service a logged request went to, from its path. */
function serviceOf(line: string): string {
  if (line.includes('/os-quota-sets') && line.includes('/v2.1')) return 'nova';
  if (line.includes('/os-quota-sets')) return 'cinder';
  if (line.includes('/quotas')) return 'neutron';
  return 'keystone';
}

interface Counter {
  readonly log: (line: string) => void;
  take(): Readonly<Record<string, number>>;
}

function counter(): Counter {
  let counts: Record<string, number> = {};
  return {
    log: (line) => {
      if (!line.includes(' → ')) return;
      const s = serviceOf(line);
      counts[s] = (counts[s] ?? 0) + 1;
    },
    take: () => {
      const out = counts;
      counts = {};
      return out;
    },
  };
}

async function ensureDomain(t: PlatformTarget): Promise<void> {
  const domains = await must('domains', ks.listDomains(t.sessions.session));
  if (!domains.some((d) => d.name === DOMAIN)) await must('domain', ks.createDomain(t.sessions.session, { name: DOMAIN, description: 'keyform quota bench', enabled: true }));
}

const fmt = (c: Readonly<Record<string, number>>): string => ['keystone', 'nova', 'cinder', 'neutron'].map((k) => c[k] ?? 0).join(' | ');

export async function run(print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const { stack } = await must('full stack', acquireStack('full'));
  const dir = mkdtempSync(join(tmpdir(), 'keyform-quota-bench-'));
  writeFileSync(join(dir, 'bench.yaml'), config());
  const { output } = await must('synth', synthConfig(dir));
  const calls = counter();
  const targets = await must('sessions', openTargets(Object.values(output.settings), { env: { OS_CLIENT_CONFIG_FILE: stack.cloudsYaml }, log: calls.log }));
  try {
    const t = targets[0]!;
    await ensureDomain(t);
    const seed = await must('seed plan', planTargets(targets, output.platforms, 'bench', new Date().toISOString()));
    if (seed.plan.summary.add + seed.plan.summary.change + seed.plan.summary.destroy > 0) {
      const t0 = performance.now();
      const report = await must('seed apply', applyPlan(seed.plan, targets, { parallelism: 16, lockWaitMs: 60_000 }));
      print(`seeded ${TENANTS} tenants by keyform apply: ${report.counts.done}/${report.counts.total} changes in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    calls.take();
    print(`quota snapshot, ${TENANTS} tenants × 4 keys in 3 services (service-apis), real full stack:`);
    print('| read concurrency | wall (ms) | calls | keystone | nova | cinder | neutron |');
    print('|---:|---:|---:|---:|---:|---:|---:|');
    for (const width of CONCURRENCY) {
      const s = await must('snapshot', snapshot(t.sessions.session, t.settings, { euids: [], concurrency: width }));
      const quotas = s.live.resources.filter((r) => r.kind === 'quota').length;
      if (quotas !== TENANTS * 4) throw new Error(`snapshot found ${quotas} quotas, expected ${TENANTS * 4}: is the seed complete?`);
      print(`| ${width} | ${s.ms} | ${s.calls} | ${fmt(calls.take())} |`);
    }
    const t0 = performance.now();
    const noop = await must('plan', planTargets(targets, output.platforms, 'bench', new Date().toISOString()));
    const ms = performance.now() - t0;
    const s = noop.plan.summary;
    print(`no-op plan (snapshot at concurrency 8 + diff + usage checks): ${ms.toFixed(0)} ms, calls ${fmt(calls.take())} (keystone | nova | cinder | neutron); ${s.add + s.change + s.destroy} changes, ${s.unchanged} unchanged`);
  } finally {
    closeTargets(targets);
    await releaseStack('full');
  }
}
