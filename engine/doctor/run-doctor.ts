import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
import { unknownPlatform, type SynthOutput, type UnknownPlatform } from '../../constructs/index.ts';
import { compareCodeUnits } from '../../constructs/model/index.ts';
import { listProjects } from '../keystone/index.ts';
import { openSession, type CloudConfig, type OpenStackError, type OpenStackSession } from '../openstack/index.ts';
import { openLimitsSession, platformCloud } from '../snapshot/index.ts';
import { fail, ok as okRow, type CheckRow, type DoctorReport, type PlatformReport } from './check-row.ts';
import { targetNeeds, type DoctorTarget } from './doctor-target.ts';
import { keystoneEndpointRows } from './keystone-endpoint.ts';
import { describeScope, readKeystoneFacts } from './keystone-facts.ts';
import { keystoneObjectRows } from './keystone-object-checks.ts';
import { meteringRows } from './metering-checks.ts';
import { replicatorRows } from './replicator-checks.ts';
import { catalogRows } from './service-catalog.ts';
import { openVersionReader, type VersionReader } from './version-reader.ts';

/** Where the clouds are found, as the CLI's environment says. */
export interface DoctorOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where clouds.yaml is searched first. @default process.cwd() */
  readonly cwd?: string;
  /**
   * Run the write probe (`--write-probe`) where role assignments and policy answers can't
   * settle what the replicator may write; `announce` is told what will be created before
   * anything is. @default undefined: doctor only reads
   */
  readonly writeProbe?: { readonly announce: (text: string) => void };
}

/**
 * The platforms to check: all of `output`, or the one `platform` names.
 * @example doctorTargets(output, 'os-prod')
 */
export function doctorTargets(output: SynthOutput, platform: string | undefined): Result<readonly DoctorTarget[], UnknownPlatform> {
  const ids = output.platforms.map((p) => p.platform);
  if (platform !== undefined && !ids.includes(platform)) return err(unknownPlatform(platform, ids, `The config has no platform ${JSON.stringify(platform)} (it has ${ids.join(', ') || 'none'}). Pass one of them to --platform.`));
  return ok(
    output.platforms
      .filter((p) => platform === undefined || p.platform === platform)
      .flatMap((desired) => {
        const settings = output.settings[desired.platform];
        return settings ? [{ settings, desired, meteringBlock: desired.platform in output.metering }] : [];
      }),
  );
}

/**
 * Checks every target, one after the other (their write probes and error messages stay
 * apart), and never fails: whatever goes wrong is a row.
 * @example const report = await runDoctor(targets, { env: process.env }); passed(report)
 */
export async function runDoctor(targets: readonly DoctorTarget[], opts: DoctorOptions = {}): Promise<DoctorReport> {
  const platforms: PlatformReport[] = [];
  for (const t of targets) platforms.push(await doctorPlatform(t, opts));
  return { platforms: platforms.sort((a, b) => compareCodeUnits(a.platform, b.platform)) };
}

/** The accounts, once signed in. */
interface Signed {
  readonly cloud: CloudConfig;
  readonly session: OpenStackSession;
}

/** Checks one platform. Stops early when what follows can't work: Keystone, then the replicator account. */
export async function doctorPlatform(t: DoctorTarget, opts: DoctorOptions): Promise<PlatformReport> {
  const p = t.settings;
  const rows: CheckRow[] = [];
  const cloud = platformCloud(p.cloud, p, opts);
  const report = (): PlatformReport => ({ platform: p.id, cloud: cloud.map((c) => c.name).unwrapOr(p.cloud), meteringCloud: p.meteringCloud, limitsCloud: p.limitsCloud, region: p.region, rows });
  if (cloud.isErr()) {
    const fix = p.cloud === null
      ? "name the replicator's cloud: the platform's cloud, OS_CLOUD or --os-cloud (a clouds.yaml entry), or the OS_* variables of an openrc"
      : `fix clouds.yaml entry ${JSON.stringify(p.cloud)}`;
    rows.push(fail('replicator.auth', cloud.error.message, fix));
    return report();
  }
  const reader = openVersionReader(cloud.value);
  if (reader.isErr()) {
    rows.push(fail('keystone.tls', reader.error, 'fix the cacert path in clouds.yaml'));
    return report();
  }
  const sessions: OpenStackSession[] = [];
  try {
    rows.push(...(await keystoneEndpointRows(cloud.value, reader.value)));
    if (rows.some((r) => r.status === 'fail')) return report();
    const replicator = await signIn('replicator', cloud.value, rows, sessions);
    if (!replicator) return report();
    const metering = await meteringSignIn(t, opts, rows, sessions);
    const limits = await openLimitsSession(p, replicator, opts, {});
    if (limits.isOk() && limits.value) sessions.push(limits.value);
    rows.push(...(await accountRows(t, { replicator, metering, limits }, reader.value, opts)));
    return report();
  } finally {
    for (const s of sessions) s.close();
    reader.value.close();
  }
}

