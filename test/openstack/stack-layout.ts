import { createServer } from 'node:net';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, portInUse } from './launcher-error.ts';

/** The two kinds of test stack: Keystone alone, or Keystone with the services around it. */
export type StackKind = 'keystone' | 'full';

/** Every stack kind, in the order `status` reports them. */
export const STACK_KINDS: readonly StackKind[] = ['keystone', 'full'];

function envPort(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 && value < 65536 ? value : fallback;
}

/**
 * The port of the shared keystone-only stack. The full stack lives at 26000+, so both kinds
 * can run at once; both stay below Linux's ephemeral range (32768+), where outgoing
 * connections would otherwise take them at random.
 * @default 25000 (KEYFORM_TEST_KEYSTONE_PORT overrides it)
 */
export function keystoneStackPort(): number {
  return envPort('KEYFORM_TEST_KEYSTONE_PORT', 25000);
}

/** The ports of a full stack: one block of nine from its base. */
export interface FullStackPorts {
  readonly keystone: number;
  readonly nova: number;
  readonly placement: number;
  readonly neutron: number;
  readonly cinder: number;
  readonly glance: number;
  readonly rabbit: number;
  /** Erlang distribution (rabbitmqctl talks to the node there). */
  readonly rabbitDist: number;
  readonly postgres: number;
}

/**
 * The full stack's ports.
 * @default base 26000 (KEYFORM_TEST_FULL_PORT_BASE overrides it)
 */
export function fullStackPorts(base = envPort('KEYFORM_TEST_FULL_PORT_BASE', 26000)): FullStackPorts {
  return {
    keystone: base,
    nova: base + 1,
    placement: base + 2,
    neutron: base + 3,
    cinder: base + 4,
    glance: base + 5,
    rabbit: base + 6,
    rabbitDist: base + 7,
    postgres: base + 8,
  };
}

/** Extra Keystones started by tests (e.g. with `list_limit`) take the first free port here. */
export const EXTRA_KEYSTONE_PORT_RANGE = { first: 25001, last: 25099 } as const;

/** Whether nothing listens on 127.0.0.1:`port` (by binding it for a moment). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Fails with the first port of `ports` that is taken, naming the stack kind that needs it. */
export function ensurePortsFree(ports: readonly number[], kind: string): ResultAsync<void, LauncherError> {
  const checks = Promise.all(ports.map(async (port) => ({ port, free: await portIsFree(port) })));
  return ResultAsync.fromSafePromise(checks).andThen((results) => {
    const taken = results.find((r) => !r.free);
    return taken === undefined ? okAsync(undefined) : errAsync(portInUse(taken.port, kind));
  });
}

/** The first free port of the extra-Keystone range, other than `taken` (chosen but not bound yet). */
export function freeExtraKeystonePort(taken: readonly number[] = []): ResultAsync<number, LauncherError> {
  const search = async (): Promise<number | undefined> => {
    for (let port = EXTRA_KEYSTONE_PORT_RANGE.first; port <= EXTRA_KEYSTONE_PORT_RANGE.last; port++) {
      if (!taken.includes(port) && (await portIsFree(port))) return port;
    }
    return undefined;
  };
  return ResultAsync.fromSafePromise(search()).andThen((port) =>
    port === undefined ? errAsync(portInUse(EXTRA_KEYSTONE_PORT_RANGE.last, 'extra keystone')) : okAsync(port),
  );
}

/** How many ports of the extra range a start tries before it gives up. */
const PORT_ATTEMPTS = 5;

/**
 * Runs `start` on the first free port of the extra range. Runs started at the same time may
 * choose the same port; the start that does not get it fails PortInUse for that port, and
 * the next free one is tried, up to 5 ports.
 * @param choosePort picks a port other than those tried (default: the first free one)
 */
export function onFreeExtraPort<T>(
  start: (port: number, tried: readonly number[]) => ResultAsync<T, LauncherError>,
  choosePort: (tried: readonly number[]) => ResultAsync<number, LauncherError> = freeExtraKeystonePort,
): ResultAsync<T, LauncherError> {
  const attempt = (tried: readonly number[]): ResultAsync<T, LauncherError> =>
    choosePort(tried).andThen((port) =>
      start(port, tried).orElse((e) =>
        e.kind === 'PortInUse' && e.port === port && tried.length + 1 < PORT_ATTEMPTS ? attempt([...tried, port]) : errAsync(e),
      ),
    );
  return attempt([]);
}
