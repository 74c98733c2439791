import { connect } from 'node:net';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, cancelled, notReady } from './launcher-error.ts';
import { type TrackedProcess, isRunning, logTail } from './processes.ts';

/** What to wait for, and where to send the reader when it never comes. */
export interface ReadinessCheck {
  /** Names the service in the error, e.g. `nova-api on 127.0.0.1:26001`. */
  readonly service: string;
  /** True once ready; must not throw. */
  readonly probe: () => Promise<boolean>;
  readonly timeoutMs: number;
  readonly logFile: string;
  /** Stop waiting at once when this process ends. */
  readonly process?: TrackedProcess;
  /** @default 250 */
  readonly intervalMs?: number;
  /** Gives up (as Cancelled) once aborted: another part of the stack failed. */
  readonly signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = 'ready' | 'exited' | 'timeout' | 'cancelled';

async function poll(check: ReadinessCheck): Promise<Outcome> {
  const deadline = Date.now() + check.timeoutMs;
  for (;;) {
    if (check.signal?.aborted === true) return 'cancelled';
    if (await check.probe()) return 'ready';
    if (check.process !== undefined && !isRunning(check.process)) return 'exited';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(check.intervalMs ?? 250);
  }
}

/** Waits until `check.probe` answers true; fails early if the process dies. */
export function waitUntilReady(check: ReadinessCheck): ResultAsync<void, LauncherError> {
  return ResultAsync.fromSafePromise(poll(check)).andThen((outcome) => {
    if (outcome === 'ready') return okAsync(undefined);
    if (outcome === 'cancelled') return errAsync(cancelled(check.service));
    const why = outcome === 'exited' ? 'exited while starting' : `was not ready within ${check.timeoutMs / 1000} s`;
    return errAsync(notReady(check.service, why, check.logFile, logTail(check.logFile)));
  });
}

/**
 * Whether an HTTP server answers `url` at all (any status: the OpenStack APIs answer their
 * root with 200 or 300 once they serve).
 */
export async function httpAnswers(url: string, wantStatus?: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return wantStatus === undefined || res.status === wantStatus;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
