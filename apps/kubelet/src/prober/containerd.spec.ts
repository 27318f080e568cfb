import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { createLogger } from '@tskube/component';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @nx/enforce-module-boundaries -- the test harness for a real containerd lives in tools/; tests only, never bundled */
import { ensureImages } from '../../../../tools/images/build.mjs';
import { BUSYBOX_IMAGE } from '../../../../tools/images/names.mjs';
import { startContainerd, type Containerd } from '../../../../tools/containerd/index';
/* eslint-enable @nx/enforce-module-boundaries */
import { CriClient, isCriDeadlineExceeded } from '../cri/index';
import { execProbe } from './exec';
import { ProbeManager } from './manager';
import { ProbeResult } from './result';

// The probes against a real busybox container in a private containerd, through the kubelet's CRI
// client: exec probes run by CRI ExecSync inside the container, httpGet probes to busybox httpd
// on the pod's IP on a CNI bridge, as the kubelet runs them on a node.

const logger = createLogger({ component: 'prober-containerd-test', write: () => undefined });

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('probes against busybox in containerd', () => {
  let containerd: Containerd;
  let client: CriClient;
  let manager: ProbeManager | undefined;
  const events: string[] = [];
  const changes: string[] = [];
  const bridge = `tsp${randomBytes(3).toString('hex')}`;
  const subnet = `10.235.${randomBytes(1)[0]}.0/24`;
  let sandboxId = '';
  let containerId = '';
  let podIP = '';

  const pod: corev1.Pod = {
    metadata: { name: 'probed', namespace: 'default', uid: `uid-probed-${randomBytes(4).toString('hex')}` },
    spec: {
      containers: [
        {
          name: 'web',
          image: BUSYBOX_IMAGE,
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'HEALTH_FILE', value: '/tmp/healthy' }],
          livenessProbe: { exec: { command: ['cat', '$(HEALTH_FILE)'] }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: 5 },
          readinessProbe: { httpGet: { port: 'http', path: '/index.html' }, periodSeconds: 1, timeoutSeconds: 5 },
        },
      ],
    },
  };

  beforeAll(async () => {
    containerd = await startContainerd();
    client = new CriClient({ endpoint: containerd.endpoint, requestTimeoutMs: 60_000 });
    await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(containerd.dataDir, 'images'), only: ['pause', 'busybox'] });
    const conflist = {
      cniVersion: '0.4.0',
      name: 'tskube-prober-test',
      plugins: [{ type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: join(containerd.dataDir, 'cni', 'ipam') } }, { type: 'loopback' }],
    };
    writeFileSync(join(containerd.paths.cniConfDir, '10-tskube-prober-test.conflist'), JSON.stringify(conflist));
    await eventually(async () => (await client.status()).status?.conditions.find((c) => c.type === 'NetworkReady')?.status === true, 'the CNI network is ready');

    const sandboxConfig = {
      metadata: { name: pod.metadata!.name!, namespace: 'default', uid: pod.metadata!.uid!, attempt: 0 },
      hostname: 'probed',
      logDirectory: join(containerd.dataDir, 'pods', 'probed'),
    };
    sandboxId = await client.runPodSandbox(sandboxConfig);
    podIP = (await client.podSandboxStatus(sandboxId)).status?.network?.ip ?? '';
    const script = 'mkdir -p /www && echo ready > /www/index.html && touch /tmp/healthy && exec httpd -f -p 8080 -h /www';
    containerId = await client.createContainer(sandboxId, { metadata: { name: 'web' }, image: { image: BUSYBOX_IMAGE }, command: ['sh', '-c', script], logPath: 'web/0.log' }, sandboxConfig);
    await client.startContainer(containerId);
  }, 240_000);

  afterAll(async () => {
    await manager?.close();
    client?.close();
    await containerd?.stop();
    spawnSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
  }, 120_000);

  it('turns ready through httpd on the pod IP, and fails liveness once /tmp/healthy is removed', async () => {
    expect(podIP).toMatch(new RegExp(`^${subnet.split('.').slice(0, 3).join('\\.')}\\.`));
    manager = new ProbeManager({
      runtime: client,
      logger,
      onChange: (uid) => changes.push(uid),
      recordEvent: (_pod, type, reason, message) => events.push(`${type} ${reason}: ${message}`),
    });
    const { status } = await client.containerStatus(containerId);
    manager.addPod(pod);
    manager.containerStarted(pod, 'web', containerId, new Date(Number(status!.startedAt / 1_000_000n)), podIP);
    const uid = pod.metadata!.uid!;

    // httpd may take a moment to listen: readiness turns true at the first successful GET.
    await eventually(() => manager!.isReady(uid, 'web', containerId), 'the container is ready');
    expect(manager.livenessFailed(uid, 'web', containerId)).toEqual({ failed: false });
    expect(changes).toContain(uid);
    expect(events.filter((e) => e.includes('Liveness'))).toEqual([]);

    const rm = await client.execSync(containerId, ['rm', '/tmp/healthy'], 10);
    expect(rm.exitCode).toBe(0);
    await eventually(() => manager!.livenessFailed(uid, 'web', containerId).failed, 'liveness failed');
    expect(manager.livenessFailed(uid, 'web', containerId)).toEqual({ failed: true, message: 'Container web failed liveness probe, will be restarted', probe: 'liveness' });
    expect(events).toContain("Warning Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n");
    // Readiness is untouched by the liveness failure: httpd still answers.
    expect(manager.isReady(uid, 'web', containerId)).toBe(true);

    // httpd answering 404 fails readiness, with the kubelet's message.
    await client.execSync(containerId, ['rm', '/www/index.html'], 10);
    await eventually(() => !manager!.isReady(uid, 'web', containerId), 'the container is not ready');
    expect(events).toContain('Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404');
  }, 120_000);

  it('an exec probe outliving timeoutSeconds fails as timed out', async () => {
    // containerd kills the command at the deadline and answers DeadlineExceeded, as the prober expects.
    const raw = await client.execSync(containerId, ['sleep', '5'], 1).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isCriDeadlineExceeded(raw)).toBe(true);
    const t0 = Date.now();
    expect(await execProbe(client, containerId, ['sleep', '5'], 1)).toEqual({ result: ProbeResult.Failure, output: 'command "sleep 5" timed out' });
    expect(Date.now() - t0).toBeLessThan(4000);
  }, 60_000);
});
