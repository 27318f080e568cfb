#!/usr/bin/env node
// `npm run proto`: lint proto/ and regenerate libs/proto/src/gen from it with the locally
// installed buf and ts-proto. Offline and deterministic: no remote plugins, no BSR modules, no
// tool versions in the output. `--output <dir>` writes below <dir> instead of the repository
// root (tools/proto/check.mjs uses it).
import { runBuf } from './buf.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--output');
const output = at >= 0 ? args[at + 1] : undefined;
if (at >= 0 && !output) {
  console.error('usage: generate.mjs [--output <dir>]');
  process.exit(2);
}

runBuf(['lint', 'proto']);
runBuf(['generate', '--template', 'proto/buf.gen.yaml', ...(output ? ['--output', output] : [])]);
