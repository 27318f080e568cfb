import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The real kubectl the tests drive (1.33 on every machine of the project). */
export const KUBECTL = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  /** A private directory: kubeconfig, HOME and kubectl's cache, for files a test hands to kubectl. */
  readonly dir: string;
  readonly kubeconfig: string;
  /** Runs kubectl; never rejects, the exit code says how it went. */
  run(...args: string[]): Promise<KubectlResult>;
  /** Runs kubectl and resolves with its stdout, or rejects with its stderr when it fails. */
  ok(...args: string[]): Promise<string>;
  /** Removes the directory. */
  close(): void;
}

/**
 * The real kubectl against an apiserver's REST URL, with its own kubeconfig, cache and HOME so
 * tests running side by side never share kubectl state.
 */
export function kubectlFor(server: string, options: { namespace?: string; timeoutMs?: number; binary?: string } = {}): Kubectl {
  const binary = options.binary ?? KUBECTL;
  if (!existsSync(binary)) throw new Error(`${binary} must be installed`);
  const dir = mkdtempSync(join(tmpdir(), 'tskube-kubectl-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server } }],
      users: [{ name: 'admin', user: {} }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin', ...(options.namespace ? { namespace: options.namespace } : {}) } }],
      'current-context': 'test',
    }),
  );
  const run = (...args: string[]) =>
    new Promise<KubectlResult>((resolve) => {
      execFile(
        binary,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'cache')}`, ...args],
        { timeout: options.timeoutMs ?? 60_000, env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  return {
    dir,
    kubeconfig,
    run,
    async ok(...args) {
      const r = await run(...args);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
