/**
 * `npx tsx tools/containerd/cli.ts --data-dir .cluster`: runs containerd for the local cluster in
 * the foreground until SIGINT or SIGTERM, then stops it and everything it ran. Prints the CRI
 * endpoint (the kubelet's --container-runtime-endpoint) once containerd answers.
 */
import { parseArgs } from 'node:util';
import { startContainerd } from './containerd';
import { Snapshotter } from './config';

const usage = `usage: tsx tools/containerd/cli.ts [--data-dir DIR] [--sandbox-image REF] [--snapshotter overlayfs|native]
                                   [--cni-bin-dir DIR] [--log-level LEVEL] [--keep-pods]
  --data-dir       containerd keeps root, state, socket and log in DIR/containerd (default: a
                   temporary directory, removed on exit); the CNI config directory is DIR/cni/net.d
  --keep-pods      on exit, kill containers without first removing pod sandboxes through CRI
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'sandbox-image': { type: 'string' },
      snapshotter: { type: 'string' },
      'cni-bin-dir': { type: 'string' },
      'log-level': { type: 'string' },
      'keep-pods': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const snapshotter = values.snapshotter;
  if (snapshotter !== undefined && !Object.values<string>(Snapshotter).includes(snapshotter)) {
    process.stderr.write(`containerd: unknown snapshotter ${JSON.stringify(snapshotter)}\n${usage}`);
    return 2;
  }
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !['trace', 'debug', 'info', 'warn', 'error'].includes(logLevel)) {
    process.stderr.write(`containerd: unknown log level ${JSON.stringify(logLevel)}\n${usage}`);
    return 2;
  }

  const containerd = await startContainerd({
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values['sandbox-image'] !== undefined ? { sandboxImage: values['sandbox-image'] } : {}),
    ...(snapshotter !== undefined ? { snapshotter: snapshotter as Snapshotter } : {}),
    ...(values['cni-bin-dir'] !== undefined ? { cniBinDir: values['cni-bin-dir'] } : {}),
    ...(logLevel !== undefined ? { logLevel: logLevel as 'info' } : {}),
    removePodsOnStop: !values['keep-pods'],
  });
  process.stdout.write(
    `containerd: pid ${containerd.pid}, snapshotter ${containerd.snapshotter}, sandbox image ${containerd.sandboxImage}\n` +
      `containerd: log ${containerd.paths.log}, CNI config ${containerd.paths.cniConfDir}\n` +
      `${containerd.endpoint}\n`,
  );

  // containerd's handle keeps nothing alive on purpose (a test must be able to exit without
  // stopping it); this process exists only to hold it, so it must keep itself running.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(sig));
  });
  const outcome = await Promise.race([signalled, containerd.exited.then((code) => ({ code }))]);
  clearInterval(keepAlive);
  if (typeof outcome === 'object') {
    process.stderr.write(`containerd: exited on its own (status ${outcome.code}); see ${containerd.paths.log}\n`);
    return 1;
  }
  await containerd.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`containerd: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
