import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { ResultAsync, err, errAsync, ok, okAsync, type Result } from 'neverthrow';
import { type LauncherError, commandFailed, fileSystem, missingPackages } from './launcher-error.ts';

/**
 * A long-running process the launcher started, as recorded in the stack's state file.
 * It leads its own process group (it was spawned detached), so stopping the group stops
 * whatever it forked; `startTicks` tells it apart from a later process given the same pid.
 */
export interface TrackedProcess {
  /** What it is, e.g. `keystone`, `nova-compute`. */
  readonly name: string;
  readonly pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks after boot at which the process started. */
  readonly startTicks: number;
  /** Where its stdout and stderr go. */
  readonly logFile: string;
}

/** How to run one command or daemon. */
export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to (and overriding) the launcher's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Receives stdout and stderr, appended. */
  readonly logFile: string;
  /** Ends a command (runCommand only) once aborted. */
  readonly signal?: AbortSignal;
  /** Run as this user instead of the launcher's (which must then be root). */
  readonly user?: SystemUser;
}

/** A local account, e.g. `rabbitmq` or `postgres`, that some daemons must run as. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The one Python that sees Debian's OpenStack packages (a pyenv `python3` on PATH does not). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Looks up a local account in /etc/passwd (created by the rabbitmq-server / postgresql packages). */
export function systemUser(name: string): Result<SystemUser, LauncherError> {
  const read = (() => {
    try {
      return readFileSync('/etc/passwd', 'utf8');
    } catch {
      return '';
    }
  })();
  const fields = read.split('\n').find((line) => line.startsWith(`${name}:`))?.split(':');
  if (fields === undefined) return err(missingPackages('full', [`the system user ${name}`]));
  return ok({ name, uid: Number(fields[2]), gid: Number(fields[3]) });
}

/** Spawn options shared by commands and daemons. */
function spawnOptions(spec: CommandSpec, logFd: number) {
  return {
    cwd: spec.cwd,
    // no __pycache__ written into the launcher's python/ folder (the work tree)
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...spec.env },
    stdio: ['ignore', logFd, logFd] as ['ignore', number, number],
    ...(spec.user === undefined ? {} : { uid: spec.user.uid, gid: spec.user.gid }),
  };
}

/** Start ticks of a live (non-zombie) process, or undefined when there is none. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

/** Whether `proc` is still the very process the launcher started. */
export function isRunning(proc: TrackedProcess): boolean {
  return processStartTicks(proc.pid) === proc.startTicks;
}

function openLog(logFile: string): Result<number, LauncherError> {
  try {
    return ok(openSync(logFile, 'a'));
  } catch (cause) {
    return err(fileSystem(logFile, cause));
  }
}

function displayCommand(spec: CommandSpec): string {
  return [spec.command, ...spec.args].join(' ');
}

/**
 * Runs a command to completion, its output appended to its log file.
 * @example runCommand({ command: '/usr/bin/python3', args: ['x.py'], logFile: '/tmp/x.log' })
 */
export function runCommand(spec: CommandSpec): ResultAsync<void, LauncherError> {
  const fd = openLog(spec.logFile);
  if (fd.isErr()) return errAsync(fd.error);
  const exit = new Promise<string | undefined>((resolve) => {
    const child = spawn(spec.command, [...spec.args], { ...spawnOptions(spec, fd.value), signal: spec.signal });
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(code === 0 ? undefined : `exit ${code ?? signal}`));
  }).finally(() => closeSync(fd.value));
  return ResultAsync.fromSafePromise(exit).andThen((failure) =>
    failure === undefined ? okAsync(undefined) : errAsync(commandFailed(displayCommand(spec), failure, spec.logFile)),
  );
}

/**
 * Starts a daemon in a new session and process group, detached from the launcher so that
 * it outlives the test run that started it (the next run may reuse it).
 */
export function startDaemon(name: string, spec: CommandSpec): Result<TrackedProcess, LauncherError> {
  const fd = openLog(spec.logFile);
  if (fd.isErr()) return err(fd.error);
  try {
    const child = spawn(spec.command, [...spec.args], { ...spawnOptions(spec, fd.value), detached: true });
    child.unref();
    const startTicks = child.pid === undefined ? undefined : processStartTicks(child.pid);
    if (child.pid === undefined || startTicks === undefined) {
      return err(commandFailed(displayCommand(spec), 'it exited at once', spec.logFile));
    }
    return ok({ name, pid: child.pid, startTicks, logFile: spec.logFile });
  } finally {
    closeSync(fd.value);
  }
}

