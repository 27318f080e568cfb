import { defineConfig } from 'vitest/config';

// The whole repository's tests: every Nx project contributes its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['libs/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tools/vitest.config.ts'],
    pool: 'forks',
  },
});
