import { newNotFound, type corev1 } from '@tskube/api-types';
import { Cache, type ApiClient } from '@tskube/client';
import { FakeClock } from '@tskube/client/testing';
import { createLogger } from '@tskube/component';
import { beforeEach, describe, expect, it } from 'vitest';
import { PodGC, byEvictionAndCreationTimestamp, isPodTerminated, type Node, type Pod } from './pod-gc';

interface Call {
  verb: 'patch' | 'delete' | 'get';
  name: string;
  body?: unknown;
}

/** The client calls PodGC makes, recorded; `liveNodes` are what a live node read finds. */
class FakePodClient {
  readonly calls: Call[] = [];
  readonly liveNodes = new Set<string>();

  async get(_gvr: unknown, _ns: string, name: string): Promise<unknown> {
    this.calls.push({ verb: 'get', name });
    if (!this.liveNodes.has(name)) throw newNotFound({ group: '', resource: 'nodes' }, name);
    return { metadata: { name } };
  }

  async patch(_gvr: unknown, _ns: string, name: string, _type: string, body: unknown): Promise<unknown> {
    this.calls.push({ verb: 'patch', name, body });
    return {};
  }

  async delete(_gvr: unknown, _ns: string, name: string, body: unknown): Promise<unknown> {
    this.calls.push({ verb: 'delete', name, body });
    return {};
  }

  deleted(): string[] {
    return this.calls.filter((c) => c.verb === 'delete').map((c) => c.name);
  }
}

let client: FakePodClient;
let pods: Cache<Pod>;
let nodes: Cache<Node>;
let clock: FakeClock;

function podGC(threshold = 0, quarantineMs = 40_000): PodGC {
  return new PodGC({
    client: client as unknown as ApiClient,
    logger: createLogger({ component: 'test', level: 'error' }),
    pods,
    nodes,
    terminatedPodThreshold: threshold,
    quarantineMs,
    clock,
  });
}

function pod(name: string, opts: { phase?: string; reason?: string; created?: string; nodeName?: string; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
    status: { phase: opts.phase ?? 'Running', ...(opts.reason ? { reason: opts.reason } : {}) },
  };
}

function node(name: string, opts: { ready?: boolean; outOfService?: boolean } = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: opts.outOfService ? { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] } : {},
    status: { conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

beforeEach(() => {
  client = new FakePodClient();
  pods = new Cache<Pod>();
  nodes = new Cache<Node>();
  clock = new FakeClock();
});

describe('PodGC', () => {
  it('deletes the finished pods beyond the threshold: evicted first, then oldest, then by name', async () => {
    pods.add(pod('old', { phase: 'Succeeded', created: '2026-01-01T00:00:00Z' }));
    pods.add(pod('mid-b', { phase: 'Failed', created: '2026-01-01T00:01:00Z' }));
    pods.add(pod('mid-a', { phase: 'Succeeded', created: '2026-01-01T00:01:00Z' }));
    pods.add(pod('new', { phase: 'Succeeded', created: '2026-01-01T00:02:00Z' }));
    pods.add(pod('evicted', { phase: 'Failed', reason: 'Evicted', created: '2026-01-01T00:03:00Z' }));
    pods.add(pod('running', { phase: 'Running', created: '2025-01-01T00:00:00Z' }));
    await podGC(2).gc();
    expect(client.deleted()).toEqual(['evicted', 'old', 'mid-a']);
    // Finished pods are deleted as they are, at once.
    expect(client.calls.filter((c) => c.verb === 'patch')).toEqual([]);
    expect(client.calls.find((c) => c.verb === 'delete')!.body).toEqual({ gracePeriodSeconds: 0, preconditions: { uid: 'uid-evicted' } });
  });

  it('keeps every finished pod when the threshold is 0', async () => {
    for (let i = 0; i < 5; i++) pods.add(pod(`p${i}`, { phase: 'Succeeded' }));
    await podGC(0).gc();
    expect(client.deleted()).toEqual([]);
  });

  it('deletes the pods of a node missing for the quarantine period, after marking them Failed', async () => {
    nodes.add(node('alive'));
    pods.add(pod('orphan', { nodeName: 'gone' }));
    pods.add(pod('fine', { nodeName: 'alive' }));
    const gc = podGC(0, 40_000);
    await gc.gc();
    expect(client.deleted()).toEqual([]);
    clock.step(39_000);
    await gc.gc();
    expect(client.deleted()).toEqual([]);
    clock.step(1_000);
    await gc.gc();
    expect(client.deleted()).toEqual(['orphan']);
    const patch = client.calls.find((c) => c.verb === 'patch')!;
    expect(patch.name).toBe('orphan');
    expect(patch.body).toEqual([
      { op: 'test', path: '/metadata/uid', value: 'uid-orphan' },
      { op: 'add', path: '/status/phase', value: 'Failed' },
      {
        op: 'add',
        path: '/status/conditions',
        value: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: '2026-01-01T00:00:40Z' }],
      },
    ]);
  });

  it('spares the pods of a node that came back, or that a live read still finds', async () => {
    pods.add(pod('a', { nodeName: 'flaky' }));
    pods.add(pod('b', { nodeName: 'lagging' }));
    client.liveNodes.add('lagging');
    const gc = podGC(0, 1_000);
    await gc.gc();
    nodes.add(node('flaky'));
    clock.step(2_000);
    await gc.gc();
    expect(client.deleted()).toEqual([]);
    expect(client.calls.filter((c) => c.verb === 'get').map((c) => c.name)).toEqual(['lagging']);
  });

  it('force-deletes terminating pods that were never scheduled', async () => {
    pods.add(pod('unscheduled', { phase: 'Pending', deleting: true }));
    pods.add(pod('scheduled', { phase: 'Running', nodeName: 'n', deleting: true }));
    nodes.add(node('n'));
    await podGC().gc();
    expect(client.deleted()).toEqual(['unscheduled']);
  });

  it('force-deletes terminating pods on a node that is down and tainted out-of-service', async () => {
    nodes.add(node('down', { ready: false, outOfService: true }));
    nodes.add(node('down-untainted', { ready: false }));
    nodes.add(node('up-tainted', { outOfService: true }));
    pods.add(pod('p1', { nodeName: 'down', deleting: true }));
    pods.add(pod('p2', { nodeName: 'down' }));
    pods.add(pod('p3', { nodeName: 'down-untainted', deleting: true }));
    pods.add(pod('p4', { nodeName: 'up-tainted', deleting: true }));
    await podGC().gc();
    expect(client.deleted()).toEqual(['p1']);
  });

  it('refuses a negative threshold', () => {
    expect(() => podGC(-1)).toThrow(RangeError);
  });
});

describe('isPodTerminated', () => {
  it.each([
    { phase: 'Succeeded', want: true },
    { phase: 'Failed', want: true },
    { phase: 'Running', want: false },
    { phase: 'Pending', want: false },
    { phase: 'Unknown', want: false },
  ])('$phase: $want', ({ phase, want }) => expect(isPodTerminated({ status: { phase } } as corev1.Pod)).toBe(want));
});

describe('byEvictionAndCreationTimestamp', () => {
  it('does not reorder its input', () => {
    const input = [pod('b'), pod('a')];
    expect(byEvictionAndCreationTimestamp(input).map((p) => p.metadata.name)).toEqual(['a', 'b']);
    expect(input.map((p) => p.metadata.name)).toEqual(['b', 'a']);
  });
});
