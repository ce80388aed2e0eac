import path from 'node:path';
import { defineConfig } from 'vitest/config';

const domainSrc = path.resolve(import.meta.dirname, 'packages/domain/src/index.ts');
const alias = { '@sinergi/domain': domainSrc };

/**
 * Test tiers (shared/architecture.md §10): domain unit tests; server integration and HTTP
 * tests against PGlite and, when TEST_DATABASE_URL is set, PostgreSQL; e2e in Chromium.
 */
export default defineConfig({
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'domain', include: ['packages/domain/src/**/*.test.ts'] } },
      {
        resolve: { alias },
        test: {
          name: 'server',
          include: ['packages/server/test/**/*.test.ts', 'packages/server/src/**/*.test.ts'],
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
