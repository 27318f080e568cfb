import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, Lifecycle } from '@tskube/component';
import { EmbeddedStore, EtcdStore, type Store } from '@tskube/store';
import { ApiServer } from './app';

const { values } = parseArgs({
  options: {
    'storage-backend': { type: 'string', default: 'embedded' },
    'data-dir': { type: 'string', default: '.cluster' },
    'etcd-servers': { type: 'string', default: 'http://127.0.0.1:2379' },
    'etcd-prefix': { type: 'string', default: '' },
    'bind-address': { type: 'string', default: '127.0.0.1' },
    'secure-port': { type: 'string', default: '6443' },
    'grpc-port': { type: 'string', default: '6444' },
    'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12' },
    'service-node-port-range': { type: 'string', default: '30000-32767' },
    'min-request-timeout': { type: 'string', default: '1800' },
    v: { type: 'string', default: '0' },
  },
  strict: true,
});

const logger = createLogger({ component: 'apiserver', level: Number(values.v) >= 4 ? 'debug' : 'info' });
const lifecycle = new Lifecycle({ logger });
lifecycle.installSignalHandlers();
lifecycle.exitWithParent();

let store: Store;
const backend = values['storage-backend'];
if (backend === 'embedded') {
  const path = join(resolve(values['data-dir']!), 'state.db');
  store = EmbeddedStore.open({ path });
  logger.info('storage: embedded', { path });
} else if (backend === 'etcd3') {
  const endpoints = values['etcd-servers']!.split(',').map((s) => s.trim());
  store = new EtcdStore({ endpoints, prefix: values['etcd-prefix'] || undefined });
  logger.info('storage: etcd3', { endpoints });
} else {
  logger.error('unknown --storage-backend (want embedded or etcd3)', { backend });
  process.exit(2);
}
lifecycle.onShutdown('store', () => store.close());

const server = new ApiServer({
  store,
  logger,
  bindAddress: values['bind-address'],
  port: Number(values['secure-port']),
  grpcPort: Number(values['grpc-port']),
  serviceClusterIpRange: values['service-cluster-ip-range'],
  serviceNodePortRange: values['service-node-port-range'],
  minRequestTimeoutSeconds: Number(values['min-request-timeout']),
});
try {
  const started = performance.now();
  await server.start();
  lifecycle.onShutdown('http', () => server.stop());
  logger.info('serving', { address: values['bind-address'], port: server.port, grpcPort: server.grpc?.port, startupMs: Math.round(performance.now() - started) });
} catch (err) {
  logger.error('failed to start', { err });
  await store.close();
  process.exit(1);
}
