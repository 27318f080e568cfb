import { readFileSync } from 'node:fs';
import { createLogger, HealthServer, Lifecycle } from '@tskube/component';
import { FlagError, parseSchedulerFlags, type SchedulerFlags } from './flags';
import { Scheduler } from './scheduler';

let flags: SchedulerFlags;
try {
  flags = parseSchedulerFlags(process.argv.slice(2), (path) => readFileSync(path, 'utf8'));
} catch (err) {
  if (!(err instanceof FlagError)) throw err;
  process.stderr.write(`kube-scheduler: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger({ component: 'kube-scheduler', level: flags.verbosity >= 4 ? 'debug' : 'info' });
const lifecycle = new Lifecycle({ logger });
lifecycle.installSignalHandlers();
lifecycle.exitWithParent();

let scheduler: Scheduler | undefined;
const health = new HealthServer({
  component: 'kube-scheduler',
  host: flags.bindAddress,
  port: flags.securePort,
  readiness: {
    'sched-handler-sync': () => {
      if (scheduler?.hasSynced() !== true) throw new Error('caches not synced yet');
    },
  },
});
try {
  scheduler = new Scheduler({
    master: flags.master,
    config: flags.config,
    leaderElection: flags.leaderElection,
    metricsRegistry: health.registry,
    logger,
    // As kube-scheduler does: a replica that lost its lease exits and is restarted clean.
    onLostLeadership: () => void lifecycle.shutdown('leader election lost').then(() => process.exit(1)),
  });
} catch (err) {
  logger.error('invalid configuration', { err });
  process.exit(2);
}

await health.listen();
lifecycle.onShutdown('health', () => health.close());
const running = scheduler;
lifecycle.onShutdown('scheduler', () => running.stop());
logger.info('serving', { address: flags.bindAddress, port: health.port, master: flags.master, leaderElection: flags.leaderElection !== false });
await running.start();
