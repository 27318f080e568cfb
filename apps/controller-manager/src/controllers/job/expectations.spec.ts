import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { ControllerExpectations, UidTrackingExpectations } from './expectations';

describe('ControllerExpectations', () => {
  it('holds a key until every expected create and delete was seen', () => {
    const e = new ControllerExpectations(new FakeClock());
    expect(e.satisfied('a')).toBe(true);
    e.expectCreations('a', 2);
    expect(e.satisfied('a')).toBe(false);
    e.creationObserved('a');
    expect(e.satisfied('a')).toBe(false);
    e.creationObserved('a');
    expect(e.satisfied('a')).toBe(true);
    e.expectDeletions('a', 1);
    expect(e.satisfied('a')).toBe(false);
    e.deletionObserved('a');
    expect(e.satisfied('a')).toBe(true);
  });

  it('gives up waiting after the TTL', () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock, 1000);
    e.expectCreations('a', 1);
    clock.step(1000);
    expect(e.satisfied('a')).toBe(false);
    clock.step(1);
    expect(e.satisfied('a')).toBe(true);
  });
});

describe('UidTrackingExpectations', () => {
  it('tracks finalizer removals per key until observed', () => {
    const e = new UidTrackingExpectations();
    e.expectRemoved('job', ['u1', 'u2']);
    e.observed('job', 'u1');
    expect([...e.expected('job')]).toEqual(['u2']);
    e.delete('job');
    expect(e.expected('job').size).toBe(0);
  });
});
