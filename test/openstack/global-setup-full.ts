import type { TestProject } from 'vitest/node';
import { setupTestStack } from './stack-global-setup.ts';

/** vitest globalSetup of the `full` project: the whole OpenStack stack for *.full.test.ts. */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return setupTestStack('full', project);
}
