import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{checker,labs,stacks,solutions}/**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/cdk.out/**', '**/fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