/** The /proc/PID/stat fields from field 3 (state) on, of the live processes in process group `pgid`. */
function groupStats(pgid: number): { pid: number; fields: string[] }[] {
  return liveStats((_, fields) => Number(fields[2]) === pgid);
}

/** The /proc/PID/stat fields from field 3 (state) on, of the live processes `which` picks. */
function liveStats(which: (pid: number, fields: string[]) => boolean): { pid: number; fields: string[] }[] {
  const members: { pid: number; fields: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && which(Number(entry), fields)) members.push({ pid: Number(entry), fields });
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/** Pids of the live processes in process group `pgid`. */
function groupMembers(pgid: number): number[] {
  return groupStats(pgid).map((m) => m.pid);
}

/** The inodes of the TCP sockets (IPv4 and IPv6) listening on `port`, from /proc/net. */
function listeningSocketInodes(port: number): Set<string> {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 on this machine
    }
    // Columns: sl local_address rem_address st ... inode (the 10th); st 0A is LISTEN.
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && f[1]?.endsWith(local) === true && f[9] !== undefined) inodes.add(f[9]);
    }
  }
  return inodes;
}

/**
 * Whether a process of `proc`'s group holds the socket listening on `port`. An HTTP answer
 * on the port alone does not say whose server gave it: two starts that picked the same free
 * port race for it, and the loser's readiness probe is answered by the winner.
 */
export function groupListensOn(proc: TrackedProcess, port: number): boolean {
  const wanted = new Set([...listeningSocketInodes(port)].map((inode) => `socket:[${inode}]`));
  if (wanted.size === 0) return false;
  for (const pid of groupMembers(proc.pid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // the process ended while we looked
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
      } catch {
        // the descriptor was closed while we looked
      }
    }
  }
  return false;
}

/** Linux's USER_HZ: the unit of /proc's CPU times, 100 on every architecture Debian ships. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) used so far by the live processes of `proc`'s group, e.g. a
 * gunicorn master and its workers; a benchmark takes the difference around its work.
 */
export function groupCpuMs(proc: TrackedProcess): number {
  return cpuMs(groupStats(proc.pid));
}

/**
 * CPU time (ms) used so far by process `pid` and its children, live and ended, e.g. a
 * PostgreSQL postmaster and its backends (each of which leads a session of its own, and ends
 * with its connection: its time is then in the parent's cutime and cstime).
 */
export function childrenCpuMs(pid: number): number {
  const stats = liveStats((p, fields) => p === pid || Number(fields[1]) === pid);
  const parent = stats.find((s) => s.pid === pid);
  // Fields 16 and 17 of /proc/PID/stat (cutime, cstime), counted here from field 3.
  const reaped = parent === undefined ? 0 : Number(parent.fields[13]) + Number(parent.fields[14]);
  return cpuMs(stats) + (reaped * 1000) / TICKS_PER_SECOND;
}

function cpuMs(stats: readonly { fields: string[] }[]): number {
  // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted here from field 3.
  const ticks = stats.reduce((sum, m) => sum + Number(m.fields[11]) + Number(m.fields[12]), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * Whether the group led by `proc` may be signalled: its leader is still the process we
 * started, or the leader is gone but members remain (then the kernel cannot have given the
 * group id to anyone else: a pid is never reused while a group of that id exists).
 */
function groupIsOurs(proc: TrackedProcess): boolean {
  const ticks = processStartTicks(proc.pid);
  if (ticks !== undefined) return ticks === proc.startTicks;
  return groupMembers(proc.pid).length > 0;
}

function signalGroup(proc: TrackedProcess, signal: NodeJS.Signals): void {
  if (!groupIsOurs(proc)) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // the group ended between the check and the signal
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops the process groups of `procs` and nothing else: SIGTERM, up to `graceMs` to exit
 * (nova and cinder shut down gracefully), then SIGKILL for what is left.
 */
export async function stopProcessGroups(procs: readonly TrackedProcess[], graceMs = 10_000): Promise<void> {
  for (const proc of procs) signalGroup(proc, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let alive = procs.filter(groupIsOurs);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(200);
    alive = alive.filter(groupIsOurs);
  }
  for (const proc of alive) signalGroup(proc, 'SIGKILL');
}

/** The last `lines` lines of a log file, or '' when it cannot be read. */
export function logTail(logFile: string, lines = 12): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
