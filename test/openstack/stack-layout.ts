import { createServer } from 'node:net';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, portInUse } from './launcher-error.ts';

/** The two kinds of test stack: Keystone alone, or Keystone with the services around it. */
export type StackKind = 'keystone' | 'full';

/** Every stack kind, in the order `status` reports them. */
export const STACK_KINDS: readonly StackKind[] = ['keystone', 'full'];

/**
 * The fixed port of the shared keystone-only stack. The full stack lives at 26000+, so both
 * kinds can run at once; both stay below Linux's ephemeral range (32768+), where outgoing
 * connections would otherwise take them at random.
 */
export const KEYSTONE_STACK_PORTS = { keystone: 25000 } as const;

/** The ports of the full stack, one block from 26000. */
export const FULL_STACK_PORTS = {
  keystone: 26000,
  nova: 26001,
  placement: 26002,
  neutron: 26003,
  cinder: 26004,
  glance: 26005,
  rabbit: 26006,
  rabbitDist: 26007,
  postgres: 26008,
} as const;

export type FullStackPorts = typeof FULL_STACK_PORTS;

/** Extra Keystones started by tests (e.g. with `list_limit`) take the first free port here. */
export const EXTRA_KEYSTONE_PORT_RANGE = { first: 25001, last: 25099 } as const;

/** The port layout of a stack kind. */
export function stackPorts(kind: StackKind): Readonly<Record<string, number>> {
  return kind === 'keystone' ? KEYSTONE_STACK_PORTS : FULL_STACK_PORTS;
}

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

/** The first free port of the extra-Keystone range. */
export function freeExtraKeystonePort(): ResultAsync<number, LauncherError> {
  const search = async (): Promise<number | undefined> => {
    for (let port = EXTRA_KEYSTONE_PORT_RANGE.first; port <= EXTRA_KEYSTONE_PORT_RANGE.last; port++) {
      if (await portIsFree(port)) return port;
    }
    return undefined;
  };
  return ResultAsync.fromSafePromise(search()).andThen((port) =>
    port === undefined ? errAsync(portInUse(EXTRA_KEYSTONE_PORT_RANGE.last, 'extra keystone')) : okAsync(port),
  );
}
