import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Lives in test/ because the top level of the repository is fixed; paths are relative to the root.
  root: new URL('..', import.meta.url).pathname,
  test: {
    include: ['test/**/*.test.ts'],
    // DuckDB and tfjs-wasm are heavy; the default per-test limit is too short for integration tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One temporary directory for the run, removed at its end (test/tmp-setup.ts).
    globalSetup: ['test/tmp-setup.ts'],
    // FOLLOWUP_CONFIG=none: a followup.config.yaml left by `npm start` in the checkout must not change what the
    // CLI tests run on; the config tests (test/cli/first-hour.test.ts) clear it for their own child processes.
    env: { TZ: 'UTC', FOLLOWUP_CONFIG: 'none' },
  },
});
