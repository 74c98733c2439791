import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Result, ResultAsync, err, errAsync, ok, okAsync } from 'neverthrow';
import { type LauncherError, cancelled, missingPackages } from './launcher-error.ts';
import { type CatalogEntry, SERVICE_PASSWORD } from './keystone-seed.ts';
import { SYSTEM_PYTHON, type CommandSpec, type TrackedProcess, runCommand, startDaemon } from './processes.ts';
import type { FullStackPorts } from './stack-layout.ts';
import { LAUNCHER_DIR, copyStackFile, fsCall, makeDirs, pythonHelper, writeTemplate } from './stack-files.ts';

/**
 * Where install.sh extracts the api-paste.ini files that Debian ships only in the service
 * packages (nova-common, ...), which the launcher does not install.
 * @default /var/cache/keyform-openstack (KEYFORM_OPENSTACK_CACHE overrides it)
 */
export const OPENSTACK_CACHE = process.env['KEYFORM_OPENSTACK_CACHE'] ?? '/var/cache/keyform-openstack';

/** Where the services of one full stack live and connect. */
export interface ServiceLayout {
  readonly dir: string;
  readonly ports: FullStackPorts;
  /** Keystone's identity URL, without /v3 (keystonemiddleware's form). */
  readonly keystoneBase: string;
  readonly rabbitUrl: string;
}

/** One OpenStack service: how its database is made, and the daemons that serve it. */
export interface ServiceSpec {
  readonly name: 'neutron' | 'cinder' | 'glance' | 'placement' | 'nova';
  readonly prepare: CommandSpec;
  /** sqlite files to switch to WAL once made. */
  readonly databases: readonly string[];
  readonly daemons: readonly { readonly name: string; readonly spec: CommandSpec }[];
  /** Its daemons talk to RabbitMQ from the start. */
  readonly needsRabbit: boolean;
  /** The daemon serving its API, and the URL that answers once it serves. */
  readonly api: { readonly daemon: string; readonly url: string };
}

const PASTE_FILES = [
  { from: 'usr/share/nova-common/api-paste.ini', to: 'nova-api-paste.ini' },
  { from: 'usr/share/neutron-common/api-paste.ini', to: 'neutron-api-paste.ini' },
  { from: 'usr/share/cinder-common/api-paste.ini', to: 'cinder-api-paste.ini' },
  { from: 'usr/share/glance-common/glance-api-paste.ini', to: 'glance-api-paste.ini' },
] as const;

const LIBRARIES = ['nova', 'neutron', 'cinder', 'glance', 'placement'] as const;

/** What the full stack needs beyond Keystone that is not on this machine. */
export function missingServiceParts(): string[] {
  const missing: string[] = LIBRARIES.filter((lib) => !existsSync(`/usr/lib/python3/dist-packages/${lib}`)).map(
    (lib) => `python3-${lib}`,
  );
  if (!existsSync('/usr/sbin/rabbitmq-server')) missing.push('rabbitmq-server');
  for (const file of PASTE_FILES) {
    if (!existsSync(`${OPENSTACK_CACHE}/ext/${file.from}`)) missing.push(`${OPENSTACK_CACHE}/ext/${file.from}`);
  }
  return missing;
}

/** The catalog the services are found by (also the service users' names). */
export function catalogEntries(ports: FullStackPorts): CatalogEntry[] {
  const url = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;
  return [
    { type: 'compute', name: 'nova', url: url(ports.nova, '/v2.1') },
    { type: 'network', name: 'neutron', url: url(ports.neutron) },
    { type: 'volumev3', name: 'cinder', url: url(ports.cinder, '/v3/%(project_id)s') },
    { type: 'image', name: 'glance', url: url(ports.glance) },
    { type: 'placement', name: 'placement', url: url(ports.placement) },
  ];
}

