import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Cheap password hashes in test processes only (the production cost is tested on its own).
    setupFiles: ['tests/support/scrypt-cost.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts', '{common,main,server,renderer}/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // A migrated PGlite dump that in-memory test databases start from (tests/support/pglite-template.ts).
          globalSetup: ['tests/support/pglite-template.ts'],
          // One file at a time: PostgreSQL's snapshot horizon (pg_snapshot_xmin) is cluster-wide, so a long
          // transaction in one file's database would hold back another file's pulls; child processes and
          // PGlite instances are heavy on two cores too.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        // Issue 11 §1: one in-process server and desk, fast-check with a fixed seed (tests/fuzz/fuzz.test.ts).
        test: { name: 'fuzz', include: ['tests/fuzz/**/*.test.ts'], fileParallelism: false },
      },
    ],
  },
});
