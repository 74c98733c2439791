import type { QuotaService } from '../../constructs/index.ts';
import { COMPUTE_MICROVERSION } from '../metering/collect/resource-collectors.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import { fail, ok, warn, type CheckRow } from './check-row.ts';
import type { DoctorTarget, TargetNeeds } from './doctor-target.ts';
import { compareMicroversions, describeVersion, parseVersionDocument, pickVersion, versionedUrl } from './version-document.ts';
import { jsonBody, type VersionReader } from './version-reader.ts';

/** A service keyform (or the teams it serves) uses, and the version it must speak. */
export interface ServiceSpec {
  /** Catalog type asked for; the catalog's aliases (volumev3 for block-storage) count too. */
  readonly type: string;
  /** Shown in messages, e.g. `Nova`. */
  readonly name: string;
  readonly major: number;
  /** The lowest microversion keyform asks for. */
  readonly microversion?: string;
  /** The quota API its quota keys are written to. */
  readonly quotaService?: QuotaService;
  /** The metering collector samples it. */
  readonly metered: boolean;
  /** What is off while it is missing. */
  readonly disables: string;
  /** Swift serves no version document: the version is the one its endpoint URL names. */
  readonly versionFromUrl?: boolean;
}

/** Every service checked, in the order reported. */
export const SERVICES: readonly ServiceSpec[] = [
  { type: 'compute', name: 'Nova', major: 2, microversion: COMPUTE_MICROVERSION, quotaService: 'compute', metered: true, disables: 'server metering and compute.* quotas on the service-apis backend' },
  { type: 'block-storage', name: 'Cinder', major: 3, quotaService: 'volume', metered: true, disables: 'volume and snapshot metering and volume.* quotas on the service-apis backend' },
  { type: 'network', name: 'Neutron', major: 2, quotaService: 'network', metered: true, disables: 'floating IP and router metering and network.* quotas on the service-apis backend' },
  { type: 'image', name: 'Glance', major: 2, metered: true, disables: 'image metering' },
  { type: 'load-balancer', name: 'Octavia', major: 2, quotaService: 'load-balancer', metered: true, disables: 'load balancer (LBaaS v2) metering and loadbalancer.* quotas' },
  { type: 'orchestration', name: 'Heat', major: 1, metered: false, disables: 'Heat stacks for the teams (keyform itself makes no Heat calls)' },
  { type: 'dns', name: 'Designate', major: 2, metered: false, disables: 'DNS zones for the teams (keyform itself makes no Designate calls)' },
  { type: 'object-store', name: 'Swift', major: 1, metered: false, versionFromUrl: true, disables: 'object storage for the teams (keyform itself makes no Swift calls)' },
];

/** The accounts whose catalogs are searched. */
export interface CatalogSessions {
  readonly replicator: OpenStackSession;
  readonly metering: OpenStackSession | undefined;
}

/** Why a service is needed by this platform's config, if it is. */
function quotaNeed(spec: ServiceSpec, target: DoctorTarget, needs: TargetNeeds): string | undefined {
  const q = spec.quotaService;
  if (q === undefined || !needs.quotaServices.includes(q)) return undefined;
  // Unified limits have no load-balancer resources: octavia's quota API holds them always.
  if (target.settings.quotaBackend !== 'service-apis' && q !== 'load-balancer') return undefined;
  return `the config's ${q === 'load-balancer' ? 'loadbalancer' : q}.* quotas`;
}

/**
 * One row per service of `SERVICES`: in the catalog for the platform's region, at its minimum
 * version. A service the config's quotas need fails when missing; any other missing service
 * warns, saying what is off without it. A service that is there but too old (or whose
 * version document can't be read) fails when the quotas or the metering need it.
 */
export async function catalogRows(sessions: CatalogSessions, target: DoctorTarget, needs: TargetNeeds, reader: VersionReader): Promise<readonly CheckRow[]> {
  return Promise.all(SERVICES.map((spec) => serviceRow(spec, sessions, target, needs, reader)));
}

