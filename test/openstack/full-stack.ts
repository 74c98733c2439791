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
import { type FullStackPorts, ensurePortsFree } from './stack-layout.ts';

/** The RabbitMQ node name of a full stack; the system broker's is rabbit@HOST. */
export function fullStackRabbitNode(ports: FullStackPorts): string {
  return `keyform-full-${ports.rabbit}@localhost`;
}

/** Time for one API or registration to come up on a busy two-core machine. */
const SERVICE_TIMEOUT_MS = 240_000;

/** Everything the parallel start shares: what was started, and how to stop the rest early. */
interface StartRun {
  readonly layout: ServiceLayout;
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
    logFile: `${run.layout.dir}/log/${name}.log`,
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
  const url = `http://127.0.0.1:${run.layout.ports.placement}/resource_providers`;
  const probe = async () => {
    const body = (await getJson(url, admin.token)) as { resource_providers?: unknown[] } | undefined;
    return (body?.resource_providers?.length ?? 0) > 0;
  };
  return waitFor(run, 'nova-compute', 'resource provider in placement', probe).andThen(() =>
    discoverComputeHosts(run.layout),
  );
}

/** cinder-volume reported itself up (else volumes stay in "creating"). */
function volumeServiceUp(run: StartRun, admin: AdminToken) {
  const { cinder } = run.layout.ports;
  const url = `http://127.0.0.1:${cinder}/v3/${admin.projectId}/os-services?binary=cinder-volume`;
  const probe = async () => {
    const body = (await getJson(url, admin.token)) as { services?: { state?: string }[] } | undefined;
    return (body?.services ?? []).some((s) => s.state === 'up');
  };
  return waitFor(run, 'cinder-volume', 'service up in cinder', probe);
}

function seedKeystone(ports: FullStackPorts): ResultAsync<AdminToken, LauncherError> {
  const authUrl = keystoneUrl(ports.keystone);
  return adminToken(authUrl).andThen((admin) =>
    ResultAsync.combine([
      seedAuditor(authUrl, admin.token),
      seedServiceCatalog(authUrl, admin.token, catalogEntries(ports)),
    ]).map(() => admin),
  );
}

function startRabbitNode(run: StartRun) {
  const { dir, ports } = run.layout;
  const options = { dir, node: fullStackRabbitNode(ports), port: ports.rabbit, distPort: ports.rabbitDist };
  return startRabbit({ ...options, signal: run.controller.signal }).map((node) => {
    run.parts.rabbit = node;
  });
}

function startKeystone(run: StartRun) {
  const { dir, ports } = run.layout;
  return startKeystoneService({ dir, port: ports.keystone, signal: run.controller.signal })
    .map((proc) => run.parts.processes.push(proc))
    .andThen(() => seedKeystone(ports));
}

/** Starts every part, each as soon as what it needs is there; resolves once all are ready. */
function startParts(run: StartRun): ResultAsync<unknown, LauncherError> {
  const { dir, ports } = run.layout;
  const keystone = guard(run, startKeystone(run));
  const rabbit = guard(run, startRabbitNode(run));
  const postgres = guard(
    run,
    startPostgres(dir, ports.postgres).map((pg) => {
      run.parts.postgres = pg;
    }),
  );
  const limit = limiter(2);
  const services = new Map(
    serviceSpecs(run.layout).map((spec) => {
      const needs = spec.needsRabbit ? [keystone, rabbit] : [keystone];
      return [spec.name, guard(run, startService(run, spec, needs, limit))] as const;
    }),
  );
  const after = (names: ServiceSpec['name'][]) =>
    ResultAsync.combine([keystone, ...names.map((n) => services.get(n) ?? okAsync(undefined))]).map(([admin]) => admin);
  const compute = guard(run, after(['nova', 'placement']).andThen((admin) => registerCompute(run, admin)));
  const volume = guard(run, after(['cinder']).andThen((admin) => volumeServiceUp(run, admin)));
  return ResultAsync.combine([keystone, rabbit, postgres, ...services.values(), compute, volume]);
}

function missingParts(): string[] {
  const postgres = existsSync(`${POSTGRES_BIN}/pg_ctl`) ? [] : ['postgresql-15'];
  return [...missingKeystoneParts(), ...missingServiceParts(), ...postgres];
}

function record(run: StartRun, cloudsYaml: string, started: number): RunningStack {
  const { parts, layout } = run;
  return {
    kind: 'full',
    dir: layout.dir,
    authUrl: keystoneUrl(layout.ports.keystone),
    cloudsYaml,
    ...(parts.postgres === undefined ? {} : { pgUrl: parts.postgres.url, postgres: parts.postgres }),
    ...(parts.rabbit === undefined ? {} : { rabbit: parts.rabbit }),
    ports: { ...layout.ports },
    processes: [...parts.processes],
    startSeconds: (Date.now() - started) / 1000,
  };
}

/**
 * Starts the full stack in the empty folder `dir`: Keystone, nova (fake driver) with
 * placement, neutron (ML2, no agents), cinder (fake driver), glance (file store), RabbitMQ
 * and PostgreSQL 15, each on its port of `ports`. Parts start in parallel as soon as what
 * they need is up (~60 s on two idle cores). A failure stops everything already started and
 * keeps `dir` for its logs.
 */
export function startFullStack(dir: string, ports: FullStackPorts): ResultAsync<RunningStack, LauncherError> {
  const missing = missingParts();
  if (missing.length > 0) return errAsync(missingPackages('full', missing));
  const started = Date.now();
  const layout: ServiceLayout = {
    dir,
    ports,
    keystoneBase: `http://127.0.0.1:${ports.keystone}`,
    rabbitUrl: rabbitUrl(ports.rabbit),
  };
  const run: StartRun = { layout, parts: { processes: [] }, controller: new AbortController() };
  const stopAll = (e: LauncherError) =>
    stopStackParts(run.parts, dir)
      .orElse(() => okAsync(undefined))
      .andThen(() => err(run.firstError ?? e));
  return ensurePortsFree(Object.values(ports), 'full')
    .andThen(() => writeServiceConfigs(layout))
    .andThen(() => writeCloudsYaml(dir, keystoneUrl(ports.keystone)))
    .andThen((cloudsYaml) => startParts(run).orElse(stopAll).map(() => record(run, cloudsYaml, started)));
}
