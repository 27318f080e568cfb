import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newServiceUnavailable, type corev1 } from '@tskube/api-types';
import { ApiClient } from './api-client';
import { EventRecorder, EventType, EventsResource, type EventRecorderOptions } from './event-recorder';
import { FakeApiServer } from './testing/fake-api-server';
import { FakeClock } from './testing/fake-clock';
import { formatTime } from './time-format';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'prod', uid: 'uid-1', resourceVersion: '42' },
};
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', uid: 'uid-n' } };

describe('EventRecorder', () => {
  let server: FakeApiServer;
  let api: ApiClient;
  let clock: FakeClock;

  beforeEach(async () => {
    server = await FakeApiServer.start();
    api = new ApiClient({ master: server.address });
    clock = new FakeClock();
  });
  afterEach(async () => {
    api.close();
    await server.stop();
  });

  const recorder = (extra: Partial<EventRecorderOptions> = {}) =>
    new EventRecorder({ client: api, component: 'default-scheduler', reportingInstance: 'sched-a', clock, ...extra });
  const events = (ns = '') => server.listObjects(EventsResource, ns) as unknown as corev1.Event[];

  it('creates a core/v1 Event about the object', async () => {
    const r = recorder();
    r.event(pod, EventType.Warning, 'FailedScheduling', '0/3 nodes are available');
    await r.flush();
    const [ev, ...rest] = events();
    expect(rest).toEqual([]);
    expect(ev!.metadata!.name).toMatch(/^web-1\.[0-9a-f]+$/);
    expect(ev).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'prod' },
      involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-1', uid: 'uid-1', apiVersion: 'v1', resourceVersion: '42' },
      reason: 'FailedScheduling',
      message: '0/3 nodes are available',
      type: 'Warning',
      source: { component: 'default-scheduler' },
      reportingComponent: 'default-scheduler',
      reportingInstance: 'sched-a',
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      count: 1,
    });
  });

  it('files events about cluster-scoped objects in the default namespace, with source.host when given', async () => {
    const r = recorder({ component: 'kubelet', host: 'node-1', reportingInstance: undefined });
    r.event(node, EventType.Normal, 'NodeReady', 'Node node-1 status is now: NodeReady');
    await r.flush();
    expect(events('default')).toHaveLength(1);
    expect(events('default')[0]).toMatchObject({ source: { component: 'kubelet', host: 'node-1' }, reportingInstance: 'node-1' });
  });

  it('counts repeats within ten minutes on the first event instead of creating new ones', async () => {
    const r = recorder();
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    clock.step(60_000);
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    clock.step(9 * 60_000);
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({
      count: 3,
      firstTimestamp: formatTime(Date.UTC(2026, 0, 1)),
      lastTimestamp: formatTime(Date.UTC(2026, 0, 1, 0, 10)),
    });
    expect(server.calls.create).toBe(1);
    expect(server.calls.patch).toBe(2);
  });

  it('folds a burst of repeats into one write', async () => {
    const r = recorder();
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    for (let i = 0; i < 5; i++) r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    expect(events()[0]!.count).toBe(6);
    expect(server.calls.patch).toBe(1);
  });

  it('starts a new event when the last occurrence is more than ten minutes old', async () => {
    const r = recorder();
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    clock.step(10 * 60_000 + 1_000);
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    expect(events().map((e) => e.count)).toEqual([1, 1]);
  });

  it.each([
    { name: 'message', other: [pod, EventType.Normal, 'Pulled', 'another message'] as const },
    { name: 'reason', other: [pod, EventType.Normal, 'Pulling', 'image pulled'] as const },
    { name: 'type', other: [pod, EventType.Warning, 'Pulled', 'image pulled'] as const },
    { name: 'object', other: [{ ...pod, metadata: { ...pod.metadata, name: 'web-2', uid: 'uid-2' } }, EventType.Normal, 'Pulled', 'image pulled'] as const },
  ])('keeps events that differ in $name apart', async ({ other }) => {
    const r = recorder();
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    r.event(other[0], other[1], other[2], other[3]);
    await r.flush();
    expect(events().map((e) => e.count)).toEqual([1, 1]);
  });

  it('combines similar events after ten distinct messages', async () => {
    const r = recorder();
    for (let i = 0; i < 12; i++) r.event(pod, EventType.Warning, 'BackOff', `attempt ${i} failed`);
    await r.flush();
    const all = events();
    expect(all).toHaveLength(10);
    const combined = all.filter((e) => e.message!.startsWith('(combined from similar events): '));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 3, message: '(combined from similar events): attempt 11 failed' });
  });

  it('drops events beyond the per-object budget, and allows more as it refills', async () => {
    const r = recorder();
    for (let i = 0; i < 30; i++) r.event(pod, EventType.Normal, `Reason${i}`, 'm');
    r.event(node, EventType.Normal, 'Other', 'not limited by the pod');
    await r.flush();
    expect(events('prod')).toHaveLength(25);
    expect(events('default')).toHaveLength(1);
    clock.step(5 * 60_000);
    r.event(pod, EventType.Normal, 'Later1', 'm');
    r.event(pod, EventType.Normal, 'Later2', 'm');
    await r.flush();
    expect(events('prod').map((e) => e.reason)).toContain('Later1');
    expect(events('prod')).toHaveLength(26);
  });

  it('creates a fresh event when the one it would update is gone', async () => {
    const r = recorder();
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    const first = events()[0]!;
    server.deleteObject(EventsResource, 'prod', first.metadata!.name!);
    clock.step(1_000);
    r.event(pod, EventType.Normal, 'Pulled', 'image pulled');
    await r.flush();
    const [second] = events();
    expect(second!.metadata!.name).not.toBe(first.metadata!.name);
    expect(second).toMatchObject({ count: 1, firstTimestamp: '2026-01-01T00:00:01Z' });
  });

  it('drops events of an unknown type and survives a failing server', async () => {
    const r = recorder();
    r.event(pod, 'Error' as EventType, 'X', 'y');
    server.failNext('create', newServiceUnavailable('down'));
    r.event(pod, EventType.Normal, 'A', 'first fails');
    r.event(pod, EventType.Normal, 'B', 'second works');
    await r.flush();
    expect(events().map((e) => e.reason)).toEqual(['B']);
  });
});

