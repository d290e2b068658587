import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most test files wait on engines, outages and timers rather than the CPU: vitest's default (cores - 1, so one
// file at a time on a 2-core machine) leaves CI idle. Every file uses private engines, ports and temp folders.
const WORKERS = Math.max(3, availableParallelism() - 1);

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: WORKERS,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'stacks',
          include: ['stacks/**/test/**/*.test.ts'],
          // The stack tests only build constructs and read templates (no engines, env, timers or module mocks), so
          // they share a worker's loaded aws-cdk-lib instead of loading it again for each file: about half their CPU.
          isolate: false,
          // A folder per run where they share their synths (stacks/test/shared-synth.ts).
          globalSetup: ['stacks/test/synth-cache-setup.ts'],
        },
      },
      { extends: true, test: { name: 'kit', include: ['{checker,labs,solutions}/**/test/**/*.test.ts'] } },
    ],
  },
});
