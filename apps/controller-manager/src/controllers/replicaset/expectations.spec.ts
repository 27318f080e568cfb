import type { Clock } from '@tskube/client';
import { describe, expect, it } from 'vitest';
import { ControllerExpectations, UIDTrackingExpectations } from './expectations';

function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimer: () => ({ cancel: () => undefined }),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('ControllerExpectations', () => {
  it('is satisfied for a key it never saw', () => {
    expect(new ControllerExpectations().satisfied('ns/a')).toBe(true);
  });

  it('holds a key until every expected creation is observed', () => {
    const e = new ControllerExpectations({ clock: fakeClock() });
    e.expectCreations('ns/a', 2);
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    expect(e.satisfied('ns/b')).toBe(true);
  });

  it('lets a key through once its expectations expire', () => {
    const clock = fakeClock();
    const e = new ControllerExpectations({ clock, timeoutMs: 1000 });
    e.expectDeletions('ns/a', 1);
    clock.advance(1000);
    expect(e.satisfied('ns/a')).toBe(false);
    clock.advance(1);
    expect(e.satisfied('ns/a')).toBe(true);
  });

  it('forgets a deleted key', () => {
    const e = new ControllerExpectations();
    e.expectCreations('ns/a', 3);
    e.delete('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    expect(e.pending('ns/a')).toBeUndefined();
  });
});

describe('UIDTrackingExpectations', () => {
  it('counts only the deletions it asked for, each once', () => {
    const e = new UIDTrackingExpectations();
    e.expectDeletionsOf('ns/rs', ['ns/p1', 'ns/p2']);
    e.deletionOf('ns/rs', 'ns/other');
    e.deletionOf('ns/rs', 'ns/p1');
    e.deletionOf('ns/rs', 'ns/p1');
    expect(e.pending('ns/rs')).toEqual({ add: 0, del: 1 });
    expect(e.satisfied('ns/rs')).toBe(false);
    e.deletionOf('ns/rs', 'ns/p2');
    expect(e.satisfied('ns/rs')).toBe(true);
  });
});
