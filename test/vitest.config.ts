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
    env: { TZ: 'UTC' },
  },
});
