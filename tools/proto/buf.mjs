// Runs the buf binary from the @bufbuild/buf package in the repository root, where
// proto/buf.gen.yaml expects to be run.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const buf = join(root, 'node_modules/.bin/buf');

/** Runs `buf <args>`; exits the process with buf's status if it fails. */
export function runBuf(args) {
  const r = spawnSync(buf, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    console.error(`proto: cannot run ${buf}: ${r.error.message} (run npm install)`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}
