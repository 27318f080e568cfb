import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from './tsconfig.base.json' with { type: 'json' };

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Path aliases from tsconfig.base.json, so tests resolve libs exactly as esbuild does. Exact-match
 * patterns: a plain string alias would also rewrite `@tskube/store/testing` as a sub-path of
 * `@tskube/store`.
 */
export const alias = Object.entries(base.compilerOptions.paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
  replacement: root + target,
}));

/** One vitest project per Nx project: `projectConfig('libs/store')`. */
export function projectConfig(dir: string, extra: { testTimeout?: number; fileParallelism?: boolean; passWithNoTests?: boolean; include?: string[] } = {}) {
  const name = dir.split('/').pop()!;
  return defineConfig({
    resolve: { alias },
    test: {
      name,
      root: root + dir,
      include: extra.include ?? ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      environment: 'node',
      testTimeout: extra.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      fileParallelism: extra.fileParallelism ?? true,
      // Only projects that have no code yet (apps before their issue) may have no tests.
      passWithNoTests: extra.passWithNoTests ?? false,
    },
  });
}