/** Renders every service's config into DIR/etc and copies the api-paste files there. */
export function writeServiceConfigs(layout: ServiceLayout): Result<void, LauncherError> {
  const missing = missingServiceParts();
  if (missing.length > 0) return err(missingPackages('full', missing));
  const { dir, ports } = layout;
  const values = {
    DIR: dir,
    KEYSTONE_URL: layout.keystoneBase,
    SERVICE_PASSWORD,
    RABBIT_URL: layout.rabbitUrl,
    NOVA_PORT: String(ports.nova),
    NEUTRON_PORT: String(ports.neutron),
    CINDER_PORT: String(ports.cinder),
    GLANCE_PORT: String(ports.glance),
  };
  const dataDirs = ['nova/instances', 'neutron', 'cinder', 'glance/images', 'lock'].map((d) => `${dir}/data/${d}`);
  return makeDirs([`${dir}/etc/placement`, `${dir}/log`, ...dataDirs])
    .andThen(() =>
      Result.combine([
        ...['nova.conf', 'neutron.conf', 'cinder.conf', 'glance-api.conf'].map((name) =>
          writeTemplate(name, `${dir}/etc/${name}`, values),
        ),
        writeTemplate('placement.conf', `${dir}/etc/placement/placement.conf`, values),
        ...PASTE_FILES.map((file) => copyStackFile(`${OPENSTACK_CACHE}/ext/${file.from}`, `${dir}/etc/${file.to}`)),
      ]),
    )
    .map(() => undefined);
}

/**
 * An sqlite URL for oslo.db. WAL lets readers and one writer work at once, but writers still
 * queue: nova's conductor, scheduler and API write to one file, and sqlite's default 5 s
 * wait gives 500 "database is locked" on a busy machine. The templates use the same timeout.
 */
export function sqliteUrl(file: string): string {
  return `sqlite:///${file}?timeout=60`;
}

/** Builders shared by the service specs of one stack. */
interface SpecTools {
  readonly layout: ServiceLayout;
  /** `--config-file DIR/etc/NAME` */
  readonly conf: (name: string) => string[];
  /** DIR/data/NAME.db */
  readonly db: (name: string) => string;
  /** The oslo.db URL of DIR/data/NAME.db. */
  readonly dbUrl: (name: string) => string;
  /** A helper script of python/, logging to DIR/log/LOG.log. */
  readonly python: (script: string, args: readonly string[], log: string) => CommandSpec;
  /** A console_scripts entry point, logging to DIR/log/LOG.log. */
  readonly entryPoint: (name: string, args: readonly string[], log: string) => CommandSpec;
  /** A daemon run from its entry point, logging to DIR/log/NAME.log. */
  readonly daemon: (name: string, args: readonly string[]) => ServiceSpec['daemons'][number];
  /** http://127.0.0.1:PORT/ */
  readonly root: (port: number) => string;
}

function specTools(layout: ServiceLayout): SpecTools {
  const { dir } = layout;
  const command = (args: readonly string[], log: string): CommandSpec => ({
    command: SYSTEM_PYTHON,
    args,
    cwd: dir,
    logFile: `${dir}/log/${log}.log`,
  });
  const entryPoint = (name: string, args: readonly string[], log: string) =>
    command([pythonHelper('entry_point.py'), name, ...args], log);
  return {
    layout,
    conf: (name) => ['--config-file', `${dir}/etc/${name}`],
    db: (name) => `${dir}/data/${name}.db`,
    dbUrl: (name) => sqliteUrl(`${dir}/data/${name}.db`),
    python: (script, args, log) => command([pythonHelper(script), ...args], log),
    entryPoint,
    daemon: (name, args) => ({ name, spec: entryPoint(name, args, name) }),
    root: (port) => `http://127.0.0.1:${port}/`,
  };
}

/** nova's four nova-manage steps run in one interpreter (python/nova_prepare.py). */
function novaSpec(t: SpecTools): ServiceSpec {
  const { layout, db } = t;
  const cells = [t.dbUrl('nova_cell0'), t.dbUrl('nova'), layout.rabbitUrl];
  return {
    name: 'nova',
    prepare: t.python('nova_prepare.py', [`${layout.dir}/etc/nova.conf`, ...cells], 'nova-setup'),
    databases: [db('nova_api'), db('nova'), db('nova_cell0')],
    daemons: ['nova-api', 'nova-conductor', 'nova-scheduler', 'nova-compute'].map((n) => t.daemon(n, t.conf('nova.conf'))),
    needsRabbit: true,
    api: { daemon: 'nova-api', url: t.root(layout.ports.nova) },
  };
}

/** placement-api is a wsgi_scripts entry point, served by python/serve_wsgi.py. */
function placementSpec(t: SpecTools): ServiceSpec {
  const { layout } = t;
  const serve = t.python('serve_wsgi.py', ['placement-api', String(layout.ports.placement)], 'placement-api');
  return {
    name: 'placement',
    prepare: t.entryPoint('placement-manage', [...t.conf('placement/placement.conf'), 'db', 'sync'], 'placement-setup'),
    databases: [t.db('placement')],
    daemons: [{ name: 'placement-api', spec: { ...serve, env: { OS_PLACEMENT_CONFIG_DIR: `${layout.dir}/etc/placement` } } }],
    needsRabbit: false,
    api: { daemon: 'placement-api', url: t.root(layout.ports.placement) },
  };
}

