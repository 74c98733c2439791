import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Three projects by what a test needs: nothing, a real Keystone, or the full real OpenStack
// stack. Each starts (or reuses) its own services in a global setup, so
// `npx vitest run --project unit` stays a fast local loop.
// Every project runs the CLI (engine/cli/keyform.mjs) from the sources, never a dist/ build
// older than them.
// The temp folders tests make (and those of the processes they run) go into one folder per run,
// removed when the run ends: a run of the suite makes over a thousand, and a test that fails
// never reaches its own clean-up. The services the global setups start are not in it.
// Open like /tmp itself (sticky, everyone): as root, a test's PostgreSQL runs as user postgres,
// which must reach its folder in there.
const runTmp = mkdtempSync(join(tmpdir(), 'keyform-tests-'));
chmodSync(runTmp, 0o1777);
process.on('exit', () => rmSync(runTmp, { recursive: true, force: true }));
const env = { KEYFORM_FROM_SOURCE: '1', TMPDIR: runTmp };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.keystone.test.ts', 'test/**/*.full.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'keystone',
          env,
          include: ['test/**/*.keystone.test.ts'],
          globalSetup: ['test/openstack/global-setup-keystone.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'full',
          env,
          include: ['test/**/*.full.test.ts'],
          globalSetup: ['test/openstack/global-setup-full.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