describe('EventRecorder with a backlog', () => {
  /** A client whose creates finish one macrotask later; records how many ran at once. */
  function slowClient() {
    const names: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const client = {
      create: async <T>(_gvr: unknown, _ns: string, obj: T): Promise<T> => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setImmediate(r));
        names.push((obj as corev1.Event).involvedObject.name ?? '');
        running--;
        return obj;
      },
      patch: () => Promise.reject(new Error('unexpected patch')),
    } as unknown as ApiClient;
    return { client, names, maxRunning: () => maxRunning };
  }
  const subject = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, namespace: 'ns', uid: `u-${i}` } });

  it('writes thousands of queued events one at a time, in order, and flush waits for them', async () => {
    const { client, names, maxRunning } = slowClient();
    const r = new EventRecorder({ client, component: 'default-scheduler' });
    for (let i = 0; i < 3000; i++) r.event(subject(i), EventType.Normal, 'Scheduled', `assigned p-${i}`);
    await r.flush();
    expect(names).toEqual(Array.from({ length: 3000 }, (_, i) => `p-${i}`));
    expect(maxRunning()).toBe(1);
    r.event(subject(3000), EventType.Normal, 'Scheduled', 'again');
    await r.flush();
    expect(names).toHaveLength(3001);
  });

  it('does not make stack traces captured by a write walk the backlog behind it', async () => {
    // gRPC captures a stack per call. Were the queue a chain of promises, each capture in a write
    // would walk the writes behind it (~20x slower with 20,000 queued).
    const cost = () => {
      const samples: number[] = [];
      for (let s = 0; s < 9; s++) {
        const t = performance.now();
        for (let i = 0; i < 50; i++) void new Error().stack;
        samples.push(performance.now() - t);
      }
      return samples.sort((a, b) => a - b)[4]!;
    };
    const costs: number[] = [];
    const total = 20_000;
    let calls = 0;
    const client = {
      create: async <T>(_gvr: unknown, _ns: string, obj: T): Promise<T> => {
        calls++;
        // The first write has the whole backlog behind it, the last one nothing.
        if (calls === 1 || calls === total) costs.push(cost());
        await Promise.resolve();
        return obj;
      },
      patch: () => Promise.reject(new Error('unexpected patch')),
    } as unknown as ApiClient;
    const r = new EventRecorder({ client, component: 'default-scheduler' });
    for (let i = 0; i < total; i++) r.event(subject(i), EventType.Normal, 'Scheduled', `assigned p-${i}`);
    await r.flush();
    const [withBacklog, without] = costs as [number, number];
    expect(withBacklog).toBeLessThan(without * 5);
  });
});