function cinderSpec(t: SpecTools): ServiceSpec {
  return {
    name: 'cinder',
    prepare: t.entryPoint('cinder-manage', [...t.conf('cinder.conf'), 'db', 'sync'], 'cinder-setup'),
    databases: [t.db('cinder')],
    daemons: ['cinder-api', 'cinder-scheduler', 'cinder-volume'].map((n) => t.daemon(n, t.conf('cinder.conf'))),
    needsRabbit: true,
    api: { daemon: 'cinder-api', url: t.root(t.layout.ports.cinder) },
  };
}

/** neutron's schema is made from its models: its migrations do not run on sqlite. */
function neutronSpec(t: SpecTools): ServiceSpec {
  const { layout } = t;
  const server = t.daemon('neutron-server', t.conf('neutron.conf'));
  const args = [`${layout.dir}/etc/neutron.conf`, t.dbUrl('neutron')];
  return {
    name: 'neutron',
    prepare: t.python('neutron_prepare.py', args, 'neutron-setup'),
    databases: [t.db('neutron')],
    // PYTHONPATH makes the keyform_bindall mechanism driver (python/) visible to ML2
    daemons: [{ ...server, spec: { ...server.spec, env: { PYTHONPATH: `${LAUNCHER_DIR}/python` } } }],
    needsRabbit: false,
    api: { daemon: 'neutron-server', url: t.root(layout.ports.neutron) },
  };
}

function glanceSpec(t: SpecTools): ServiceSpec {
  return {
    name: 'glance',
    prepare: t.entryPoint('glance-manage', [...t.conf('glance-api.conf'), 'db_sync'], 'glance-setup'),
    databases: [t.db('glance')],
    daemons: [t.daemon('glance-api', t.conf('glance-api.conf'))],
    needsRabbit: false,
    api: { daemon: 'glance-api', url: t.root(t.layout.ports.glance) },
  };
}

/**
 * The five services of the full stack, with sqlite databases; every daemon logs to
 * DIR/log/NAME.log. In the order their databases are made: nova's is the slowest and on
 * the critical path (nova-compute must register before the stack is ready).
 */
export function serviceSpecs(layout: ServiceLayout): ServiceSpec[] {
  const tools = specTools(layout);
  return [novaSpec, placementSpec, cinderSpec, neutronSpec, glanceSpec].map((spec) => spec(tools));
}

/**
 * Switches sqlite files to WAL: without it concurrent requests get 500 "database is
 * locked" (Keystone, nova's conductor and API writing at once).
 */
function useWal(files: readonly string[]): Result<void, LauncherError> {
  return Result.combine(
    files.map((file) =>
      fsCall(file, () => {
        const conn = new Database(file);
        try {
          conn.pragma('journal_mode = WAL');
        } finally {
          conn.close();
        }
      }),
    ),
  ).map(() => undefined);
}

/** Makes a service's databases (runs while Keystone and RabbitMQ start). */
export function prepareService(spec: ServiceSpec, signal: AbortSignal): ResultAsync<void, LauncherError> {
  if (signal.aborted) return errAsync(cancelled(`${spec.name}'s database`));
  return runCommand({ ...spec.prepare, signal }).andThen(() => {
    const wal = useWal(spec.databases);
    return wal.isErr() ? errAsync(wal.error) : okAsync(undefined);
  });
}

/**
 * Starts a service's daemons, handing each to `track` at once so that a failure later on
 * still stops it. Starts nothing once `signal` is aborted.
 */
export function startServiceDaemons(
  spec: ServiceSpec,
  track: (proc: TrackedProcess) => void,
  signal: AbortSignal,
): Result<void, LauncherError> {
  for (const daemon of spec.daemons) {
    if (signal.aborted) return err(cancelled(daemon.name));
    const proc = startDaemon(daemon.name, daemon.spec);
    if (proc.isErr()) return err(proc.error);
    track(proc.value);
  }
  return ok(undefined);
}

/** Maps the compute host into cell1 so the scheduler can pick it. */
export function discoverComputeHosts(layout: ServiceLayout): ResultAsync<void, LauncherError> {
  const t = specTools(layout);
  return runCommand(t.entryPoint('nova-manage', [...t.conf('nova.conf'), 'cell_v2', 'discover_hosts'], 'nova-discover-hosts'));
}
