/**
 * `node --import tsx tools/hollow-nodes/main.ts --count 1000 --master 127.0.0.1:6444`: one process
 * hosting that many hollow kubelets (see host.ts), with one /healthz and /metrics, structured logs,
 * and an orderly stop on SIGTERM or SIGINT (every hollow kubelet stops; with
 * --delete-nodes-on-exit their Nodes are deleted after).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '@tskube/client';
import { createLogger, HealthServer, Lifecycle } from '@tskube/component';
import { collectDefaultMetrics } from 'prom-client';
import { FlagError, parseHollowFlags, type HollowFlags } from './flags';
import { HollowNodeHost } from './host';
import { HollowRegistry } from './metrics';

let flags: HollowFlags;
try {
  flags = parseHollowFlags(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof FlagError)) throw err;
  process.stderr.write(`hollow-nodes: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger({ component: 'hollow-nodes', level: flags.verbosity >= 4 ? 'debug' : 'info' });
// A thousand kubelets' info lines would drown the host's: they log warnings unless -v=2.
const kubeletLogger = createLogger({ component: 'kubelet', level: flags.verbosity >= 4 ? 'debug' : flags.verbosity >= 2 ? 'info' : 'warn' });
const lifecycle = new Lifecycle({ logger, hookTimeoutMs: 60_000 });
lifecycle.installSignalHandlers();
lifecycle.exitWithParent();

let rootDir = flags.rootDir;
if (rootDir === '') {
  rootDir = mkdtempSync(join(tmpdir(), 'tskube-hollow-nodes-'));
  const temporary = rootDir;
  lifecycle.onShutdown('root-dir', () => rmSync(temporary, { recursive: true, force: true }));
} else {
  mkdirSync(rootDir, { recursive: true });
}

const client = new ApiClient({ master: flags.master, fieldManager: 'kubelet' });
lifecycle.onShutdown('client', () => client.close());

const registry = new HollowRegistry();
registry.setDefaultLabels({ component: 'hollow-nodes' });
collectDefaultMetrics({ register: registry });

const host = new HollowNodeHost({
  client,
  template: flags,
  count: flags.count,
  rootDir,
  registry,
  logger,
  kubeletLogger,
  startConcurrency: flags.startConcurrency,
});

const health = new HealthServer({
  component: 'hollow-nodes',
  host: flags.healthzBindAddress,
  port: flags.healthzPort,
  registry,
  liveness: {
    kubelets: () => {
      if (!host.healthy()) {
        const s = host.status();
        throw new Error(`${s.healthy} of ${s.nodes} hollow kubelets are up`);
      }
    },
  },
});
await health.listen();
lifecycle.onShutdown('health', () => health.close());
if (flags.deleteNodesOnExit) {
  // Hooks run newest first: this one runs after the kubelets have stopped renewing and posting.
  lifecycle.onShutdown('delete-nodes', async () => {
    const deleted = await host.deleteNodes();
    logger.info('hollow nodes deleted', { deleted });
  });
}
lifecycle.onShutdown('hollow-kubelets', () => host.stop());
logger.info('serving', { healthz: `${flags.healthzBindAddress}:${health.port}`, master: flags.master, count: flags.count, prefix: flags.namePrefix, rootDir });

try {
  await host.start();
} catch (err) {
  logger.error('hollow kubelets failed to start', { err });
  await lifecycle.shutdown('start failed');
  process.exit(1);
}
logger.info('hollow nodes ready', { ...host.status() });
