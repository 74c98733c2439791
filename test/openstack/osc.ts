import { execFile } from 'node:child_process';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { type LauncherError, type RunningStack, startKeystone, stopStack } from './launcher.ts';
import { type TestStack, testStack } from './stack.ts';

/**
 * The real OpenStack CLI (python3-openstackclient), for tests that change the cloud out of
 * band or check a result independently of keyform's own client.
 */
export const OPENSTACK_CLI = '/usr/bin/openstack';

/** How to run one `openstack` command. */
export interface OscOptions {
  /** clouds.yaml entry: `admin`, `admin-system` or `auditor`. @default 'admin' */
  readonly cloud?: string;
  /** @default testStack() */
  readonly stack?: TestStack;
  /** @default 120_000 */
  readonly timeoutMs?: number;
}

/** The command failed, or printed something that is not JSON. */
export interface OscError {
  readonly kind: 'OscFailed';
  /** The command line, with password values masked. */
  readonly command: string;
  readonly message: string;
}

/** Flags whose value is a secret, masked in error messages. */
const SECRET_FLAGS = new Set(['--password', '--os-password', '--secret', '--application-credential-secret']);

function displayCommand(args: readonly string[]): string {
  const shown = args.map((arg, i) => (i > 0 && SECRET_FLAGS.has(args[i - 1] ?? '') ? '***' : arg));
  return ['openstack', ...shown].join(' ');
}

function oscFailed(args: readonly string[], detail: string): OscError {
  const command = displayCommand(args);
  return { kind: 'OscFailed', command, message: `\`${command}\` failed: ${detail}` };
}

/** Only the chosen cloud counts: OS_* variables of the caller's shell would override it. */
function cliEnv(stack: TestStack, cloud: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OS_')));
  return { ...env, OS_CLIENT_CONFIG_FILE: stack.cloudsYaml, OS_CLOUD: cloud };
}

function run(args: readonly string[], options: OscOptions): ResultAsync<string, OscError> {
  const stack = options.stack ?? testStack();
  const exec = new Promise<{ stdout: string } | { failure: string }>((resolve) => {
    execFile(
      OPENSTACK_CLI,
      [...args],
      { env: cliEnv(stack, options.cloud ?? 'admin'), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout });
        else resolve({ failure: `${error.code ?? error.signal ?? 'error'}: ${stderr.trim() || error.message}` });
      },
    );
  });
  return ResultAsync.fromSafePromise(exec).andThen((r) =>
    'stdout' in r ? okAsync(r.stdout) : errAsync(oscFailed(args, r.failure)),
  );
}

/**
 * Runs `openstack ARGS -f json` against the test stack and returns the parsed output.
 * @example const projects = (await osc(['project', 'list']))._unsafeUnwrap() as { Name: string }[];
 */
export function osc(args: readonly string[], options: OscOptions = {}): ResultAsync<unknown, OscError> {
  const withFormat = [...args, '-f', 'json'];
  return run(withFormat, options).andThen((stdout) => {
    try {
      return okAsync(JSON.parse(stdout) as unknown);
    } catch {
      return errAsync(oscFailed(withFormat, `output is not JSON: ${stdout.slice(0, 200)}`));
    }
  });
}

/**
 * Runs an `openstack` command that prints nothing to parse (`project delete`, `role add`,
 * `... set`) and returns what it printed.
 */
export function oscAction(args: readonly string[], options: OscOptions = {}): ResultAsync<string, OscError> {
  return run(args, options);
}

/** A Keystone of a test's own, beside the shared stack; `stop()` ends it. */
export interface ExtraKeystone {
  readonly stack: TestStack;
  readonly listLimit: number;
  readonly stop: () => ResultAsync<void, LauncherError>;
}

function extraKeystone(stack: RunningStack, listLimit: number): ExtraKeystone {
  return {
    stack: { cloudsYaml: stack.cloudsYaml, authUrl: stack.authUrl, dir: stack.dir },
    listLimit,
    stop: () => stopStack(stack),
  };
}

/**
 * Starts a Keystone with `[DEFAULT] list_limit = listLimit` (lists longer than that come
 * back cut, with `"truncated": true`) on a free port; a few seconds. Pass its `stack` to
 * osc() through `options.stack`.
 * @example const ks = (await startListLimitKeystone(5))._unsafeUnwrap(); ... await ks.stop();
 */
export function startListLimitKeystone(listLimit: number): ResultAsync<ExtraKeystone, LauncherError> {
  return startKeystone({ listLimit }).map((stack) => extraKeystone(stack, listLimit));
}
