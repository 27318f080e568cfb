import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { coordinationv1 } from '@tskube/api-types';
import { status as GrpcCode } from '@grpc/grpc-js';
import { ApiClient } from './api-client';
import { TransportError } from './errors';
import { LeaderElector, LeasesResource, type LeaderElectorOptions, type LeaseClient } from './leader-election';
import { FakeApiServer } from './testing/fake-api-server';
import { FakeClock } from './testing/fake-clock';
import { formatMicroTime } from './time-format';

const durations = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

/**
 * An ApiClient that counts calls in flight (so the test knows when every elector is waiting on
 * the fake clock) and can be cut off from the server.
 */
function tracked(api: ApiClient) {
  let inflight = 0;
  let broken = false;
  const wrap =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      inflight++;
      try {
        if (broken) throw new TransportError(GrpcCode.UNAVAILABLE, 'cut off (test)');
        return await fn(...args);
      } finally {
        inflight--;
      }
    };
  const client = {
    get: wrap(api.get.bind(api)),
    create: wrap(api.create.bind(api)),
    update: wrap(api.update.bind(api)),
  } as LeaseClient;
  return {
    client,
    inflight: () => inflight,
    setBroken: (b: boolean) => {
      broken = b;
    },
  };
}

describe('LeaderElector', () => {
  let server: FakeApiServer;
  let api: ApiClient;
  let clock: FakeClock;
  const trackers: ReturnType<typeof tracked>[] = [];
  const electors: LeaderElector[] = [];

  beforeEach(async () => {
    server = await FakeApiServer.start();
    api = new ApiClient({ master: server.address });
    clock = new FakeClock();
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    trackers.length = 0;
    api.close();
    await server.stop();
  });

  /** Waits until no elector has a call in flight and every continuation has run. */
  async function settle(): Promise<void> {
    for (let idle = 0; idle < 3; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      idle = trackers.every((t) => t.inflight() === 0) ? idle + 1 : 0;
    }
  }

  async function advance(ms: number, step = 100): Promise<void> {
    for (let t = 0; t < ms; t += step) {
      clock.step(Math.min(step, ms - t));
      await settle();
    }
  }

  function candidate(identity: string, extra: Partial<LeaderElectorOptions> = {}) {
    const tracker = tracked(api);
    trackers.push(tracker);
    const log: string[] = [];
    let leaderSignal: AbortSignal | undefined;
    const elector = new LeaderElector({
      client: tracker.client,
      namespace: 'kube-system',
      name: 'controller',
      identity,
      ...durations,
      clock,
      random: () => 0,
      callbacks: {
        onStartedLeading: (signal) => {
          leaderSignal = signal;
          log.push(`started@${clock.now()}`);
        },
        onStoppedLeading: () => log.push(`stopped@${clock.now()}`),
      },
      ...extra,
    });
    electors.push(elector);
    return { elector, log, tracker, signal: () => leaderSignal };
  }

  const lease = () => server.getObject(LeasesResource, 'kube-system', 'controller') as coordinationv1.Lease | undefined;

  it('creates the lease for the first candidate and keeps the second waiting', async () => {
    const t0 = clock.now();
    const a = candidate('a');
    const b = candidate('b');
    void a.elector.run();
    await settle();
    void b.elector.run();
    await settle();
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.getLeader()).toBe('a');
    expect(lease()?.spec).toEqual({
      holderIdentity: 'a',
      leaseDurationSeconds: 3,
      acquireTime: formatMicroTime(t0),
      renewTime: formatMicroTime(t0),
      leaseTransitions: 0,
    });
    expect(lease()?.spec?.renewTime).toBe('2026-01-01T00:00:00.000000Z');

    await advance(5_000);
    expect(a.elector.isLeader()).toBe(true);
    expect(b.elector.isLeader()).toBe(false);
    expect(lease()?.spec?.acquireTime).toBe(formatMicroTime(t0));
    expect(lease()?.spec?.renewTime).toBe(formatMicroTime(t0 + 5_000));
    expect(a.log).toEqual([`started@${t0}`]);
  });

  it('lets exactly one of two simultaneous candidates win', async () => {
    const a = candidate('a');
    const b = candidate('b');
    void a.elector.run();
    void b.elector.run();
    await settle();
    await advance(2_000);
    expect([a.elector.isLeader(), b.elector.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(lease()?.spec?.holderIdentity).toBe(a.elector.isLeader() ? 'a' : 'b');
  });

  it('hands over after the lease expires when the leader stops without releasing', async () => {
    const a = candidate('a', { releaseOnCancel: false });
    const b = candidate('b');
    void a.elector.run();
    await settle();
    void b.elector.run();
    await advance(2_000);
    const lastRenew = Date.parse(lease()!.spec!.renewTime!);

    await a.elector.stop();
    expect(a.log.at(-1)).toBe(`stopped@${clock.now()}`);
    expect(lease()?.spec?.holderIdentity).toBe('a');

    // Not before leaseDuration has passed since b last saw the lease change...
    await advance(lastRenew + durations.leaseDurationMs - clock.now() - 100);
    expect(b.elector.isLeader()).toBe(false);
    // ...and within one more retry period after it.
    await advance(durations.retryPeriodMs + 200);
    expect(b.elector.isLeader()).toBe(true);
    const takeover = Number(b.log[0]!.split('@')[1]);
    expect(takeover).toBeGreaterThanOrEqual(lastRenew + durations.leaseDurationMs);
    expect(takeover).toBeLessThanOrEqual(lastRenew + durations.leaseDurationMs + durations.retryPeriodMs);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1, acquireTime: formatMicroTime(takeover) });
  });

  it('releases the lease on stop so the next candidate takes it at its next attempt', async () => {
    const a = candidate('a');
    const b = candidate('b');
    void a.elector.run();
    await settle();
    void b.elector.run();
    await advance(1_000);
    const stoppedAt = clock.now();
    await a.elector.stop();
    expect(a.signal()?.aborted).toBe(true);
    expect(lease()?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 0 });
    await advance(durations.retryPeriodMs);
    expect(b.elector.isLeader()).toBe(true);
    expect(Number(b.log[0]!.split('@')[1])).toBeLessThanOrEqual(stoppedAt + durations.retryPeriodMs);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('steps down when it cannot renew within renewDeadline', async () => {
    const a = candidate('a');
    const running = a.elector.run();
    await settle();
    expect(a.elector.isLeader()).toBe(true);
    a.tracker.setBroken(true);
    const cutAt = clock.now();
    await advance(durations.retryPeriodMs + durations.renewDeadlineMs + 100);
    await running;
    expect(a.elector.isLeader()).toBe(false);
    expect(a.signal()?.aborted).toBe(true);
    const stoppedAt = Number(a.log.at(-1)!.split('@')[1]);
    // Well before the lease would expire for anyone else.
    expect(stoppedAt - cutAt).toBeLessThanOrEqual(durations.retryPeriodMs + durations.renewDeadlineMs);
    expect(stoppedAt - cutAt).toBeLessThan(durations.retryPeriodMs + durations.leaseDurationMs);
  });

  it('renews through the fast path without reading the lease', async () => {
    const a = candidate('a');
    void a.elector.run();
    await settle();
    const gets = server.calls.get;
    await advance(5_000);
    expect(server.calls.get).toBe(gets);
    expect(server.calls.update).toBe(10);
  });

  it.each([
    { name: 'leaseDuration not above renewDeadline', o: { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 } },
    { name: 'renewDeadline not above 1.2 × retryPeriod', o: { renewDeadlineMs: 2_400, retryPeriodMs: 2_000 } },
    { name: 'zero retryPeriod', o: { retryPeriodMs: 0 } },
    { name: 'no identity', o: { identity: '' } },
  ])('refuses options with $name', ({ o }) => {
    const make = () =>
      new LeaderElector({
        client: api,
        namespace: 'ns',
        name: 'l',
        identity: 'x',
        callbacks: { onStartedLeading: () => undefined, onStoppedLeading: () => undefined },
        ...o,
      });
    expect(make).toThrow();
  });
});
