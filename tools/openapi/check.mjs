#!/usr/bin/env node
// `npm run openapi:check` (CI): regenerates the OpenAPI schemas into a temporary directory and
// compares them byte for byte with the committed apps/apiserver/src/openapi/generated. Exits 1,
// listing the stale files, when someone changed the types or the tables beside this file without
// running `npm run openapi` (or edited generated files by hand).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const gen = 'apps/apiserver/src/openapi/generated';
const tmp = mkdtempSync(join(tmpdir(), 'tskube-openapi-'));
try {
  const r = spawnSync(process.execPath, [join(root, 'tools/openapi/generate.mjs'), '--output', tmp], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);

  const fresh = files(join(tmp, gen));
  const committed = files(join(root, gen));
  const stale = [];
  for (const f of [...new Set([...fresh, ...committed])].sort()) {
    const want = join(tmp, gen, f);
    const have = join(root, gen, f);
    if (!existsSync(have)) stale.push(`${gen}/${f} (missing)`);
    else if (!existsSync(want)) stale.push(`${gen}/${f} (no longer generated)`);
    else if (!readFileSync(want).equals(readFileSync(have))) stale.push(`${gen}/${f} (differs)`);
  }
  if (stale.length > 0) {
    console.error(`openapi: generated schemas are stale; run \`npm run openapi\`:\n${stale.map((s) => `  ${s}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`openapi: ${gen} is up to date (${fresh.length} file${fresh.length === 1 ? '' : 's'})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

/** Every file below dir, as sorted paths relative to it; none if dir does not exist. */
function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}
