import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests share one Redis and spawn child processes; a little slack keeps them from flaking on 2 cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
