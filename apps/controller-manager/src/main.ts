import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { ApiClient, EventRecorder, LeaderElector } from '@tskube/client';
import { createLogger, HealthServer, Lifecycle } from '@tskube/component';
import { allControllers } from './controllers';
import { InformerFactory, type ControllerContext } from './framework/context';
import { concurrencyFlags, selectControllers } from './framework/manager';

const { values } = parseArgs({
  options: {
    master: { type: 'string', default: '127.0.0.1:6444' },
    controllers: { type: 'string', default: '*' },
    'leader-elect': { type: 'string', default: 'true' },
    'leader-elect-lease-duration': { type: 'string', default: '15s' },
    'bind-address': { type: 'string', default: '127.0.0.1' },
    'secure-port': { type: 'string', default: '10257' },
    'cluster-cidr': { type: 'string', default: '10.244.0.0/16' },
    'node-cidr-mask-size': { type: 'string', default: '24' },
    'allocate-node-cidrs': { type: 'string', default: 'true' },
    'node-monitor-grace-period': { type: 'string', default: '40s' },
    'terminated-pod-gc-threshold': { type: 'string', default: '12500' },
    v: { type: 'string', default: '0' },
  },
  allowPositionals: false,
  strict: false,
});
const flags = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));

const logger = createLogger({ component: 'kube-controller-manager', level: Number(values.v) >= 4 ? 'debug' : 'info' });
const lifecycle = new Lifecycle({ logger });
lifecycle.installSignalHandlers();
lifecycle.exitWithParent();

let controllers;
try {
  controllers = selectControllers(allControllers, String(values.controllers));
} catch (err) {
  logger.error('bad --controllers', { err: (err as Error).message });
  process.exit(2);
}
const workers = concurrencyFlags(flags);

const client = new ApiClient({ master: String(values.master), fieldManager: 'kube-controller-manager' });
lifecycle.onShutdown('client', () => client.close());
const health = new HealthServer({ component: 'kube-controller-manager', host: String(values['bind-address']), port: Number(values['secure-port']) });
await health.listen();
lifecycle.onShutdown('health', () => health.close());

const running = async (signal: AbortSignal) => {
  // Every controller and informer listens on this one signal.
  setMaxListeners(0, signal);
  const informers = new InformerFactory(client, logger);
  const recorder = new EventRecorder({ client, component: 'kube-controller-manager', logger });
  const ctx: ControllerContext = { client, informers, recorder, logger, signal, workers, flags };
  const started = controllers.map((c) => {
    logger.info('starting controller', { controller: c.name });
    return c.start(ctx).catch((err: unknown) => logger.error('controller failed', { controller: c.name, err: (err as Error)?.stack ?? String(err) }));
  });
  informers.start();
  await informers.waitForSync(signal);
  logger.info('caches synced', { controllers: controllers.map((c) => c.name) });
  await Promise.all(started);
  await informers.stop();
  await recorder.flush();
};

if (values['leader-elect'] === 'false') {
  const abort = new AbortController();
  lifecycle.onShutdown('controllers', () => abort.abort());
  void running(abort.signal);
} else {
  const identity = `${hostname()}_${randomUUID()}`;
  const elector = new LeaderElector({
    client,
    namespace: 'kube-system',
    name: 'kube-controller-manager',
    identity,
    leaseDurationMs: parseDuration(String(values['leader-elect-lease-duration'])),
    logger,
    callbacks: {
      onStartedLeading: (signal) => {
        logger.info('became leader', { identity });
        return running(signal);
      },
      onStoppedLeading: () => logger.info('stopped leading', { identity }),
    },
  });
  lifecycle.onShutdown('leader-election', () => elector.stop());
  void elector.run();
}
logger.info('started', { controllers: controllers.map((c) => c.name), healthPort: health.port });

function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  return Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
}
