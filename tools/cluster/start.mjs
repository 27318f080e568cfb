#!/usr/bin/env node
// `npm start`: a whole single-node cluster in the foreground (see shared ARCHITECTURE's local
// cluster contract). Builds stale apps, starts each component as its own process, and stops
// them all on SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { Launcher } from './launcher.mjs';
import { localComponents } from './components.mjs';
import { writeKubeconfig } from './kubeconfig.mjs';
import { bundle, isStale } from '../build/bundle.mjs';
import { ensureContainerd } from './containerd.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { 'data-dir': { type: 'string', default: '.cluster' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log('usage: npm start [-- --data-dir=DIR]\nRuns a single-node tskube cluster in the foreground; Ctrl-C stops it.');
  process.exit(0);
}
const dataDir = resolve(values['data-dir']);

// Tests point this at their own component list.
const override = process.env.TSKUBE_CLUSTER_COMPONENTS;
const all = override ? JSON.parse(readFileSync(override, 'utf8')) : localComponents({ root, dataDir });
const components = all.filter((c) => c.ready !== false);
const missing = all.filter((c) => c.ready === false);

const began = performance.now();
console.log(`tskube: data directory ${dataDir}`);
for (const c of missing) console.log(`  ${c.name}: not implemented yet (issue ${c.issue}), not started`);
if (!components.length) {
  console.log('tskube: no component is implemented yet, so there is nothing to run.');
  process.exit(0);
}

if (!override) {
  for (const c of components) {
    if (isStale(c.name)) {
      const t = performance.now();
      await bundle(c.name);
      console.log(`  built ${c.name} in ${Math.round(performance.now() - t)} ms`);
    }
  }
}

// The kubelet needs a container runtime: containerd under the data directory, started here unless
// one already serves its socket, with the project's images imported the first time.
let containerd;
if (components.some((c) => c.needsContainerd)) {
  try {
    containerd = await ensureContainerd(dataDir);
  } catch (err) {
    console.error(`tskube: containerd: ${err.message}`);
    process.exit(1);
  }
}

const launcher = new Launcher({ dataDir, components });
let exitCode = 0;
const stop = async (why) => {
  console.log(`tskube: stopping (${why})`);
  await launcher.stop();
  // After the kubelet: containerd removes the pods it ran (their network included) and its shims.
  if (containerd) await containerd.stop();
  process.exit(exitCode);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
launcher.failed.then((msg) => {
  console.error(`tskube: ${msg}`);
  exitCode = 1;
  void stop('component failure');
});

try {
  await launcher.start();
} catch (err) {
  console.error(`tskube: ${err.message}`);
  exitCode = 1;
  await stop('start failed');
}
const apiserver = components.find((c) => c.name === 'apiserver');
if (apiserver) {
  // The kubeconfig names the port the apiserver was actually given.
  const path = writeKubeconfig(dataDir, new URL(apiserver.healthUrl).origin);
  console.log(`tskube: cluster up in ${Math.round(performance.now() - began)} ms.`);
  console.log(`  export KUBECONFIG=${path}\n  kubectl get nodes`);
} else {
  console.log(`tskube: components up in ${Math.round(performance.now() - began)} ms.`);
}
console.log('tskube: running; Ctrl-C stops every component.');
