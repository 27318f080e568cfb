#!/usr/bin/env node
// `npm run proto:check` (CI): regenerates the code from proto/ into a temporary directory and
// compares it byte for byte with the committed libs/proto/src/gen. Exits 1, listing the stale
// files, when someone changed a .proto without running `npm run proto` (or edited generated
// code by hand).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { root } from './buf.mjs';

const gen = 'libs/proto/src/gen';
const tmp = mkdtempSync(join(tmpdir(), 'tskube-proto-'));
try {
  const r = spawnSync(process.execPath, [join(root, 'tools/proto/generate.mjs'), '--output', tmp], { cwd: root, stdio: 'inherit' });
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
    console.error(`proto: generated code is stale; run \`npm run proto\`:\n${stale.map((s) => `  ${s}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`proto: ${gen} is up to date (${fresh.length} file${fresh.length === 1 ? '' : 's'})`);
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