async function serviceRow(spec: ServiceSpec, s: CatalogSessions, target: DoctorTarget, needs: TargetNeeds, reader: VersionReader): Promise<CheckRow> {
  const check = `catalog.${spec.type}`;
  const region = target.settings.region;
  const forQuotas = quotaNeed(spec, target, needs);
  const forMetering = spec.metered && s.metering !== undefined;
  const own = s.replicator.endpoint(spec.type);
  const metering = s.metering?.endpoint(spec.type);
  if (forQuotas && own.isErr()) {
    const elsewhere = metering?.isOk() ? ` (the metering account's catalog has it${s.replicator.scope.kind === 'system' ? '; a system-scoped token leaves out endpoints whose URL holds a project id' : ''})` : '';
    return fail(check, `${spec.name} (${spec.type}) is not in the replicator account's catalog for region ${region}${elsewhere}, yet ${forQuotas} are written through it`, forQuotas.includes('loadbalancer') ? 'register Octavia in this region, or remove the loadbalancer.* quota keys' : 'scope the replicator account to a project (project_name in clouds.yaml), or register the service in this region');
  }
  const url = own.isOk() ? own.value : metering?.isOk() ? metering.value : undefined;
  if (url === undefined) {
    return warn(check, `${spec.name} (${spec.type}) is not in the catalog for region ${region}; off without it: ${spec.disables}`, `if this cloud runs ${spec.name}, register its endpoint in region ${region}; otherwise nothing to do`);
  }
  const needed = forQuotas !== undefined || forMetering;
  return serviceVersionRow(spec, url, needed, reader);
}

/**
 * The `catalog.TYPE` row of a service found at `url`: its version document (at the URL's
 * root) lists the major keyform needs, at the microversion it asks for. Failures are `fail`
 * when the service is `needed`, else `warn`.
 * @example await serviceVersionRow(SERVICES[0]!, 'http://nova:8774/v2.1', true, reader) // ok('catalog.compute', 'Nova v2.1 (microversions 2.1–2.93) at …')
 */
export async function serviceVersionRow(spec: ServiceSpec, url: string, needed: boolean, reader: VersionReader): Promise<CheckRow> {
  const check = `catalog.${spec.type}`;
  const bad = (found: string, fix: string) => (needed ? fail(check, found, fix) : warn(check, found, fix));
  const { root, pathVersion } = versionedUrl(url);
  const wanted = `v${spec.major}`;
  if (spec.versionFromUrl) {
    return pathVersion?.startsWith(wanted) ? ok(check, `${spec.name} ${pathVersion} at ${url}`) : bad(`${spec.name} at ${url} names no ${wanted} in its URL`, `register ${spec.name}'s ${wanted} endpoint`);
  }
  const answer = await reader.get(root);
  if (answer.kind !== 'answer') return bad(`${spec.name} at ${url}: its version document at ${root} can't be read (${answer.detail})`, `check that ${spec.name} is up and that its catalog URL is right`);
  const versions = parseVersionDocument(jsonBody(answer.body));
  if (versions.isErr()) return bad(`${spec.name}: ${root} answered ${answer.status} with no version document (${versions.error})`, `check that the catalog URL ${url} points at ${spec.name}`);
  const v = pickVersion(versions.value, spec.major, pathVersion);
  if (!v) return bad(`${spec.name} at ${root} offers ${versions.value.map((x) => x.id).join(', ')}; keyform needs ${wanted}`, `upgrade ${spec.name}, or register its ${wanted} endpoint`);
  const min = spec.microversion;
  if (min && (!v.microversions || compareMicroversions(v.microversions.max, min) < 0)) {
    return bad(`${spec.name} ${describeVersion(v)} at ${url}; keyform asks for microversion ${min}`, `upgrade ${spec.name} to a release that supports microversion ${min} (Pike or later)`);
  }
  return ok(check, `${spec.name} ${describeVersion(v)} at ${url}`);
}
