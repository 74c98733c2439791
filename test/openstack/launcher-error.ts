/**
 * What can go wrong while starting, reusing or stopping a test stack. Every message says
 * what to do next, and names the log file to read when a service is involved.
 */
export type LauncherError =
  | { readonly kind: 'MissingPackages'; readonly message: string; readonly missing: readonly string[] }
  | { readonly kind: 'PortInUse'; readonly message: string; readonly port: number }
  | { readonly kind: 'CommandFailed'; readonly message: string; readonly command: string; readonly logFile: string }
  | { readonly kind: 'NotReady'; readonly message: string; readonly service: string; readonly logFile: string }
  | { readonly kind: 'KeystoneRequestFailed'; readonly message: string; readonly request: string }
  | { readonly kind: 'StackInUse'; readonly message: string; readonly users: readonly number[] }
  | { readonly kind: 'StateFileInvalid'; readonly message: string; readonly path: string }
  | { readonly kind: 'FileSystem'; readonly message: string; readonly path: string }
  | { readonly kind: 'Cancelled'; readonly message: string }
  | { readonly kind: 'LockTimeout'; readonly message: string; readonly path: string }
  | { readonly kind: 'SeedIncomplete'; readonly message: string; readonly dir: string; readonly missing: readonly string[] };

/** Packages or extracted files the chosen stack kind needs are not on this machine. */
export function missingPackages(kind: string, missing: readonly string[]): LauncherError {
  return {
    kind: 'MissingPackages',
    missing,
    message:
      `the '${kind}' test stack needs ${missing.join(', ')}: ` +
      `run \`sudo test/openstack/install.sh ${kind}\` once on this machine`,
  };
}

/** A port of the stack's layout is taken by something the launcher did not record. */
export function portInUse(port: number, stackKind: string): LauncherError {
  return {
    kind: 'PortInUse',
    port,
    message:
      `port ${port} on 127.0.0.1, needed by the '${stackKind}' test stack, is already in use: ` +
      `stop what listens there (\`ss -ltnp 'sport = :${port}'\`), or a leftover stack with ` +
      `\`node engine/cli/run-ts.mjs test/openstack/launcher.ts down ${stackKind}\``,
  };
}

/**
 * A service's own server never got `port`: the port was free when it was chosen, but another
 * process (a test or benchmark starting at the same time) bound it first, and what answered
 * the readiness probe was that process.
 */
export function portTakenWhileStarting(port: number, service: string, logFile: string): LauncherError {
  return {
    kind: 'PortInUse',
    port,
    message:
      `${service} did not get port ${port} on 127.0.0.1: another process bound it after it was found free ` +
      `(\`ss -ltnp 'sport = :${port}'\` shows which; ${logFile} has "Connection in use"): start it on another port`,
  };
}

/** A setup command (database sync, initdb, ...) exited non-zero. */
export function commandFailed(command: string, detail: string, logFile: string): LauncherError {
  return {
    kind: 'CommandFailed',
    command,
    logFile,
    message: `\`${command}\` failed (${detail}); its output is in ${logFile}`,
  };
}

/** A service did not answer in time, or exited while starting. */
export function notReady(service: string, why: string, logFile: string, logTail: string): LauncherError {
  const tail = logTail === '' ? '' : `\nlast lines of ${logFile}:\n${logTail}`;
  return {
    kind: 'NotReady',
    service,
    logFile,
    message: `${service} ${why}; see ${logFile}${tail}`,
  };
}

/** Seeding users, roles or the catalog through Keystone's API failed. */
export function keystoneRequestFailed(request: string, detail: string): LauncherError {
  return {
    kind: 'KeystoneRequestFailed',
    request,
    message: `Keystone request ${request} failed: ${detail}; see the stack's log/keystone.log`,
  };
}

/** A fresh stack was asked for while other test runs still use the running one. */
export function stackInUse(stackKind: string, users: readonly number[]): LauncherError {
  return {
    kind: 'StackInUse',
    users,
    message:
      `the '${stackKind}' test stack is in use by process(es) ${users.join(', ')}: ` +
      `wait for them to finish, or run without KEYFORM_TEST_FRESH=1 to share it`,
  };
}

/** The reuse state file exists but is not one this launcher wrote. */
export function stateFileInvalid(path: string, detail: string): LauncherError {
  return {
    kind: 'StateFileInvalid',
    path,
    message: `${path} is not a test-stack state file (${detail}): stop its stack by hand and delete it`,
  };
}

/** Reading or writing a file or folder of the stack failed. */
export function fileSystem(path: string, cause: unknown): LauncherError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { kind: 'FileSystem', path, message: `cannot use ${path}: ${detail}` };
}

/** A part of a stack stopped starting because another part had already failed. */
export function cancelled(what: string): LauncherError {
  return { kind: 'Cancelled', message: `start of ${what} cancelled: another part of the stack failed first` };
}

/** Another launcher held a stack's lock (while starting or stopping it) for too long. */
export function lockTimeout(path: string, holder: number, waitedMs: number): LauncherError {
  return {
    kind: 'LockTimeout',
    path,
    message:
      `waited ${Math.round(waitedMs / 1000)} s for ${path}, held by process ${holder}: ` +
      `if that process hangs, end it (kill ${holder}); a lock of a dead process is taken over`,
  };
}

/** A Keystone restarted on a freshly seeded database lacks what the seed made through its API. */
export function seedIncomplete(dir: string, missing: readonly string[]): LauncherError {
  return {
    kind: 'SeedIncomplete',
    dir,
    missing,
    message:
      `Keystone restarted on the database seeded in ${dir} lacks ${missing.join(', ')}, which the seed made through its API: ` +
      `the seed's API calls went to another Keystone (see ${dir}/log/keystone.log for "Connection in use"); delete ${dir} and seed again`,
  };
}
