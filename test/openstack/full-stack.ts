import { existsSync } from 'node:fs';
import { ResultAsync, err, errAsync, okAsync } from 'neverthrow';
import { writeCloudsYaml } from './clouds-yaml.ts';
import { type LauncherError, missingPackages } from './launcher-error.ts';
import { type AdminToken, adminToken, seedAuditor, seedServiceCatalog } from './keystone-seed.ts';
import { keystoneUrl, missingKeystoneParts, startKeystoneService } from './keystone-service.ts';
import {
  type ServiceLayout,
  type ServiceSpec,
  catalogEntries,
  discoverComputeHosts,
  missingServiceParts,
  prepareService,
  serviceSpecs,
  startServiceDaemons,
  writeServiceConfigs,
} from './openstack-services.ts';
import { POSTGRES_BIN, startPostgres } from './postgres.ts';
import type { TrackedProcess } from './processes.ts';
import { rabbitUrl, startRabbit } from './rabbitmq.ts';
import { httpAnswers, waitUntilReady } from './readiness.ts';
import { type RunningStack, type StackParts, stopStackParts } from './running-stack.ts';
import { FULL_STACK_PORTS, ensurePortsFree } from './stack-layout.ts';

/** The RabbitMQ node name of the full stack; the system broker's is rabbit@HOST. */
export const FULL_STACK_RABBIT_NODE = 'keyform-full@localhost';

/** Time for one API or registration to come up on a busy two-core machine. */
const SERVICE_TIMEOUT_MS = 240_000;

/** Everything the parallel start shares: what was started, and how to stop the rest early. */
interface StartRun {
  readonly dir: string;
  readonly parts: StackParts;
  readonly controller: AbortController;
  firstError?: LauncherError;
}

/** Records the first real failure and tells every other branch to stop waiting. */
function guard<T>(run: StartRun, step: ResultAsync<T, LauncherError>): ResultAsync<T, LauncherError> {
  return step.mapErr((e) => {
    if (run.firstError === undefined && e.kind !== 'Cancelled') run.firstError = e;
    run.controller.abort();
    return e;
  });
}

