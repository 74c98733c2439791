import type { TestProject } from 'vitest/node';
import { acquireStack, releaseStack, type StackKind } from './launcher.ts';
import { STACK_ENV, type TestStack } from './stack.ts';

/**
 * The body of both vitest global setups: get the stack of `kind` (reused or started), hand
 * it to the tests through provide() and to child processes through the environment, and
 * return the teardown that releases it.
 */
export async function setupTestStack(kind: StackKind, project: TestProject): Promise<() => Promise<void>> {
  const acquired = await acquireStack(kind);
  if (acquired.isErr()) throw new Error(acquired.error.message);
  const { stack, reused } = acquired.value;
  const info: TestStack = {
    cloudsYaml: stack.cloudsYaml,
    authUrl: stack.authUrl,
    dir: stack.dir,
    ...(stack.pgUrl === undefined ? {} : { pgUrl: stack.pgUrl }),
  };
  project.provide('keyformStack', info);
  process.env[STACK_ENV.cloudsYaml] = info.cloudsYaml;
  process.env[STACK_ENV.authUrl] = info.authUrl;
  process.env[STACK_ENV.dir] = info.dir;
  if (info.pgUrl !== undefined) process.env[STACK_ENV.pgUrl] = info.pgUrl;
  const how = reused ? 'reusing' : `started in ${stack.startSeconds.toFixed(1)} s:`;
  process.stderr.write(`[keyform] ${kind} stack ${how} ${stack.authUrl} (${stack.dir})\n`);
  return async () => {
    const released = await releaseStack(kind);
    if (released.isErr()) throw new Error(released.error.message);
  };
}
