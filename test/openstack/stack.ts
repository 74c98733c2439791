import { inject } from 'vitest';

/** What a `*.keystone.test.ts` or `*.full.test.ts` gets from the launcher. */
export interface TestStack {
  /** clouds.yaml with the entries `admin`, `admin-system` and `auditor`, region RegionOne. */
  readonly cloudsYaml: string;
  /** Keystone's identity URL, e.g. `http://127.0.0.1:25000/v3`. */
  readonly authUrl: string;
  /** `postgres://postgres@127.0.0.1:26008/keyform`: full stacks only. */
  readonly pgUrl?: string;
  /** The stack's folder (its logs are in log/). */
  readonly dir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/openstack/global-setup-{keystone,full}.ts for their vitest project. */
    keyformStack: TestStack;
  }
}

/** The environment variables the global setups set, for child processes and scripts. */
export const STACK_ENV = {
  cloudsYaml: 'KEYFORM_TEST_CLOUDS_YAML',
  authUrl: 'KEYFORM_TEST_AUTH_URL',
  pgUrl: 'KEYFORM_TEST_PG_URL',
  dir: 'KEYFORM_TEST_STACK_DIR',
} as const;

function injected(): TestStack | undefined {
  try {
    return inject('keyformStack');
  } catch {
    // not inside a vitest worker (a script run by tsx): the environment has to do
    return undefined;
  }
}

function fromEnv(): TestStack | undefined {
  const cloudsYaml = process.env[STACK_ENV.cloudsYaml];
  const authUrl = process.env[STACK_ENV.authUrl];
  const dir = process.env[STACK_ENV.dir];
  if (cloudsYaml === undefined || authUrl === undefined || dir === undefined) return undefined;
  const pgUrl = process.env[STACK_ENV.pgUrl];
  return pgUrl === undefined ? { cloudsYaml, authUrl, dir } : { cloudsYaml, authUrl, dir, pgUrl };
}

/**
 * The stack of the running vitest project. inject() comes first: when the keystone and the
 * full project run in one vitest process, the environment holds whichever stack was set
 * last, while each project's provide() is its own.
 * @example const { cloudsYaml, authUrl } = testStack();
 */
export function testStack(): TestStack {
  const stack = injected() ?? fromEnv();
  if (stack === undefined) {
    // a programmer error: the test file's name does not put it in a project that has a stack
    throw new Error(
      'no test stack: name the file *.keystone.test.ts or *.full.test.ts and run it in that ' +
        'vitest project (npx vitest run --project keystone|full), whose global setup starts one',
    );
  }
  return stack;
}
