import type { Store } from '@tskube/store';
import type { Histogram } from 'prom-client';

const timed = ['get', 'list', 'count', 'create', 'update', 'delete', 'compact'] as const;

/** The store with every call's latency observed by operation and resource (the key's segment). */
export function instrumentStore(store: Store, histogram: Histogram<string>): Store {
  const wrapped = Object.create(store) as Store;
  for (const op of timed) {
    const original = store[op].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        const key = typeof args[0] === 'string' ? args[0] : '';
        histogram.observe({ operation: op, resource: key.split('/')[2] ?? '' }, (performance.now() - started) / 1000);
      }
    };
  }
  return wrapped;
}
