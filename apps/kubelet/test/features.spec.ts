import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE, BUSYBOX_LATEST_IMAGE, NGINX_IMAGE } from '../../../tools/images/names.mjs';
import { freePorts } from '@tskube/test-support';
import { eventually, NodeEnv, Pods } from './harness';

// Networking, environment, volumes, probes and graceful termination through the real runtime.
const env = new NodeEnv();

beforeAll(async () => {
  await env.start(['pause', 'busybox', 'nginx']);
}, 240_000);

afterAll(async () => {
  await env.stop();
}, 120_000);

const isReady = (p: corev1.Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

describe('kubelet features', () => {
  it('serves HTTP from an nginx pod on its pod IP and host port, reachable from another pod on the node', async () => {
    const [hostPort] = await freePorts(1);
    await env.create(env.pod('web', { containers: [{ name: 'nginx', image: NGINX_IMAGE, ports: [{ containerPort: 80, hostPort }] }] }));
    const pod = await env.waitPod('web', isReady, 'ready', 90_000);
    const ip = pod.status!.podIP!;
    const res = await eventually(async () => {
      const r = await fetch(`http://${ip}/`, { signal: AbortSignal.timeout(3000) });
      return r.status === 200 ? r : undefined;
    }, 'nginx answers on the pod IP');
    expect(await res.text()).toContain('nginx');
    // hostPort: published on the node's address through the portmap plugin.
    const viaHost = await eventually(async () => {
      const r = await fetch(`http://${env.nodeIP}:${hostPort}/`, { signal: AbortSignal.timeout(3000) });
      return r.status === 200 ? r : undefined;
    }, 'nginx answers on the host port');
    expect(await viaHost.text()).toContain('nginx');
    await env.create(env.pod('client', { restartPolicy: 'Never', containers: [{ name: 'wget', image: BUSYBOX_IMAGE, command: ['wget', '-q', '-O', '-', `http://${ip}/`] }] }));
    const client = await env.waitPod('client', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 'finished');
    expect(client.status!.phase).toBe('Succeeded');
    expect(readFileSync((env.kubelet.container('default', 'client', 'wget'))!.logPath, 'utf8')).toContain('nginx');
    await Promise.all([env.deleteAndWait('web'), env.deleteAndWait('client')]);
  }, 150_000);

  it('sets env from fieldRef and secretKeyRef and mounts configMap, secret and emptyDir volumes', async () => {
    await env.client.create({ group: '', version: 'v1', resource: 'secrets' }, 'default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: 's3cret' } });
    await env.client.create({ group: '', version: 'v1', resource: 'configmaps' }, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { 'app.conf': 'mode=fast' } });
    const script = 'echo "name=$POD_NAME ip=$POD_IP node=$NODE pw=$PASSWORD"; cat /etc/settings/app.conf; echo; cat /etc/creds/password; echo; echo scratch > /scratch/f && cat /scratch/f; cat /etc/hosts';
    await env.create(
      env.pod('envvol', {
        restartPolicy: 'Never',
        volumes: [
          { name: 'settings', configMap: { name: 'settings' } },
          { name: 'creds', secret: { secretName: 'creds' } },
          { name: 'scratch', emptyDir: {} },
        ],
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', script],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            ],
            volumeMounts: [
              { name: 'settings', mountPath: '/etc/settings' },
              { name: 'creds', mountPath: '/etc/creds', readOnly: true },
              { name: 'scratch', mountPath: '/scratch' },
            ],
          },
        ],
      }),
    );
    const pod = await env.waitPod('envvol', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 'finished');
    expect(pod.status!.phase).toBe('Succeeded');
    const log = readFileSync((env.kubelet.container('default', 'envvol', 'main'))!.logPath, 'utf8');
    expect(log).toContain(`stdout F name=envvol ip=${pod.status!.podIP} node=${env.nodeName} pw=s3cret`);
    expect(log).toContain('stdout F mode=fast');
    expect(log).toContain('stdout F s3cret');
    expect(log).toContain('stdout F scratch');
    expect(log).toContain('stdout F # Kubernetes-managed hosts file.');
    expect(log).toContain(`stdout F ${pod.status!.podIP}\tenvvol`);
    expect(pod.status!.containerStatuses![0]!.volumeMounts).toEqual([
      { name: 'settings', mountPath: '/etc/settings' },
      { name: 'creds', mountPath: '/etc/creds', readOnly: true, recursiveReadOnly: 'Disabled' },
      { name: 'scratch', mountPath: '/scratch' },
    ]);
  });

  it('waits with CreateContainerConfigError while a referenced secret is missing', async () => {
    await env.create(
      env.pod('nosecret', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'absent', key: 'k' } } }] }] }),
    );
    const pod = await env.waitPod('nosecret', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'CreateContainerConfigError');
    expect(pod.status!.containerStatuses![0]!.state!.waiting!.message).toBe('secret "absent" not found');
    await env.deleteAndWait('nosecret');
  });

  it('gates Ready on the readiness probe and restarts a container whose liveness probe fails', async () => {
    await env.create(
      env.pod('probed', {
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', 'touch /tmp/alive; sleep 3600'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
            livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const notReady = await env.waitPod('probed', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined, 'running');
    expect(isReady(notReady)).toBe(false);
    expect(notReady.status!.conditions!.find((c) => c.type === 'ContainersReady')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [main]' });
    const id = notReady.status!.containerStatuses![0]!.containerID!.replace('containerd://', '');
    await env.cri.execSync(id, ['touch', '/tmp/ready'], 10);
    await env.waitPod('probed', isReady, 'ready once the readiness probe passes');
    await env.cri.execSync(id, ['rm', '/tmp/alive'], 10);
    const restarted = await env.waitPod('probed', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'restarted after the liveness failure');
    expect(restarted.status!.containerStatuses![0]!.lastState?.terminated).toBeDefined();
    const killing = (await env.events('probed')).find((e) => e.reason === 'Killing');
    expect(killing?.message).toBe('Container main failed liveness probe, will be restarted');
    await env.deleteAndWait('probed');
  }, 90_000);

  it('runs preStop on deletion and kills a container that ignores SIGTERM when the grace period ends', async () => {
    const shared = join(env.dir, 'prestop');
    mkdirSync(shared, { recursive: true });
    await env.create(
      env.pod('graceful', {
        terminationGracePeriodSeconds: 4,
        volumes: [{ name: 'out', hostPath: { path: shared } }],
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"],
            volumeMounts: [{ name: 'out', mountPath: '/out' }],
            lifecycle: { preStop: { exec: { command: ['sh', '-c', 'echo stopping > /out/prestop'] } } },
          },
        ],
      }),
    );
    await env.waitPod('graceful', (p) => p.status?.phase === 'Running', 'running');
    const started = Date.now();
    await env.deleteAndWait('graceful');
    const took = Date.now() - started;
    expect(existsSync(join(shared, 'prestop'))).toBe(true);
    expect(readFileSync(join(shared, 'prestop'), 'utf8')).toBe('stopping\n');
    expect(took).toBeGreaterThanOrEqual(3_500);
    expect(took).toBeLessThan(30_000);
  }, 60_000);

  it('keeps a pod ContainerCreating with FailedMount while its configMap is missing, and starts it once it exists', async () => {
    await env.create(
      env.pod('latecm', {
        volumes: [{ name: 'cfg', configMap: { name: 'late' } }],
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo "$(cat /cfg/k)"; sleep 3600'], volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] }],
      }),
    );
    const failed = await eventually(async () => (await env.events('latecm')).find((e) => e.reason === 'FailedMount'), 'a FailedMount event');
    expect(failed.type).toBe('Warning');
    expect(failed.message).toContain('configmap "late" not found');
    const pending = await env.get('latecm');
    expect(pending.status?.phase ?? 'Pending').toBe('Pending');
    await env.client.create({ group: '', version: 'v1', resource: 'configmaps' }, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { k: 'now here' } });
    await env.waitPod('latecm', isReady, 'ready once the configMap exists', 60_000);
    await eventually(() => readFileSync(env.kubelet.container('default', 'latecm', 'main')!.logPath, 'utf8').includes('stdout F now here'), 'the container read it');
    await env.deleteAndWait('latecm');
  }, 90_000);

  it('replaces a container whose image changed', async () => {
    await env.create(env.pod('upgrade', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] }));
    const before = await env.waitPod('upgrade', isReady, 'ready');
    await env.client.patch(Pods, 'default', 'upgrade', 'application/json-patch+json', [{ op: 'replace', path: '/spec/containers/0/image', value: BUSYBOX_LATEST_IMAGE }]);
    const after = await env.waitPod(
      'upgrade',
      (p) => p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].state?.running !== undefined,
      'running again with the new image',
    );
    // Both tags name one image here, and the runtime reports an image by its first tag.
    expect([BUSYBOX_IMAGE, BUSYBOX_LATEST_IMAGE]).toContain(after.status!.containerStatuses![0]!.image);
    expect(after.status!.containerStatuses![0]!.containerID).not.toBe(before.status!.containerStatuses![0]!.containerID);
    expect((await env.events('upgrade')).some((e) => e.reason === 'Killing' && e.message === 'Container main definition changed, will be restarted')).toBe(true);
    await env.deleteAndWait('upgrade');
  }, 90_000);

  it('applies the security context: user, group, read-only root filesystem, a shared process namespace', async () => {
    await env.create(
      env.pod('secure', {
        restartPolicy: 'Never',
        shareProcessNamespace: true,
        securityContext: { runAsUser: 1234, runAsGroup: 2345 },
        containers: [
          {
            name: 'main',
            image: BUSYBOX_IMAGE,
            command: ['sh', '-c', `echo "uid=$(id -u) gid=$(id -g)"; touch /rootfs-file 2>/dev/null && echo writable || echo read-only; echo "pause=$(ps -o args | grep -c '[s]leep 2147483647')"`],
            securityContext: { readOnlyRootFilesystem: true },
          },
        ],
      }),
    );
    const pod = await env.waitPod('secure', (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed', 'finished');
    expect(pod.status!.phase).toBe('Succeeded');
    const log = readFileSync(env.kubelet.container('default', 'secure', 'main')!.logPath, 'utf8');
    expect(log).toContain('stdout F uid=1234 gid=2345');
    expect(log).toContain('stdout F read-only');
    // With a shared process namespace the sandbox's pause process (a sleep, in this project's image) is visible.
    expect(log).toMatch(/stdout F pause=[1-9]/);
  });
});
