import { join } from 'node:path';
import { cri } from '@tskube/proto';
import type { corev1 } from '@tskube/api-types';
import WebSocket from 'ws';
import { CriClient } from '../../cri/index';
import type { KubeletPods } from '../server';
import { PodLabel } from '../stats';

/** A private containerd as tools/containerd starts it. */
export interface Containerd {
  readonly dataDir: string;
  readonly endpoint: string;
  readonly socket: string;
  readonly snapshotter: string;
  stop(): Promise<void>;
}

/** What the specs hand in from tools/ (which project sources may not import). */
export interface RuntimeTools {
  startContainerd(): Promise<Containerd>;
  ensureImages(o: { address: string; snapshotter: string; outDir: string; only: string[] }): Promise<unknown>;
  busyboxImage: string;
}

let BUSYBOX_IMAGE = '';

// Test support for the streaming server: a private containerd with busybox, pods run through the
// kubelet's CriClient the way the pod lifecycle does (log directory and labels as the kubelet
// sets them), and a KubeletPods over them.

export interface ContainerSpec {
  name: string;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
}

interface Instance {
  id: string;
  logPath: string;
}

/** One pod: its sandbox, the instances of each container (the last is current), its Pod object. */
export interface RunningPod {
  pod: corev1.Pod;
  sandboxId: string;
  instances: Map<string, Instance[]>;
}

export class RuntimeFixture implements KubeletPods {
  readonly running: RunningPod[] = [];
  private constructor(
    readonly containerd: Containerd,
    readonly client: CriClient,
  ) {}

  static async start(tools: RuntimeTools): Promise<RuntimeFixture> {
    const { startContainerd, ensureImages } = tools;
    BUSYBOX_IMAGE = tools.busyboxImage;
    const containerd = await startContainerd();
    const client = new CriClient({ endpoint: containerd.endpoint, requestTimeoutMs: 60_000 });
    await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(containerd.dataDir, 'images'), only: ['pause', 'busybox'] });
    return new RuntimeFixture(containerd, client);
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.containerd.stop();
  }

  /** Runs a pod on the host's network with the given containers, and reports it Running. */
  async runPod(namespace: string, name: string, containers: ContainerSpec[], nodeName = 'node-1'): Promise<RunningPod> {
    const uid = `uid-${namespace}-${name}`;
    const logDirectory = join(this.containerd.dataDir, 'pods', `${namespace}_${name}_${uid}`);
    const sandboxConfig = {
      metadata: { name, namespace, uid, attempt: 0 },
      hostname: '',
      logDirectory,
      linux: { securityContext: { namespaceOptions: { network: cri.NamespaceMode.NODE } } },
    };
    const sandboxId = await this.client.runPodSandbox(sandboxConfig);
    const entry: RunningPod = {
      sandboxId,
      instances: new Map(),
      pod: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace, uid, creationTimestamp: new Date().toISOString() },
        spec: { nodeName, containers: containers.map((c) => ({ name: c.name, image: BUSYBOX_IMAGE, command: c.command, stdin: c.stdin, tty: c.tty })) },
        status: { phase: 'Running', startTime: new Date().toISOString(), containerStatuses: [] },
      },
    };
    this.running.push(entry);
    for (const c of containers) await this.startInstance(entry, c, sandboxConfig);
    return entry;
  }

  /** Starts another instance of a container (a restart): the previous one must have exited. */
  async restart(entry: RunningPod, spec: ContainerSpec): Promise<void> {
    const meta = entry.pod.metadata!;
    const sandboxConfig = { metadata: { name: meta.name!, namespace: meta.namespace!, uid: meta.uid!, attempt: 0 }, logDirectory: join(this.containerd.dataDir, 'pods', `${meta.namespace}_${meta.name}_${meta.uid}`) };
    await this.startInstance(entry, spec, sandboxConfig);
  }

  private async startInstance(entry: RunningPod, c: ContainerSpec, sandboxConfig: cri.DeepPartial<cri.PodSandboxConfig>): Promise<void> {
    const meta = entry.pod.metadata!;
    const previous = entry.instances.get(c.name) ?? [];
    const attempt = previous.length;
    const id = await this.client.createContainer(
      entry.sandboxId,
      {
        metadata: { name: c.name, attempt },
        image: { image: BUSYBOX_IMAGE },
        command: c.command,
        logPath: `${c.name}/${attempt}.log`,
        stdin: c.stdin ?? false,
        tty: c.tty ?? false,
        labels: { [PodLabel.Name]: meta.name!, [PodLabel.Namespace]: meta.namespace!, [PodLabel.Uid]: meta.uid!, [PodLabel.Container]: c.name },
      },
      sandboxConfig,
    );
    await this.client.startContainer(id);
    const { status } = await this.client.containerStatus(id);
    entry.instances.set(c.name, [...previous, { id, logPath: status!.logPath }]);
    const statuses = (entry.pod.status!.containerStatuses ?? []).filter((s) => s.name !== c.name);
    const last = previous.at(-1);
    statuses.push({
      name: c.name,
      image: BUSYBOX_IMAGE,
      imageID: '',
      ready: true,
      restartCount: attempt,
      containerID: `containerd://${id}`,
      state: { running: { startedAt: new Date().toISOString() } },
      ...(last ? { lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: `containerd://${last.id}` } } } : {}),
    });
    entry.pod.status!.containerStatuses = statuses;
  }

  /** Waits until the container's current instance has exited. */
  async waitExited(entry: RunningPod, name: string): Promise<void> {
    const id = entry.instances.get(name)!.at(-1)!.id;
    const deadline = Date.now() + 30_000;
    while ((await this.client.containerStatus(id)).status?.state !== cri.ContainerState.CONTAINER_EXITED) {
      if (Date.now() > deadline) throw new Error(`container ${name} did not exit`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  pods(): corev1.Pod[] {
    return this.running.map((r) => r.pod);
  }

  container(namespace: string, podName: string, containerName: string, opts?: { previous?: boolean }): { podUid: string; containerId: string; logPath: string } | undefined {
    const entry = this.running.find((r) => r.pod.metadata?.namespace === namespace && r.pod.metadata?.name === podName);
    const instances = entry?.instances.get(containerName);
    const instance = instances?.at(opts?.previous ? -2 : -1);
    return instance && { podUid: entry!.pod.metadata!.uid!, containerId: instance.id, logPath: instance.logPath };
  }
}

/** A WebSocket channel-protocol client, as kubectl (v5) or the Python client (v4) speaks it. */
export interface ChannelSession {
  ws: WebSocket;
  protocol: string;
  output: Record<number, Buffer[]>;
  send(channel: number, data: string | Buffer): void;
  text(channel: number): string;
  /** Resolves once the server closed the connection. */
  closed: Promise<{ code: number }>;
}

export function openChannels(url: string, protocols: string[]): Promise<ChannelSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const output: Record<number, Buffer[]> = {};
    const closed = new Promise<{ code: number }>((r) => ws.once('close', (code) => r({ code })));
    ws.on('message', (data: Buffer) => {
      if (!data.length) return;
      (output[data[0]] ??= []).push(Buffer.from(data.subarray(1)));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(body), { statusCode: res.statusCode, body })));
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        protocol: ws.protocol,
        output,
        closed,
        send: (channel, data) => ws.send(Buffer.concat([Buffer.of(channel), Buffer.from(data)])),
        text: (channel) => Buffer.concat(output[channel] ?? []).toString(),
      }),
    );
  });
}

/** Polls `check` until it holds: used for effects (a process's output) with no event of their own. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
