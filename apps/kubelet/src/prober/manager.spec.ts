import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import type { corev1 } from '@tskube/api-types';
import { FakeClock } from '@tskube/client/testing';
import { createLogger } from '@tskube/component';
import { afterEach, describe, expect, it } from 'vitest';
import { CriError } from '../cri/index';
import type { ProbeRuntime } from './exec';
import { ProbeManager } from './manager';
import { closeServer, listenOnFreePort } from './test-servers';

const logger = createLogger({ component: 'prober-test', write: () => undefined });

/** Lets the workers' asynchronous rounds (fake exec answers, result updates) run to completion. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

/**
 * A manager on a fake clock whose exec probes answer from `exit`: the command's first word names
 * the probe (`ready`, `live`, `start`), its value the exit status (or an Error to reject with).
 */
function setup(opts: { random?: () => number; clock?: FakeClock } = {}) {
  const clock = opts.clock ?? new FakeClock();
  const exit = new Map<string, number | Error>([
    ['ready', 0],
    ['live', 0],
    ['start', 0],
  ]);
  const execs: { containerId: string; cmd: string[]; timeoutSeconds: number }[] = [];
  const runtime: ProbeRuntime = {
    async execSync(containerId, cmd, timeoutSeconds) {
      execs.push({ containerId, cmd, timeoutSeconds });
      const code = exit.get(cmd[0]!) ?? 0;
      if (code instanceof Error) throw code;
      return { stdout: Buffer.from(code === 0 ? '' : `${cmd[0]} says no\n`), stderr: Buffer.alloc(0), exitCode: code };
    },
  };
  const events: { type: string; reason: string; message: string; pod: string }[] = [];
  const changes: string[] = [];
  const registry = new Registry();
  const manager = new ProbeManager({
    runtime,
    logger,
    onChange: (uid) => changes.push(uid),
    recordEvent: (pod, type, reason, message) => events.push({ type, reason, message, pod: pod.metadata!.name! }),
    registry,
    clock,
    random: opts.random ?? (() => 0),
  });
  const count = (probe: string) => execs.filter((e) => e.cmd[0] === probe).length;
  /** Moves time forward one `stepMs` at a time, letting the workers run after each step. */
  const advance = async (ms: number, stepMs = 1000) => {
    await settle();
    if (ms === 0) {
      clock.step(0);
      await settle();
    }
    for (let t = 0; t < ms; t += stepMs) {
      clock.step(Math.min(stepMs, ms - t));
      await settle();
    }
  };
  return { clock, exit, execs, events, changes, registry, manager, count, advance };
}

const exec = (cmd: string, extra: Partial<corev1.Probe> = {}): corev1.Probe => ({ exec: { command: [cmd] }, periodSeconds: 1, ...extra });

function makePod(container: Partial<corev1.Container>, podExtra: Partial<corev1.PodSpec> = {}): corev1.Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...podExtra },
  };
}

