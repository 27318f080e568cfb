/**
 * Hollow nodes: Node objects with capacity, labels and taints but no kubelet behind them, and a
 * marker that plays the kubelet's part for bound pods (phase Running, Ready). Enough to measure
 * the scheduler and controllers at scale without containers. Talks to the apiserver's REST API.
 */
import { Agent } from 'node:http';

export interface HollowNodeSpec {
  /** Node name prefix; nodes are `<prefix>-<i>`. */
  prefix?: string;
  count: number;
  cpu?: string;
  memory?: string;
  pods?: number;
  /** Extra labels for every node; `topology.kubernetes.io/zone` is spread over `zones`. */
  labels?: Record<string, string>;
  zones?: string[];
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  /** Requests in flight at once. */
  concurrency?: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

async function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: unknown }> {
  const { request } = await import('node:http');
  const url = new URL(path, base);
  // A length, not chunking: Node does not chunk DELETE bodies, so they would go unread.
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers = payload === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) };
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The Node object of hollow node `i`. */
export function hollowNode(spec: HollowNodeSpec, i: number): Record<string, unknown> {
  const name = `${spec.prefix ?? 'hollow'}-${i}`;
  const zone = spec.zones?.length ? spec.zones[i % spec.zones.length] : undefined;
  const capacity = { cpu: spec.cpu ?? '4', memory: spec.memory ?? '16Gi', pods: String(spec.pods ?? 110), 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
        ...spec.labels,
      },
    },
    spec: spec.taints?.length ? { taints: spec.taints } : {},
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow node', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
      nodeInfo: { kubeletVersion: 'v1.33.0-hollow', containerRuntimeVersion: 'hollow://1', osImage: 'hollow', kernelVersion: '0', operatingSystem: 'linux', architecture: 'amd64' },
      addresses: [{ type: 'InternalIP', address: `10.${Math.floor(i / 65536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}` }],
    },
  };
}

/** Creates the nodes (those that exist already are left as they are). Returns their names. */
export async function createHollowNodes(apiserver: string, spec: HollowNodeSpec): Promise<string[]> {
  const names: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < spec.count) {
      const i = next++;
      const node = hollowNode(spec, i);
      const r = await call(apiserver, 'POST', '/api/v1/nodes', node);
      if (r.status !== 201 && r.status !== 409) throw new Error(`creating ${String((node.metadata as { name: string }).name)}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
      names.push((node.metadata as { name: string }).name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.concurrency ?? 32, spec.count) }, worker));
  return names.sort();
}

/** What the marker reads of a pod. */
interface HollowPod {
  metadata: { namespace: string; name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string; containers?: { name: string; image?: string }[] };
  status?: { phase?: string };
}

/**
 * Marks every pod bound to a hollow node Running and Ready with a running status per container,
 * as its kubelet would, and completes the graceful deletion of such pods at once (their hollow
 * containers stop instantly), until stopped. Watches pods with a node; resumes from the last
 * resourceVersion when the stream ends.
 */
export function runPodMarker(apiserver: string, options: { nodePrefix?: string; onRunning?: (pod: string) => void } = {}): { stop(): void; done: Promise<void> } {
  const prefix = `${options.nodePrefix ?? 'hollow'}-`;
  let stopped = false;
  const controller = new AbortController();
  const marked = new Set<string>();
  const removing = new Set<string>();
  const mark = async (pod: HollowPod) => {
    if (!pod.spec.nodeName?.startsWith(prefix)) return;
    if (pod.metadata.deletionTimestamp) {
      // A kubelet confirms a graceful deletion once its containers are gone; hollow ones at once.
      if (removing.has(pod.metadata.uid)) return;
      removing.add(pod.metadata.uid);
      const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
      await call(apiserver, 'DELETE', path, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      return;
    }
    if (pod.status?.phase === 'Running' || marked.has(pod.metadata.uid)) return;
    marked.add(pod.metadata.uid);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      status: {
        phase: 'Running',
        startTime: now,
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
        ],
        containerStatuses: (pod.spec.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image,
          imageID: '',
          containerID: `hollow://${pod.metadata.uid}/${c.name}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
      },
    };
    await call(apiserver, 'PATCH', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, status, 'application/merge-patch+json');
    options.onRunning?.(`${pod.metadata.namespace}/${pod.metadata.name}`);
  };
  const done = (async () => {
    let rv = '';
    while (!stopped) {
      try {
        const url = new URL(`/api/v1/pods?watch=true&allowWatchBookmarks=true&fieldSelector=${encodeURIComponent('spec.nodeName!=')}${rv ? `&resourceVersion=${rv}` : ''}`, apiserver);
        const res = await fetch(url, { signal: controller.signal });
        const reader = res.body!.getReader();
        let buffered = '';
        for (;;) {
          const { value, done: end } = await reader.read();
          if (end) break;
          buffered += new TextDecoder().decode(value);
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            if (!line) continue;
            const ev = JSON.parse(line) as { type: string; object: HollowPod & { metadata: { resourceVersion: string } } };
            if (ev.type === 'ERROR') {
              rv = '';
              break;
            }
            rv = ev.object.metadata.resourceVersion;
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
              void mark(ev.object).catch(() => {
                marked.delete(ev.object.metadata.uid);
                removing.delete(ev.object.metadata.uid);
              });
            }
          }
        }
      } catch (err) {
        if (stopped) return;
        void err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  return {
    stop: () => {
      stopped = true;
      controller.abort();
    },
    done,
  };
}

/**
 * Renews a Lease in kube-node-lease for each hollow node every `intervalMs` (10 s, as a kubelet
 * does), so the node lifecycle controller keeps them Ready. Returns a stop function.
 */
export function runLeaseRenewer(apiserver: string, names: string[], intervalMs = 10_000): { stop(): void; renewed: Promise<void> } {
  const micro = () => new Date().toISOString().replace('Z', '000Z');
  const renewOnce = async () => {
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${name}`;
        const patch = await call(apiserver, 'PATCH', path, { spec: { renewTime: micro() } }, 'application/merge-patch+json');
        if (patch.status === 404) {
          await call(apiserver, 'POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name },
            spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro() },
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(32, names.length) }, worker));
  };
  const renewed = renewOnce();
  const timer = setInterval(() => void renewOnce().catch(() => undefined), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), renewed };
}
