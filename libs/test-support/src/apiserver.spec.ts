import { describe, expect, it } from 'vitest';
import { startApiServerProcess } from './apiserver';

describe('startApiServerProcess', () => {
  it('runs the built apiserver on free ports and stops it', async () => {
    const api = await startApiServerProcess();
    try {
      expect(await (await fetch(`${api.url}/healthz`)).text()).toBe('ok');
      expect(api.master).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await api.stop();
    }
    expect(() => process.kill(api.pid, 0)).toThrow();
  });
});
