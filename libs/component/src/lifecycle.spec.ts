import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { Lifecycle } from './lifecycle';
import { createLogger } from './logger';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const proc = {
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    exit: ((code?: number) => {
      exits.push(code ?? 0);
    }) as never,
  };
  return { proc, emitter, exits };
}

const quiet = () => createLogger({ component: 't', write: () => undefined });

describe('Lifecycle', () => {
  it('runs hooks in reverse order once and exits 0 on SIGTERM', async () => {
    const { proc, emitter, exits } = fakeProcess();
    const order: string[] = [];
    const lc = new Lifecycle({ logger: quiet(), process: proc as never });
    lc.onShutdown('store', () => void order.push('store'));
    lc.onShutdown('server', async () => {
      await Promise.resolve();
      order.push('server');
    });
    lc.installSignalHandlers();
    emitter.emit('SIGTERM', 'SIGTERM');
    await lc.shutdown('again');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(order).toEqual(['server', 'store']);
  });

  it('keeps going past a failing or hanging hook', async () => {
    vi.useFakeTimers();
    try {
      const ran: string[] = [];
      const lc = new Lifecycle({ logger: quiet(), hookTimeoutMs: 1000, process: fakeProcess().proc as never });
      lc.onShutdown('first', () => void ran.push('first'));
      lc.onShutdown('hangs', () => new Promise<void>(() => undefined));
      lc.onShutdown('throws', () => {
        throw new Error('boom');
      });
      const done = lc.shutdown('test');
      await vi.advanceTimersByTimeAsync(1000);
      await done;
      expect(ran).toEqual(['first']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('exits 1 on a second signal during shutdown', async () => {
    const { proc, emitter, exits } = fakeProcess();
    const lc = new Lifecycle({ logger: quiet(), process: proc as never });
    lc.onShutdown('hangs', () => new Promise<void>(() => undefined));
    lc.installSignalHandlers();
    emitter.emit('SIGTERM', 'SIGTERM');
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });
});
