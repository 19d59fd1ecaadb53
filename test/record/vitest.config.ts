/**
 * `npm run history:record`: the recording runs (<family>.record.ts over world.ts), on the same throwaway
 * servers as the tests (test/global-setup.ts). Not part of `npm test`: the replay test replays
 * what they recorded.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/record/**/*.record.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
