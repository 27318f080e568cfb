import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tskube/component';
import { EmbeddedStore, type Store } from '@tskube/store';
import { ApiServer, type ApiServerOptions } from '../src/app';

export const KUBECTL = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl';

export interface TestCluster {
  server: ApiServer;
  store: Store;
  url: string;
  dir: string;
  kubeconfig: string;
  /** Runs kubectl against the server; resolves with stdout, rejects with stderr on failure. */
  kubectl(args: string[], options?: { input?: string; binary?: string; timeoutMs?: number }): Promise<string>;
  /** Runs kubectl and returns code, stdout and stderr without throwing. */
  kubectlResult(args: string[], options?: { input?: string; binary?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }>;
  stop(): Promise<void>;
}

/** An apiserver on a free port over `store` (default: a fresh embedded store), with a kubeconfig. */
export async function startCluster(options: { store?: Store; server?: Partial<ApiServerOptions> } = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-apiserver-'));
  const store = options.store ?? EmbeddedStore.open({ path: join(dir, 'state.db') });
  const logger = createLogger({ component: 'apiserver', level: 'warn' });
  const server = new ApiServer({ store, logger, port: 0, ...options.server });
  await server.start();
  const url = `http://127.0.0.1:${server.port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: url } }],
      users: [{ name: 'admin', user: {} }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', namespace: 'default' } }],
      'current-context': 'test',
    }),
  );
  const run = (args: string[], opts: { input?: string; binary?: string; timeoutMs?: number } = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        opts.binary ?? KUBECTL,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'kube-cache')}`, ...args],
        { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  return {
    server,
    store,
    url,
    dir,
    kubeconfig,
    kubectlResult: run,
    kubectl: async (args, opts) => {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    request: async (method, path, body, headers = {}) => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body);
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type') && typeof body !== 'string') {
          (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
        }
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
    },
    stop: async () => {
      await server.stop();
      if (!options.store) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