describe('ProbeManager', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  const start = (opts?: Parameters<typeof setup>[0]) => {
    const h = setup(opts);
    cleanup = () => h.manager.close();
    return h;
  };

  it('refuses options without a runtime, logger or callbacks', () => {
    const ok = { runtime: { execSync: async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }) }, logger, onChange: () => undefined, recordEvent: () => undefined };
    expect(() => new ProbeManager({ ...ok, runtime: undefined as unknown as ProbeRuntime })).toThrow(/runtime/);
    expect(() => new ProbeManager({ ...ok, onChange: undefined as unknown as () => void })).toThrow(/onChange/);
    expect(() => new ProbeManager({ ...ok, recordEvent: 'x' as unknown as () => void })).toThrow(/recordEvent/);
  });

  it('without probes: started and ready as soon as the container runs, not before, not after it stops', async () => {
    const { manager } = start();
    const pod = makePod({});
    manager.addPod(pod);
    expect(manager.workerCount()).toBe(0);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    manager.containerStarted(pod, 'c', 'id-1', new Date(), '10.0.0.5');
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(true);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
    expect(manager.isReady('uid-1', 'c', 'other-id')).toBe(false);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
    manager.containerStopped('uid-1', 'c');
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(false);
  });

  it('readiness: false until the first success, then true; false again after failureThreshold failures', async () => {
    const { manager, clock, exit, changes, events, advance, count } = start();
    const pod = makePod({ readinessProbe: exec('ready', { failureThreshold: 3 }) });
    manager.addPod(pod);
    exit.set('ready', 1);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), '10.0.0.5');
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    await advance(3000);
    expect(count('ready')).toBeGreaterThanOrEqual(3);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed: ready says no\n', pod: 'web' });

    exit.set('ready', 0);
    changes.length = 0;
    await advance(1000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
    expect(changes).toEqual(['uid-1']);

    exit.set('ready', 1);
    changes.length = 0;
    await advance(2000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
    expect(changes).toEqual([]);
    await advance(1000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    expect(changes).toEqual(['uid-1']);
  });

  it('readiness: successThreshold successes in a row are needed', async () => {
    const { manager, clock, advance } = start();
    const pod = makePod({ readinessProbe: exec('ready', { successThreshold: 3 }) });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(0);
    await advance(1000); // probes at 0 s and 1 s
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    await advance(1000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
  });

  it('a new container instance starts clean: not ready until its own first success', async () => {
    const { manager, clock, exit, advance } = start();
    const pod = makePod({ readinessProbe: exec('ready', { periodSeconds: 60 }), startupProbe: exec('start', { periodSeconds: 60 }) });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(0);
    await advance(60_000, 60_000);
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(true);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);

    exit.set('ready', 1);
    manager.containerStarted(pod, 'c', 'id-2', new Date(clock.now()), undefined);
    expect(manager.isStarted('uid-1', 'c', 'id-2')).toBe(false);
    expect(manager.isReady('uid-1', 'c', 'id-2')).toBe(false);
    await advance(60_000, 60_000);
    expect(manager.isStarted('uid-1', 'c', 'id-2')).toBe(true);
    expect(manager.isReady('uid-1', 'c', 'id-2')).toBe(false);
  });

  it('isReady asks a not-ready container’s readiness worker to probe at once', async () => {
    const { manager, clock, count } = start();
    const pod = makePod({ readinessProbe: exec('ready', { periodSeconds: 60 }) });
    manager.addPod(pod);
    await settle();
    clock.step(0);
    await settle(); // the first round: no container yet
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    expect(count('ready')).toBe(0);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    await settle();
    expect(count('ready')).toBe(1);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
  });

  it('liveness: fails after failureThreshold failures, once, then holds until a new container instance', async () => {
    const { manager, clock, exit, changes, events, advance, count } = start();
    const pod = makePod({ livenessProbe: exec('live', { failureThreshold: 2, terminationGracePeriodSeconds: 5 }) });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(2000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);

    exit.set('live', 3);
    await advance(1000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1').failed).toBe(false);
    expect(changes).toEqual([]);
    await advance(1000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: true, message: 'Container c failed liveness probe, will be restarted', probe: 'liveness', terminationGracePeriodSeconds: 5 });
    expect(changes).toEqual(['uid-1']);
    expect(events.filter((e) => e.message === 'Liveness probe failed: live says no\n')).toHaveLength(2);

    // On hold: no more probes of the failed instance.
    const before = count('live');
    await advance(3000);
    expect(count('live')).toBe(before);
    expect(changes).toEqual(['uid-1']);

    // The lifecycle restarted the container: the new instance starts clean and is probed again.
    exit.set('live', 0);
    manager.containerStarted(pod, 'c', 'id-2', new Date(clock.now()), undefined);
    expect(manager.livenessFailed('uid-1', 'c', 'id-2')).toEqual({ failed: false });
    await advance(1000);
    expect(count('live')).toBe(before + 1);
    expect(manager.livenessFailed('uid-1', 'c', 'id-2')).toEqual({ failed: false });
    // The old instance's results are gone.
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
  });

  it('under restartPolicy Never the failure message does not promise a restart', async () => {
    const { manager, clock, exit, advance } = start();
    const pod = makePod({ livenessProbe: exec('live', { failureThreshold: 1 }) }, { restartPolicy: 'Never' });
    exit.set('live', 1);
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(1000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: true, message: 'Container c failed liveness probe', probe: 'liveness' });
  });

  it('a liveness failure is not reported for an instance that no longer runs', async () => {
    const { manager, clock, exit, advance } = start();
    const pod = makePod({ livenessProbe: exec('live', { failureThreshold: 1 }) });
    exit.set('live', 1);
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(1000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1').failed).toBe(true);
    manager.containerStopped('uid-1', 'c');
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
  });

  it('startup gates liveness and readiness, and stops once it passed', async () => {
    const { manager, clock, exit, changes, advance, count } = start();
    const pod = makePod({ startupProbe: exec('start', { failureThreshold: 10 }), readinessProbe: exec('ready'), livenessProbe: exec('live') });
    exit.set('start', 1);
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(false);
    await advance(3000);
    expect(count('start')).toBeGreaterThanOrEqual(3);
    expect(count('ready') + count('live')).toBe(0);
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(false);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);

    exit.set('start', 0);
    await advance(1000);
    expect(manager.isStarted('uid-1', 'c', 'id-1')).toBe(true);
    expect(changes).toContain('uid-1');
    const starts = count('start');
    await advance(3000);
    expect(count('start')).toBe(starts);
    expect(count('ready')).toBeGreaterThan(0);
    expect(count('live')).toBeGreaterThan(0);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
  });

  it('a startup probe failing failureThreshold times asks for a restart', async () => {
    const { manager, clock, exit, events, advance } = start();
    const pod = makePod({ startupProbe: exec('start', { failureThreshold: 2 }) });
    exit.set('start', 1);
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(3000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: true, message: 'Container c failed startup probe, will be restarted', probe: 'startup' });
    expect(events.map((e) => e.message)).toContain('Startup probe failed: start says no\n');
  });

  it('waits initialDelaySeconds after the container started', async () => {
    const { manager, clock, advance, count } = start();
    const pod = makePod({ readinessProbe: exec('ready', { initialDelaySeconds: 5 }) });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(4000);
    expect(count('ready')).toBe(0);
    await advance(2000);
    expect(count('ready')).toBeGreaterThan(0);
  });

  it('spreads the first probes over one period only while the kubelet is freshly started', async () => {
    const fresh = start({ random: () => 0.5 });
    const pod = makePod({ readinessProbe: exec('ready', { periodSeconds: 10 }) });
    fresh.manager.containerStarted(pod, 'c', 'id-1', new Date(fresh.clock.now()), undefined);
    await fresh.advance(4000);
    expect(fresh.count('ready')).toBe(0);
    await fresh.advance(1000);
    expect(fresh.count('ready')).toBe(1);
    await fresh.manager.close();

    const old = start({ random: () => 0.5 });
    old.clock.step(60_000);
    old.manager.containerStarted(pod, 'c', 'id-1', new Date(old.clock.now()), undefined);
    await settle();
    expect(old.count('ready')).toBe(1);
  });

  it('an errored probe is retried, reported, and does not count towards the thresholds', async () => {
    const { manager, clock, exit, events, advance, execs } = start();
    const pod = makePod({ livenessProbe: exec('live', { failureThreshold: 1 }) });
    exit.set('live', new CriError(2, 'RuntimeService/ExecSync: Unknown: container is stopping', { cause: { details: 'container is stopping' } }));
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(0);
    expect(execs).toHaveLength(3);
    expect(events).toEqual([{ type: 'Warning', reason: 'Unhealthy', message: 'Liveness probe errored and resulted in unknown state: rpc error: code = Unknown desc = container is stopping', pod: 'web' }]);
    await advance(2000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
  });

  it('passes timeoutSeconds (default 1) to the runtime and expands $(VAR) from the container’s env', async () => {
    const { manager, clock, advance, execs } = start();
    const pod = makePod({
      env: [{ name: 'FILE', value: '/tmp/healthy' }],
      readinessProbe: { exec: { command: ['ready', '$(FILE)'] }, periodSeconds: 1 },
      livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, timeoutSeconds: 7 },
    });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(0);
    expect(execs).toEqual(
      expect.arrayContaining([
        { containerId: 'id-1', cmd: ['ready', '/tmp/healthy'], timeoutSeconds: 1 },
        { containerId: 'id-1', cmd: ['live'], timeoutSeconds: 7 },
      ]),
    );
  });

  it('a stopped container turns not ready; with restartPolicy Never its workers end', async () => {
    const { manager, clock, changes, advance } = start();
    const pod = makePod({ readinessProbe: exec('ready') }, { restartPolicy: 'Never' });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(1000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
    changes.length = 0;
    manager.containerStopped('uid-1', 'c');
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    await advance(1000);
    expect(changes).toEqual(['uid-1']);
    expect(manager.workerCount()).toBe(0);
    manager.addPod(pod);
    expect(manager.workerCount()).toBe(0);
  });

  it('probes sidecars (restartable init containers) but not plain init containers', () => {
    const { manager } = start();
    const pod = makePod({ readinessProbe: exec('ready') });
    pod.spec!.initContainers = [
      { name: 'sidecar', image: 'busybox', restartPolicy: 'Always', livenessProbe: exec('live'), startupProbe: exec('start') },
      { name: 'init', image: 'busybox', readinessProbe: exec('ready') },
    ];
    manager.addPod(pod);
    expect(manager.workerCount()).toBe(3);
  });

  it('a pod being deleted: liveness and startup go quiet, readiness goes on', async () => {
    const { manager, clock, exit, advance, count } = start();
    const pod = makePod({ readinessProbe: exec('ready'), livenessProbe: exec('live', { failureThreshold: 1 }) });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(1000);
    manager.addPod({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date(clock.now()).toISOString() } });
    exit.set('live', 1);
    await advance(1000);
    expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
    expect(manager.workerCount()).toBe(1);
    const lives = count('live');
    const readies = count('ready');
    await advance(2000);
    expect(count('live')).toBe(lives);
    expect(count('ready')).toBeGreaterThan(readies);
  });

  it('stopLivenessAndStartup stops those workers for good', async () => {
    const { manager } = start();
    const pod = makePod({ readinessProbe: exec('ready'), livenessProbe: exec('live'), startupProbe: exec('start') });
    manager.addPod(pod);
    expect(manager.workerCount()).toBe(3);
    manager.stopLivenessAndStartup('uid-1');
    expect(manager.workerCount()).toBe(1);
    manager.addPod(pod);
    expect(manager.workerCount()).toBe(1);
  });

  it('removePod stops the workers and forgets the pod', async () => {
    const { manager, clock, advance, count } = start();
    const pod = makePod({ readinessProbe: exec('ready'), livenessProbe: exec('live') });
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(1000);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(true);
    manager.removePod('uid-1');
    expect(manager.workerCount()).toBe(0);
    expect(manager.isReady('uid-1', 'c', 'id-1')).toBe(false);
    const n = count('ready') + count('live');
    await advance(3000);
    expect(count('ready') + count('live')).toBe(n);
    manager.removePod('uid-1');
  });

  it('counts probes in prober_probe_total with the kubelet’s labels, and drops the series with the worker', async () => {
    const { manager, clock, exit, registry, advance } = start();
    const pod = makePod({ readinessProbe: exec('ready', { failureThreshold: 5 }) });
    pod.metadata = { name: 'web-7d4b9c-x2x9k', generateName: 'web-7d4b9c-', namespace: 'default', uid: 'uid-1', labels: { 'pod-template-hash': '7d4b9c' } };
    manager.addPod(pod);
    manager.containerStarted(pod, 'c', 'id-1', new Date(clock.now()), undefined);
    await advance(2000);
    exit.set('ready', 1);
    await advance(1000);
    const total = await registry.getSingleMetric('prober_probe_total')!.get();
    const series = (result: string) => total.values.find((v) => v.labels['result'] === result);
    const labels = { probe_type: 'Readiness', container: 'c', pod: 'web', namespace: 'default', pod_uid: 'uid-1' };
    expect(series('successful')).toMatchObject({ labels: { ...labels, result: 'successful' } });
    expect(series('successful')!.value).toBeGreaterThanOrEqual(2);
    expect(series('failed')).toMatchObject({ labels: { ...labels, result: 'failed' }, value: 1 });
    expect(await registry.metrics()).toContain('prober_probe_duration_seconds_count{probe_type="Readiness",container="c",pod="web",namespace="default"}');
    manager.removePod('uid-1');
    await settle();
    expect(await registry.metrics()).not.toContain('prober_probe_total{');
  });
});

