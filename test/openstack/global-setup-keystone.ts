import type { TestProject } from 'vitest/node';
import { setupTestStack } from './stack-global-setup.ts';

/** vitest globalSetup of the `keystone` project: a real Keystone for *.keystone.test.ts. */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return setupTestStack('keystone', project);
}
