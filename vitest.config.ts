import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One throwaway PostgreSQL and one Temporal dev server for the whole run (test/global-setup.ts);
    // each test file gets its own database and its own task queues.
    globalSetup: ['test/global-setup.ts'],
    // Temporal's native worker runs best in child processes, not worker threads.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