async function signIn(account: 'replicator' | 'metering', cloud: CloudConfig, rows: CheckRow[], sessions: OpenStackSession[]): Promise<Signed | undefined> {
  const check = `${account}.auth`;
  const s = await openSession(cloud);
  if (s.isErr()) {
    rows.push(fail(check, s.error.message, `fix the credentials of clouds.yaml entry ${JSON.stringify(cloud.name)}`));
    return undefined;
  }
  sessions.push(s.value);
  const who = cloud.auth.username ? `${cloud.auth.username} (domain ${cloud.auth.userDomainName ?? cloud.auth.userDomainId ?? '?'})` : `user ${s.value.userId}`;
  if (s.value.scope.kind === 'unscoped') {
    rows.push(fail(check, `${who} signed in, but the token has no scope and so no service catalog`, `give clouds.yaml entry ${JSON.stringify(cloud.name)} a project (project_name) or system_scope: all`));
    return undefined;
  }
  rows.push(okRow(check, `signed in as ${who} with cloud ${JSON.stringify(cloud.name)}, scoped to ${describeScope(s.value)}`));
  return { cloud, session: s.value };
}

async function meteringSignIn(t: DoctorTarget, opts: DoctorOptions, rows: CheckRow[], sessions: OpenStackSession[]): Promise<Signed | undefined> {
  const p = t.settings;
  if (p.meteringCloud === null) {
    if (t.meteringBlock) rows.push(fail('metering.auth', 'the config meters this platform but names no metering account', 'add metering_cloud = "ENTRY" (a clouds.yaml entry with cross-project read access) to the platform block'));
    return undefined;
  }
  const cloud = platformCloud(p.meteringCloud, p, opts);
  if (cloud.isErr()) {
    rows.push(fail('metering.auth', cloud.error.message, `fix clouds.yaml entry ${JSON.stringify(p.meteringCloud)}`));
    return undefined;
  }
  return signIn('metering', cloud.value, rows, sessions);
}

/** The sessions the checks run with. */
interface Accounts {
  readonly replicator: Signed;
  readonly metering: Signed | undefined;
  /** The system-scoped session for unified limits (undefined: not needed), or why there is none. */
  readonly limits: Result<OpenStackSession | undefined, OpenStackError>;
}

async function accountRows(t: DoctorTarget, accounts: Accounts, reader: VersionReader, opts: DoctorOptions): Promise<readonly CheckRow[]> {
  const { replicator, metering, limits } = accounts;
  const needs = targetNeeds(t);
  const s = replicator.session;
  const [catalog, facts, reference] = await Promise.all([
    catalogRows({ replicator: s, metering: metering?.session }, t, needs, reader),
    readKeystoneFacts(s),
    metering ? listProjects(s) : undefined,
  ]);
  // Unique per run: two doctors probing one Keystone never meet each other's objects.
  const probeName = `keyform-doctor-${randomBytes(4).toString('hex')}`;
  const [replicating, metered, objects] = await Promise.all([
    replicatorRows({ session: s, cloud: replicator.cloud, target: t, needs, facts, probeName, limits, ...(opts.writeProbe ? { writeProbe: opts.writeProbe } : {}) }),
    metering && reference ? meteringRows(metering.session, reference, t.settings.id) : [],
    keystoneObjectRows(s, t, needs, facts),
  ]);
  return [...catalog, ...replicating, ...metered, ...objects];
}
