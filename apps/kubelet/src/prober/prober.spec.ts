import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { corev1 } from '@tskube/api-types';
import { createLogger } from '@tskube/component';
import { freePort } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerFieldPath, MAX_PROBE_RETRIES, Prober, runProbe, withProbeDefaults, type ProbeTarget } from './prober';
import { ProbeResult, ProbeType } from './result';
import { closeServer, listenOnFreePort } from './test-servers';

const logger = createLogger({ component: 'prober-test', write: () => undefined });
const pod: corev1.Pod = { metadata: { name: 'web', namespace: 'shop', uid: 'u-1' }, spec: { containers: [] } };
const noExec = { execSync: () => Promise.reject(new Error('exec not expected')) };

function target(container: Partial<corev1.Container>, podIP: string | undefined = '127.0.0.1'): ProbeTarget {
  return { pod, container: { name: 'app', ...container }, containerId: 'cid', podIP };
}

describe('withProbeDefaults', () => {
  it('fills in Kubernetes’ defaults for unset or zero fields and keeps the rest', () => {
    expect(withProbeDefaults({ tcpSocket: { port: 80 } })).toEqual({
      tcpSocket: { port: 80 },
      initialDelaySeconds: 0,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(withProbeDefaults({ periodSeconds: 0, timeoutSeconds: 4, failureThreshold: 7, successThreshold: 2, initialDelaySeconds: 9 })).toMatchObject({
      periodSeconds: 10,
      timeoutSeconds: 4,
      failureThreshold: 7,
      successThreshold: 2,
      initialDelaySeconds: 9,
    });
  });
});

describe('runProbe picks the handler and its host', () => {
  const tcp = createTcpServer((s) => s.destroy());
  const http = createHttpServer((_req, res) => res.writeHead(302, { location: 'http://elsewhere.invalid/' }).end('bye'));
  let tcpPort = 0;
  let httpPort = 0;
  beforeAll(async () => {
    tcpPort = await listenOnFreePort(tcp);
    httpPort = await listenOnFreePort(http);
  });
  afterAll(async () => {
    await closeServer(tcp);
    await closeServer(http);
  });

  it('tcpSocket: the pod IP by default, by container port name', async () => {
    const t = target({ ports: [{ name: 'db', containerPort: tcpPort }] });
    expect(await runProbe(noExec, withProbeDefaults({ tcpSocket: { port: 'db' } }), t)).toEqual({ result: ProbeResult.Success, output: '' });
  });

  it('tcpSocket: its own host wins over the pod IP', async () => {
    const t = target({}, '192.0.2.1');
    expect(await runProbe(noExec, withProbeDefaults({ tcpSocket: { port: tcpPort, host: '127.0.0.1' } }), t)).toMatchObject({ result: ProbeResult.Success });
  });

  it('an unknown port name cannot be run: an error, not a failure', async () => {
    const out = await runProbe(noExec, withProbeDefaults({ httpGet: { port: 'http' } }), target({}));
    expect(out.result).toBe(ProbeResult.Unknown);
    expect(out.error?.message).toBe('strconv.Atoi: parsing "http": invalid syntax');
  });

  it('a probe without a handler cannot be run', async () => {
    const out = await runProbe(noExec, withProbeDefaults({}), target({}));
    expect(out.error?.message).toBe('missing probe handler for web_shop(u-1):app');
  });

  it('grpc dials the pod IP', async () => {
    const closed = await freePort();
    const out = await runProbe(noExec, withProbeDefaults({ grpc: { port: closed } }), target({}));
    expect(out.output).toContain(`dial tcp 127.0.0.1:${closed}: connect: connection refused`);
  });

  it('httpGet off-host redirect: a warning', async () => {
    expect(await runProbe(noExec, withProbeDefaults({ httpGet: { port: httpPort } }), target({}))).toEqual({ result: ProbeResult.Warning, output: 'Probe terminated redirects, Response body: bye' });
  });

  describe('Prober events', () => {
    const run = async (type: ProbeType, probe: corev1.Probe, t = target({}), runtime = noExec) => {
      const events: string[] = [];
      const prober = new Prober({ runtime, logger, recordEvent: (p, kind, reason, message, fieldPath) => events.push(`${p.metadata!.name} ${fieldPath} ${kind} ${reason}: ${message}`) });
      const verdict = await prober.probe(type, withProbeDefaults(probe), t);
      return { verdict, events };
    };

    it('a failure: Unhealthy with the output', async () => {
      const closed = await freePort();
      const { verdict, events } = await run(ProbeType.Liveness, { tcpSocket: { port: closed } });
      expect(verdict).toEqual({ result: ProbeResult.Failure });
      expect(events).toEqual([`web spec.containers{app} Warning Unhealthy: Liveness probe failed: dial tcp 127.0.0.1:${closed}: connect: connection refused`]);
    });

    it('an error: retried, then Unhealthy naming the error, and flagged so the worker ignores it', async () => {
      let calls = 0;
      const runtime = {
        execSync: () => {
          calls++;
          return Promise.reject(new Error('container not running'));
        },
      };
      const { verdict, events } = await run(ProbeType.Readiness, { exec: { command: ['true'] } }, target({}), runtime);
      expect(calls).toBe(MAX_PROBE_RETRIES);
      expect(verdict.result).toBe(ProbeResult.Failure);
      expect(verdict.error?.message).toBe('container not running');
      expect(events).toEqual(['web spec.containers{app} Warning Unhealthy: Readiness probe errored and resulted in unknown state: container not running']);
    });

    it('a warning: a success, with a ProbeWarning event', async () => {
      const { verdict, events } = await run(ProbeType.Startup, { httpGet: { port: httpPort } });
      expect(verdict).toEqual({ result: ProbeResult.Success });
      expect(events).toEqual(['web spec.containers{app} Warning ProbeWarning: Startup probe warning: Probe terminated redirects, Response body: bye']);
    });

    it('a success: no event', async () => {
      const { verdict, events } = await run(ProbeType.Readiness, { tcpSocket: { port: tcpPort } });
      expect(verdict).toEqual({ result: ProbeResult.Success });
      expect(events).toEqual([]);
    });

    it('names a sidecar by its place among the init containers', () => {
      const p: corev1.Pod = { spec: { containers: [{ name: 'app' }], initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] } };
      expect(containerFieldPath(p, 'app')).toBe('spec.containers{app}');
      expect(containerFieldPath(p, 'proxy')).toBe('spec.initContainers{proxy}');
    });

    it('a recorder that throws does not break probing', async () => {
      const prober = new Prober({
        runtime: noExec,
        logger,
        recordEvent: () => {
          throw new Error('boom');
        },
      });
      const closed = await freePort();
      expect(await prober.probe(ProbeType.Liveness, withProbeDefaults({ tcpSocket: { port: closed } }), target({}))).toEqual({ result: ProbeResult.Failure });
    });
  });
});
