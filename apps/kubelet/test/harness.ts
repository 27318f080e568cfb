import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { corev1, metav1 } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource } from '@tskube/client';
import { createLogger, type Logger } from '@tskube/component';
import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { Registry } from 'prom-client';
import { ensureImages } from '../../../tools/images/build.mjs';
import { startContainerd, type Containerd } from '../../../tools/containerd/index';
import { CriClient } from '../src/cri';
import { Kubelet, type KubeletOptions } from '../src/kubelet';
import { detectNodeIP, NodeAgent } from '../src/node';
import { ProbeManager } from '../src/prober';
import { VolumeManager } from '../src/volumes';

export const Pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
export const Events: GroupVersionResource = { group: '', version: 'v1', resource: 'events' };

/** Polls `check` until it returns a value other than undefined or false; the effects awaited have no event to wait on. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * One node's worth of everything for a test file: a private containerd with the project's images,
 * a real apiserver process, and a kubelet in this process on its own bridge and /24, so that test
 * files running side by side never share a network, a socket or a directory.
 */
export class NodeEnv {
  containerd!: Containerd;
  apiserver!: ApiServerProcess;
  client!: ApiClient;
  cri!: CriClient;
  kubelet!: Kubelet;
  readonly dir = mkdtempSync(join(tmpdir(), 'tskube-kubelet-'));
  readonly nodeName = `node-${randomBytes(3).toString('hex')}`;
  readonly bridge = `tsk${randomBytes(3).toString('hex')}`;
  readonly podCIDR = `10.${200 + (randomBytes(1)[0]! % 50)}.${randomBytes(1)[0]}.0/24`;
  readonly logger: Logger = createLogger({ component: 'kubelet', level: process.env['KUBELET_TEST_DEBUG'] ? 'debug' : 'error' });
  nodeIP = '';

  get rootDir(): string {
    return join(this.dir, 'root');
  }

  get podLogsDir(): string {
    return join(this.dir, 'pod-logs');
  }

  async start(images: string[] = ['pause', 'busybox']): Promise<void> {
    const [containerd, apiserver] = await Promise.all([startContainerd({ dataDir: join(this.dir, 'cd') }), startApiServerProcess()]);
    this.containerd = containerd;
    this.apiserver = apiserver;
    await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(this.dir, 'images'), only: images });
    this.client = new ApiClient({ master: apiserver.master, fieldManager: 'kubelet-test' });
    this.nodeIP = (await detectNodeIP()) ?? '127.0.0.1';
    this.cri = new CriClient({ endpoint: containerd.endpoint, requestTimeoutMs: 60_000 });
    await this.startKubelet();
  }

  kubeletOptions(): KubeletOptions {
    const registry = new Registry();
    return {
      client: this.client,
      runtime: this.cri,
      logger: this.logger,
      registry,
      nodeName: this.nodeName,
      nodeIP: this.nodeIP,
      rootDir: this.rootDir,
      podLogsDir: this.podLogsDir,
      clusterDNS: ['10.96.0.10'],
      clusterDomain: 'cluster.local',
      resolvConf: '/etc/resolv.conf',
      podCIDR: this.podCIDR,
      cniConfDir: this.containerd.paths.cniConfDir,
      cniBridgeName: this.bridge,
      resyncMs: 2_000,
      housekeepingMs: 2_000,
      createVolumes: (sources) => new VolumeManager({ rootDir: this.rootDir, sources, logger: this.logger, nodeName: this.nodeName }),
      createProber: (hooks) => new ProbeManager({ runtime: this.cri, logger: this.logger, onChange: hooks.onChange, recordEvent: hooks.recordEvent, registry }),
      nodeAgent: new NodeAgent({ client: this.client, nodeName: this.nodeName, runtime: this.cri, flags: { nodeIP: this.nodeIP, port: 10250, rootDir: this.rootDir }, logger: this.logger, registry }),
    };
  }

  async startKubelet(overrides: Partial<KubeletOptions> = {}): Promise<Kubelet> {
    this.kubelet = new Kubelet({ ...this.kubeletOptions(), ...overrides });
    await this.kubelet.start();
    return this.kubelet;
  }

  /** A pod bound to this node, in `default`, with what `spec` adds. */
  pod(name: string, spec: Partial<corev1.PodSpec>, meta: Partial<metav1.ObjectMeta> = {}): corev1.Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', ...meta },
      spec: { nodeName: this.nodeName, terminationGracePeriodSeconds: 2, containers: [], ...spec },
    };
  }

  create(pod: corev1.Pod): Promise<corev1.Pod> {
    return this.client.create<corev1.Pod>(Pods, pod.metadata?.namespace ?? 'default', pod);
  }

  get(name: string, namespace = 'default'): Promise<corev1.Pod> {
    return this.client.get<corev1.Pod>(Pods, namespace, name);
  }

  /** Waits until the pod satisfies `check`, returning it. */
  waitPod(name: string, check: (pod: corev1.Pod) => boolean, what: string, timeoutMs = 60_000): Promise<corev1.Pod> {
    return eventually(async () => {
      const pod = await this.get(name);
      return check(pod) ? pod : undefined;
    }, `pod ${name} ${what}`, timeoutMs);
  }

  /** The events about the pod, oldest first. */
  async events(name: string): Promise<corev1.Event[]> {
    const list = await this.client.list<corev1.Event>(Events, 'default', { fieldSelector: `involvedObject.name=${name}` });
    return list.items.sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)));
  }

  /** Deletes the pod and waits until the kubelet has confirmed the deletion. */
  async deleteAndWait(name: string, gracePeriodSeconds?: number, namespace = 'default'): Promise<void> {
    await this.client.delete(Pods, namespace, name, gracePeriodSeconds === undefined ? undefined : { gracePeriodSeconds });
    await eventually(async () => {
      try {
        await this.get(name, namespace);
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    }, `pod ${name} is gone`, 90_000);
  }

  /** The pod's containers as the runtime lists them. */
  async runtimeContainers(uid: string): Promise<{ id: string; state: number; name: string }[]> {
    const list = await this.cri.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } });
    return list.map((c) => ({ id: c.id, state: c.state, name: c.metadata?.name ?? '' }));
  }

  /** Deletes every pod of the node and waits until the kubelet confirmed each deletion. */
  async deleteAllPods(): Promise<void> {
    const list = await this.client.list<corev1.Pod>(Pods, '', { fieldSelector: `spec.nodeName=${this.nodeName}` });
    await Promise.all(list.items.map((p) => this.deleteAndWait(p.metadata!.name!, undefined, p.metadata!.namespace)));
    // Finished pods leave the apiserver at once; the kubelet then removes them as orphans.
    await eventually(async () => (await this.cri.listPodSandbox()).length === 0, 'the kubelet removed every sandbox', 60_000);
  }

  async stop(): Promise<void> {
    // Pods go first, as a node is drained: the kubelet tears their volumes (tmpfs mounts) down.
    if (this.kubelet && this.client) await this.deleteAllPods().catch(() => undefined);
    await this.kubelet?.stop().catch(() => undefined);
    this.cri?.close();
    this.client?.close();
    await this.containerd?.stop();
    await this.apiserver?.stop();
    spawnSync('ip', ['link', 'delete', this.bridge], { stdio: 'ignore' });
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(`${this.dir}/`))
      .sort()
      .reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
