#!/usr/bin/env node
// Bundles each app into dist/apps/<app>/main.js with esbuild: one file per component starts
// faster than a tree of modules, and path aliases are resolved at build time.
// Usage: node tools/build/bundle.mjs [--if-stale] [app ...]   (no app: every app)
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// Native addons and packages that read files relative to themselves stay outside the bundle.
const external = ['better-sqlite3', 'etcd3', '@grpc/grpc-js', 'protobufjs', 'prom-client', 'express'];

export function appNames() {
  return readdirSync(join(root, 'apps')).filter((d) => existsSync(join(root, 'apps', d, 'src/main.ts')));
}

/** True when the bundle is missing or older than any file that went into it. */
export function isStale(app) {
  const out = join(root, 'dist/apps', app, 'main.js');
  const meta = join(root, 'dist/apps', app, 'meta.json');
  if (!existsSync(out) || !existsSync(meta)) return true;
  const built = statSync(out).mtimeMs;
  const inputs = Object.keys(JSON.parse(readFileSync(meta, 'utf8')).inputs);
  const watched = [...inputs, 'tsconfig.base.json', 'package-lock.json', 'tools/build/bundle.mjs'];
  return watched.some((f) => {
    const p = join(root, f);
    return !existsSync(p) || statSync(p).mtimeMs > built;
  });
}

export async function bundle(app) {
  const outdir = join(root, 'dist/apps', app);
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join('apps', app, 'src/main.ts')],
    outfile: join(outdir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.base.json'),
    external,
    // ESM bundles of CommonJS dependencies need a require() of their own.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ifStale = args.includes('--if-stale');
  const apps = args.filter((a) => !a.startsWith('--'));
  for (const app of apps.length ? apps : appNames()) {
    if (ifStale && !isStale(app)) continue;
    const started = performance.now();
    await bundle(app);
    console.log(`built ${app} in ${Math.round(performance.now() - started)} ms`);
  }
}
