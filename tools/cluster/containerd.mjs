// containerd for `npm start`'s kubelet: the one serving <dataDir>/containerd/containerd.sock if it
// already runs (left alone at exit), else one started through tools/containerd (stopped at exit,
// with every pod it ran). Either way the project's images are imported into it when missing.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { ensureImages } from '../images/build.mjs';

function accepts(path) {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * @param {string} dataDir
 * @param {(line: string) => void} [out]
 * @returns {Promise<{ endpoint: string, stop: () => Promise<void> }>}
 */
export async function ensureContainerd(dataDir, out = (line) => console.log(line)) {
  const socket = join(dataDir, 'containerd', 'containerd.sock');
  let started;
  let snapshotter;
  const began = performance.now();
  if (existsSync(socket) && (await accepts(socket))) {
    out(`  containerd: using the one already serving ${socket}`);
  } else {
    const { startContainerd } = await tsImport('../containerd/index.ts', import.meta.url);
    started = await startContainerd({ dataDir });
    snapshotter = started.snapshotter;
    out(`  containerd ready in ${Math.round(performance.now() - began)} ms (pid ${started.pid}, snapshotter ${started.snapshotter}, log ${started.paths.log})`);
  }
  const t = performance.now();
  const { imported } = await ensureImages({ address: socket, outDir: join(dataDir, 'images'), ...(snapshotter ? { snapshotter } : {}) });
  if (imported.length) out(`  imported images ${imported.join(', ')} in ${Math.round(performance.now() - t)} ms`);
  return { endpoint: `unix://${socket}`, stop: async () => started?.stop() };
}