describe('ProbeManager on the real clock with an HTTP liveness probe', () => {
  it('reports Kubernetes’ Unhealthy message and fails liveness against a server answering 500', async () => {
    let code = 200;
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(code).end();
    });
    const port = await listenOnFreePort(server);
    const events: string[] = [];
    const changes: string[] = [];
    const manager = new ProbeManager({
      runtime: { execSync: () => Promise.reject(new Error('no exec here')) },
      logger,
      onChange: (uid) => changes.push(uid),
      recordEvent: (_pod, _type, reason, message) => events.push(`${reason}: ${message}`),
    });
    try {
      const pod = makePod({ livenessProbe: { httpGet: { port, path: '/healthz' }, periodSeconds: 1, failureThreshold: 2 } });
      manager.addPod(pod);
      manager.containerStarted(pod, 'c', 'id-1', new Date(), '127.0.0.1');
      const deadline = Date.now() + 15_000;
      while (requests === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(requests).toBeGreaterThan(0);
      expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toEqual({ failed: false });
      code = 500;
      while (!manager.livenessFailed('uid-1', 'c', 'id-1').failed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(manager.livenessFailed('uid-1', 'c', 'id-1')).toMatchObject({ failed: true, message: 'Container c failed liveness probe, will be restarted' });
      expect(events).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
      expect(changes).toEqual(['uid-1']);
    } finally {
      await manager.close();
      await closeServer(server);
    }
  }, 30_000);
});