async function getJson(url: string, token: string): Promise<unknown> {
  try {
    const res = await fetch(url, { headers: { 'x-auth-token': token }, signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.json() : undefined;
  } catch {
    return undefined;
  }
}

function daemon(run: StartRun, name: string): TrackedProcess | undefined {
  return run.parts.processes.find((p) => p.name === name);
}

/** Waits until a daemon's readiness probe (with an admin token) holds. */
function waitFor(run: StartRun, name: string, what: string, probe: () => Promise<boolean>) {
  return waitUntilReady({
    service: `${name} (${what})`,
    probe,
    timeoutMs: SERVICE_TIMEOUT_MS,
    logFile: `${run.dir}/log/${name}.log`,
    process: daemon(run, name),
    signal: run.controller.signal,
    intervalMs: 500,
  });
}

/**
 * Runs at most `slots` tasks at once. Two cores are the limit of the machines this runs on:
 * the database steps (a Python start-up of 3-10 s CPU each) run two at a time beside
 * Keystone's, instead of all starving the critical path (Keystone, then nova) together.
 */
function limiter(slots: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return <T>(task: () => ResultAsync<T, LauncherError>): ResultAsync<T, LauncherError> => {
    const acquired = new Promise<void>((resolve) => {
      const start = () => {
        active++;
        resolve();
      };
      if (active < slots) start();
      else waiting.push(start);
    });
    return new ResultAsync(acquired.then(() => task()).finally(release));
  };
}

type Limit = ReturnType<typeof limiter>;

/** Makes a service's database, waits for what it needs, starts its daemons and its API. */
function startService(run: StartRun, spec: ServiceSpec, needs: ResultAsync<unknown, LauncherError>[], limit: Limit) {
  const track = (proc: TrackedProcess) => run.parts.processes.push(proc);
  return limit(() => prepareService(spec, run.controller.signal))
    .andThen(() => ResultAsync.combine(needs))
    .andThen(() => startServiceDaemons(spec, track, run.controller.signal))
    .andThen(() => waitFor(run, spec.api.daemon, `API at ${spec.api.url}`, () => httpAnswers(spec.api.url)));
}

/** nova-compute made its resource provider; then its host is mapped into cell1. */
function registerCompute(run: StartRun, admin: AdminToken) {
  const url = `http://127.0.0.1:${FULL_STACK_PORTS.placement}/resource_providers`;
  const probe = async () => {
    const body = (await getJson(url, admin.token)) as { resource_providers?: unknown[] } | undefined;
    return (body?.resource_providers?.length ?? 0) > 0;
  };
  return waitFor(run, 'nova-compute', 'resource provider in placement', probe).andThen(() =>
    discoverComputeHosts(run.dir),
  );
}

/** cinder-volume reported itself up (else volumes stay in "creating"). */
function volumeServiceUp(run: StartRun, admin: AdminToken) {
  const url = `http://127.0.0.1:${FULL_STACK_PORTS.cinder}/v3/${admin.projectId}/os-services?binary=cinder-volume`;
  const probe = async () => {
    const body = (await getJson(url, admin.token)) as { services?: { state?: string }[] } | undefined;
    return (body?.services ?? []).some((s) => s.state === 'up');
  };
  return waitFor(run, 'cinder-volume', 'service up in cinder', probe);
}

function seedKeystone(authUrl: string): ResultAsync<AdminToken, LauncherError> {
  return adminToken(authUrl).andThen((admin) =>
    ResultAsync.combine([
      seedAuditor(authUrl, admin.token),
      seedServiceCatalog(authUrl, admin.token, catalogEntries(FULL_STACK_PORTS)),
    ]).map(() => admin),
  );
}

/** Starts every part, each as soon as what it needs is there; resolves once all are ready. */
function startParts(run: StartRun, layout: ServiceLayout): ResultAsync<unknown, LauncherError> {
  const ports = FULL_STACK_PORTS;
  const { parts, controller } = run;
  const keystone = guard(
    run,
    startKeystoneService({ dir: run.dir, port: ports.keystone, signal: controller.signal })
      .map((proc) => parts.processes.push(proc))
      .andThen(() => seedKeystone(keystoneUrl(ports.keystone))),
  );
  const rabbit = guard(
    run,
    startRabbit({ dir: run.dir, node: FULL_STACK_RABBIT_NODE, port: ports.rabbit, distPort: ports.rabbitDist, signal: controller.signal })
      .map((node) => { parts.rabbit = node; }),
  );
  const postgres = guard(run, startPostgres(run.dir, ports.postgres).map((pg) => { parts.postgres = pg; }));
  const limit = limiter(2);
  const services = new Map(
    serviceSpecs(layout).map((spec) => {
      const needs = spec.needsRabbit ? [keystone, rabbit] : [keystone];
      return [spec.name, guard(run, startService(run, spec, needs, limit))] as const;
    }),
  );
  const after = (names: ServiceSpec['name'][]) => ResultAsync.combine([keystone, ...names.map((n) => services.get(n) ?? okAsync(undefined))]);
  const compute = guard(run, after(['nova', 'placement']).andThen(([admin]) => registerCompute(run, admin as AdminToken)));
  const volume = guard(run, after(['cinder']).andThen(([admin]) => volumeServiceUp(run, admin as AdminToken)));
  return ResultAsync.combine([keystone, rabbit, postgres, ...services.values(), compute, volume]);
}

function missingParts(): string[] {
  const postgres = existsSync(`${POSTGRES_BIN}/pg_ctl`) ? [] : ['postgresql-15'];
  return [...missingKeystoneParts(), ...missingServiceParts(), ...postgres];
}

function record(run: StartRun, cloudsYaml: string, started: number): RunningStack {
  const { parts, dir } = run;
  return {
    kind: 'full',
    dir,
    authUrl: keystoneUrl(FULL_STACK_PORTS.keystone),
    cloudsYaml,
    ...(parts.postgres === undefined ? {} : { pgUrl: parts.postgres.url, postgres: parts.postgres }),
    ...(parts.rabbit === undefined ? {} : { rabbit: parts.rabbit }),
    ports: FULL_STACK_PORTS,
    processes: [...parts.processes],
    startSeconds: (Date.now() - started) / 1000,
  };
}

/**
 * Starts the full stack in the empty folder `dir`: Keystone, nova (fake driver) with
 * placement, neutron (ML2, no agents), cinder (fake driver), glance (file store), RabbitMQ
 * and PostgreSQL 15, each on its port of FULL_STACK_PORTS. Parts start in parallel as soon
 * as what they need is up (~60 s on two cores). A failure stops everything already started
 * and keeps `dir` for its logs.
 */
export function startFullStack(dir: string): ResultAsync<RunningStack, LauncherError> {
  const missing = missingParts();
  if (missing.length > 0) return errAsync(missingPackages('full', missing));
  const started = Date.now();
  const run: StartRun = { dir, parts: { processes: [] }, controller: new AbortController() };
  const layout: ServiceLayout = {
    dir,
    ports: FULL_STACK_PORTS,
    keystoneBase: `http://127.0.0.1:${FULL_STACK_PORTS.keystone}`,
    rabbitUrl: rabbitUrl(FULL_STACK_PORTS.rabbit),
  };
  const stopAll = (e: LauncherError) =>
    stopStackParts(run.parts, dir)
      .orElse(() => okAsync(undefined))
      .andThen(() => err(run.firstError ?? e));
  return ensurePortsFree(Object.values(FULL_STACK_PORTS), 'full')
    .andThen(() => writeServiceConfigs(layout))
    .andThen(() => writeCloudsYaml(dir, keystoneUrl(FULL_STACK_PORTS.keystone)))
    .andThen((cloudsYaml) => startParts(run, layout).orElse(stopAll).map(() => record(run, cloudsYaml, started)));
}
