import { join } from 'node:path';
import { ApiClient } from '@tskube/client';
import { createLogger, HealthServer, Lifecycle } from '@tskube/component';
import { CriClient } from './cri';
import { FakeRuntime } from './cri/fake';
import { FlagError, parseKubeletFlags, type KubeletFlags } from './flags';
import { Kubelet } from './kubelet';
import { NodeAgent } from './node';
import { ProbeManager } from './prober';
import { KubeletServer } from './server';
import { VolumeManager } from './volumes';

let flags: KubeletFlags;
try {
  flags = parseKubeletFlags(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof FlagError)) throw err;
  process.stderr.write(`kubelet: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger({ component: 'kubelet', level: flags.verbosity >= 4 ? 'debug' : 'info' });
const lifecycle = new Lifecycle({ logger, hookTimeoutMs: 30_000 });
lifecycle.installSignalHandlers();
lifecycle.exitWithParent();

// --runtime=fake: the real lifecycle over a simulated runtime (hollow nodes); its pod network
// configuration stays below the root directory unless a CNI conf dir is named.
let runtime: CriClient | FakeRuntime;
let cniConfDir = flags.cniConfDir;
if (flags.runtime === 'fake') {
  runtime = new FakeRuntime();
  if (!process.argv.some((a) => a.startsWith('--cni-conf-dir'))) cniConfDir = join(flags.rootDir, 'cni', 'net.d');
} else {
  const cri = new CriClient({ endpoint: flags.runtimeEndpoint });
  lifecycle.onShutdown('cri', () => cri.close());
  runtime = cri;
}
const client = new ApiClient({ master: flags.master, fieldManager: 'kubelet' });
lifecycle.onShutdown('client', () => client.close());

const registry = HealthServer.defaultRegistry('kubelet');
const kubelet = new Kubelet({
  client,
  runtime,
  logger,
  registry,
  nodeName: flags.nodeName,
  nodeIP: flags.nodeIP,
  rootDir: flags.rootDir,
  podLogsDir: flags.podLogsDir,
  clusterDNS: flags.clusterDNS,
  clusterDomain: flags.clusterDomain,
  resolvConf: flags.resolvConf,
  podCIDR: flags.podCIDR,
  cniConfDir,
  cniBridgeName: flags.cniBridgeName,
  nodeAgent: new NodeAgent({
    client,
    nodeName: flags.nodeName,
    runtime,
    flags: {
      nodeLabels: flags.nodeLabels,
      registerWithTaints: flags.registerWithTaints,
      kubeReserved: flags.kubeReserved,
      systemReserved: flags.systemReserved,
      nodeIP: flags.nodeIP,
      port: flags.port,
      rootDir: flags.rootDir,
      maxPods: flags.maxPods,
    },
    logger: logger.with({ module: 'node' }),
    registry,
  }),
  createVolumes: (sources) => new VolumeManager({ rootDir: flags.rootDir, sources, logger: logger.with({ module: 'volumes' }), nodeName: flags.nodeName }),
  createProber: (hooks) => new ProbeManager({ runtime, logger: logger.with({ module: 'prober' }), onChange: hooks.onChange, recordEvent: hooks.recordEvent, registry }),
});
const health = new HealthServer({
  component: 'kubelet',
  host: flags.healthzBindAddress,
  port: flags.healthzPort,
  registry,
  liveness: {
    syncloop: () => {
      if (!kubelet.healthy()) throw new Error('the pod loops are not running');
    },
  },
});
await health.listen();
lifecycle.onShutdown('health', () => health.close());

// The kubelet API (--address, --port): logs, exec, attach, /pods, /stats/summary.
const server = new KubeletServer({
  host: flags.address,
  port: flags.port,
  pods: kubelet,
  runtime,
  logger: logger.with({ module: 'server' }),
  registry,
  nodeName: flags.nodeName,
  healthz: () => {
    if (!kubelet.healthy()) throw new Error('the pod loops are not running');
  },
});
try {
  await server.listen();
} catch (err) {
  logger.error('the kubelet API cannot listen', { address: flags.address, port: flags.port, err: (err as Error).message });
  await lifecycle.shutdown('listen failed');
  process.exit(1);
}
lifecycle.onShutdown('server', () => server.close());
lifecycle.onShutdown('kubelet', () => kubelet.stop());
logger.info('serving', { healthz: `${flags.healthzBindAddress}:${health.port}`, api: `${flags.address}:${server.port}`, node: flags.nodeName, runtime: flags.runtimeEndpoint, master: flags.master });
try {
  await kubelet.start();
} catch (err) {
  logger.error('kubelet failed to start', { err: (err as Error).message });
  await lifecycle.shutdown('start failed');
  process.exit(1);
}
