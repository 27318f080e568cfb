import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from './tsconfig.base.json' with { type: 'json' };

const root = fileURLToPath(new URL('.', import.meta.url));

/** Path aliases from tsconfig.base.json, so tests resolve libs exactly as esbuild does. */
export const alias = Object.fromEntries(
  Object.entries(base.compilerOptions.paths).map(([name, [target]]) => [name, root + target]),
);

/** One vitest project per Nx project: `projectConfig('libs/store')`. */
export function projectConfig(dir: string, extra: { testTimeout?: number; fileParallelism?: boolean } = {}) {
  const name = dir.split('/').pop()!;
  return defineConfig({
    resolve: { alias },
    test: {
      name,
      root: root + dir,
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      environment: 'node',
      testTimeout: extra.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      fileParallelism: extra.fileParallelism ?? true,
      passWithNoTests: false,
    },
  });
}
