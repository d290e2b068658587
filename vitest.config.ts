import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most test files wait on engines, outages and timers rather than the CPU: vitest's default (cores - 1, so one
// file at a time on a 2-core machine) leaves CI idle. Every file uses private engines, ports and temp folders.
const WORKERS = Math.max(3, availableParallelism() - 1);

export default defineConfig({
  test: {
    include: ['{checker,labs,stacks,solutions}/**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: WORKERS,
    reporters: ['default'],
    // A folder per run where the stack tests share their synths (stacks/test/shared-synth.ts).
    globalSetup: ['stacks/test/synth-cache-setup.ts'],
  },
});
