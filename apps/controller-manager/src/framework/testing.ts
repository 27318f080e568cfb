import { ApiClient, EventRecorder } from '@tskube/client';
import { createLogger } from '@tskube/component';
import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { InformerFactory, type Controller, type ControllerContext } from './context';

export interface ControllerTestEnv {
  api: ApiServerProcess;
  client: ApiClient;
  ctx: ControllerContext;
  /** Polls `check` until it returns a truthy value (returned) or `timeoutMs` passes (throws). */
  eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A real apiserver process plus the given controllers running in this process against it, as
 * the controller-manager would run them. For integration specs.
 */
export async function startControllers(controllers: Controller[], flags: Record<string, string> = {}): Promise<ControllerTestEnv> {
  const api = await startApiServerProcess();
  const client = new ApiClient({ master: api.master, fieldManager: 'kube-controller-manager' });
  const logger = createLogger({ component: 'kube-controller-manager', level: 'warn' });
  const abort = new AbortController();
  const informers = new InformerFactory(client, logger);
  const recorder = new EventRecorder({ client, component: 'kube-controller-manager', logger });
  const ctx: ControllerContext = { client, informers, recorder, logger, signal: abort.signal, workers: (_n, d) => d, flags };
  const running = controllers.map((c) => c.start(ctx));
  informers.start();
  await informers.waitForSync();
  return {
    api,
    client,
    ctx,
    eventually: async (check, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      for (;;) {
        try {
          const v = await check();
          if (v) return v;
        } catch (err) {
          last = err;
        }
        if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: async () => {
      abort.abort();
      await Promise.allSettled(running);
      await informers.stop();
      client.close();
      await api.stop();
    },
  };
}
