/**
 * Bundles tools/hollow-nodes/main.ts as the apps are bundled (tools/build/bundle.mjs' settings) into
 * dist/tools/hollow-nodes/main.js, so that a benchmark measures the host's own memory and CPU, not
 * a TypeScript loader's.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Builds the bundle and returns its path. */
export async function bundleHollowNodes(): Promise<string> {
  const outfile = join(root, 'dist/tools/hollow-nodes/main.js');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, 'tools/hollow-nodes/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.base.json'),
    external: ['better-sqlite3', 'etcd3', '@grpc/grpc-js', 'protobufjs', 'prom-client', 'express'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
