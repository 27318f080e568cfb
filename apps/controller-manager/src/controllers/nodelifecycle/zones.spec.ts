import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { RateLimitedNodeQueue, ZoneState, computeZoneState, zoneKey } from './zones';

describe('zones', () => {
  it.each<{ labels: Record<string, string>; want: string }>([
    { labels: {}, want: '' },
    { labels: { 'topology.kubernetes.io/zone': 'a' }, want: ':\u0000:a' },
    { labels: { 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'r' }, want: 'r:\u0000:a' },
    { labels: { 'topology.kubernetes.io/zone': 'a', 'failure-domain.beta.kubernetes.io/zone': 'b' }, want: ':\u0000:b' },
  ])('zoneKey($labels)', ({ labels, want }) => {
    expect(zoneKey({ metadata: { labels } })).toBe(want);
  });

  it.each([
    { name: 'all ready', statuses: ['True', 'True'], want: ZoneState.Normal },
    { name: 'one of two down', statuses: ['True', 'Unknown'], want: ZoneState.Normal },
    { name: 'none ready', statuses: ['Unknown', 'False', undefined], want: ZoneState.FullDisruption },
    { name: 'three of five down', statuses: ['True', 'True', 'False', 'Unknown', 'Unknown'], want: ZoneState.PartialDisruption },
    { name: 'three of six down: under the threshold', statuses: ['True', 'True', 'True', 'False', 'Unknown', 'Unknown'], want: ZoneState.Normal },
  ])('$name: $want', ({ statuses, want }) => {
    expect(computeZoneState(statuses, 0.55).state).toBe(want);
  });
});

describe('RateLimitedNodeQueue', () => {
  it('lets nodes through at its rate, in order, once each, and retries failures after their delay', async () => {
    const clock = new FakeClock();
    const q = new RateLimitedNodeQueue(clock, 1);
    const seen: string[] = [];
    expect(q.add('a', '1')).toBe(true);
    expect(q.add('b', '2')).toBe(true);
    expect(q.add('a', '1')).toBe(false);
    const fn = async (name: string) => {
      seen.push(name);
      return name === 'a' && seen.length === 1 ? 500 : (true as const);
    };
    await q.process(fn);
    expect(seen).toEqual(['a']);
    clock.step(1000);
    await q.process(fn);
    expect(seen).toEqual(['a', 'b']);
    clock.step(1000);
    await q.process(fn);
    expect(seen).toEqual(['a', 'b', 'a']);
    expect(q.size).toBe(0);
  });

  it('stops at rate 0', async () => {
    const clock = new FakeClock();
    const q = new RateLimitedNodeQueue(clock, 10);
    q.setRate(0);
    q.add('a', '1');
    let calls = 0;
    await q.process(async () => {
      calls++;
      return true;
    });
    expect(calls).toBe(0);
    expect(q.remove('a')).toBe(true);
  });
});
