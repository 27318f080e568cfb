// Integration harness: a real apiserver process per test, the scheduler in-process, and helpers
// that create nodes and pods through the components' client and wait for what the scheduler does.
import type { corev1, KubeObject } from '@tskube/api-types';
import { ApiClient, type GroupVersionResource } from '@tskube/client';
import { createLogger } from '@tskube/component';
import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { startScheduler, type Scheduler, type SchedulerOptions } from '../src/scheduler';

export const Res = {
  pods: { group: '', version: 'v1', resource: 'pods' },
  nodes: { group: '', version: 'v1', resource: 'nodes' },
  events: { group: '', version: 'v1', resource: 'events' },
  namespaces: { group: '', version: 'v1', resource: 'namespaces' },
  leases: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' },
  priorityclasses: { group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' },
} as const satisfies Record<string, GroupVersionResource>;

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: corev1.Taint[];
  unschedulable?: boolean;
}

export interface PodSpec extends Partial<corev1.PodSpec> {
  /** cpu/memory requests of the single container. */
  requests?: Record<string, string>;
  labels?: Record<string, string>;
}

/** Log lines of the schedulers under test, printed only with TSKUBE_TEST_LOG=1. */
const testLogger = (name: string) =>
  createLogger({ component: name, level: process.env['TSKUBE_TEST_LOG'] ? 'debug' : 'error', write: (l) => void (process.env['TSKUBE_TEST_LOG'] ? process.stderr.write(l) : undefined) });

export class TestCluster {
  readonly schedulers: Scheduler[] = [];
  private readonly clients: ApiClient[] = [];

  private constructor(
    readonly apiserver: ApiServerProcess,
    readonly client: ApiClient,
  ) {}

  static async start(): Promise<TestCluster> {
    const apiserver = await startApiServerProcess();
    const cluster = new TestCluster(apiserver, new ApiClient({ master: apiserver.master, fieldManager: 'test' }));
    return cluster;
  }

  /** A fresh client of its own (for a scheduler that the test then cuts off). */
  newClient(): ApiClient {
    const c = new ApiClient({ master: this.apiserver.master, fieldManager: 'kube-scheduler', requestTimeoutMs: 5000 });
    this.clients.push(c);
    return c;
  }

  /** Starts an in-process scheduler; without leader election unless the options ask for it. */
  async startScheduler(options: Partial<SchedulerOptions> = {}, name = 'kube-scheduler'): Promise<Scheduler> {
    const s = await startScheduler({ master: this.apiserver.master, leaderElection: false, logger: testLogger(name), ...options });
    this.schedulers.push(s);
    return s;
  }

  async stop(): Promise<void> {
    await Promise.all(this.schedulers.map((s) => s.stop()));
    for (const c of this.clients) c.close();
    this.client.close();
    await this.apiserver.stop();
  }

  async createNode(name: string, spec: NodeSpec = {}): Promise<corev1.Node> {
    const allocatable = { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110' };
    return this.client.create<corev1.Node>(Res.nodes, '', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...spec.labels } },
      spec: { ...(spec.taints ? { taints: spec.taints } : {}), ...(spec.unschedulable ? { unschedulable: true } : {}) },
      status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
    });
  }

  async createNamespace(name: string): Promise<void> {
    await this.client.create(Res.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  async createPriorityClass(name: string, value: number): Promise<void> {
    await this.client.create(Res.priorityclasses, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
  }

  async createPod(namespace: string, name: string, spec: PodSpec = {}): Promise<corev1.Pod> {
    const { requests, labels, ...rest } = spec;
    const container: corev1.Container = { name: 'c', image: 'registry.k8s.io/pause:3.9', ...(requests ? { resources: { requests } } : {}) };
    return this.client.create<corev1.Pod>(Res.pods, namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, ...(labels ? { labels } : {}) },
      spec: { containers: [container], ...rest },
    });
  }

  getPod(namespace: string, name: string): Promise<corev1.Pod> {
    return this.client.get<corev1.Pod>(Res.pods, namespace, name);
  }

  async listPods(namespace: string): Promise<corev1.Pod[]> {
    return (await this.client.list<corev1.Pod>(Res.pods, namespace)).items;
  }

  /** The node the pod gets bound to, waiting for it. */
  async boundNode(namespace: string, name: string, timeoutMs = 10_000): Promise<string> {
    return waitFor(async () => (await this.getPod(namespace, name)).spec?.nodeName || undefined, timeoutMs, `pod ${namespace}/${name} to be bound`);
  }

  /** Events about one pod (involvedObject.name), oldest first. */
  async events(namespace: string, podName: string, reason?: string): Promise<corev1.Event[]> {
    const { items } = await this.client.list<corev1.Event>(Res.events, namespace);
    return items.filter((e) => e.involvedObject.name === podName && (reason === undefined || e.reason === reason));
  }

  async delete(resource: GroupVersionResource, namespace: string, name: string, options?: Record<string, unknown>): Promise<KubeObject> {
    return this.client.delete(resource, namespace, name, options);
  }
}

/**
 * Polls `probe` until it yields a value (not undefined), for things another process does in its
 * own time; fails after `timeoutMs` naming `what`.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The PodScheduled condition of a pod. */
export function podScheduledCondition(pod: corev1.Pod): corev1.PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
}
