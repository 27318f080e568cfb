import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { corev1 } from '@tskube/api-types';
import type { ContainerManager } from '../cri';
import { resolveContainerPort } from '../prober/port';
import { criErrorText } from './images';
import { formatPod } from './labels';

/** A lifecycle hook that did not succeed; the message is the kubelet's. */
export class HookError extends Error {
  override readonly name = 'HookError';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** One HTTP GET with a deadline; resolves on any answer (the hook does not judge its status code). */
function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, signal }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Runs a container's postStart or preStop handler as the kubelet's handler runner does: exec
 * through the runtime's ExecSync, httpGet against the pod IP (or the handler's host), or sleep.
 * Rejects with a HookError worded as Kubernetes' for a failed exec or an unreachable endpoint.
 */
export class HookRunner {
  constructor(private readonly runtime: Pick<ContainerManager, 'execSync'>) {}

  async run(pod: corev1.Pod, container: corev1.Container, containerId: string, handler: corev1.LifecycleHandler, podIP: string | undefined, timeoutSeconds = 0, signal?: AbortSignal): Promise<void> {
    if (handler.exec) {
      const cmd = handler.exec.command ?? [];
      let res;
      try {
        res = await this.runtime.execSync(containerId, cmd, timeoutSeconds);
      } catch (err) {
        throw new HookError(`Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: ${criErrorText(err)}, message: ""`);
      }
      if (res.exitCode !== 0) {
        const output = Buffer.concat([res.stdout, res.stderr]).toString('utf8');
        throw new HookError(
          `Exec lifecycle hook ([${cmd.join(' ')}]) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: command '${cmd.join(' ')}' exited with ${res.exitCode}: ${output}, message: ${JSON.stringify(output)}`,
        );
      }
      return;
    }
    if (handler.httpGet) {
      const h = handler.httpGet;
      const host = h.host || podIP || '127.0.0.1';
      let port: number;
      try {
        port = resolveContainerPort(h.port, container);
      } catch (err) {
        throw new HookError(`HTTP lifecycle hook (${h.path ?? ''}) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: ${(err as Error).message}`);
      }
      const scheme = (h.scheme ?? 'HTTP').toLowerCase();
      let path = h.path ?? '';
      if (path && !path.startsWith('/')) path = `/${path}`;
      const url = new URL(`${scheme}://${joinHostPort(host, port)}${path}`);
      const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.33', Accept: '*/*' };
      for (const hdr of h.httpHeaders ?? []) headers[hdr.name] = hdr.value;
      try {
        await httpGet(url, headers, (timeoutSeconds || 30) * 1000, signal);
      } catch (err) {
        throw new HookError(`HTTP lifecycle hook (${h.path ?? ''}) for Container "${container.name}" in Pod "${formatPod(pod)}" failed - error: Get "${url.href}": ${(err as Error).message}`);
      }
      return;
    }
    const sleep = (handler as { sleep?: { seconds?: number } }).sleep;
    if (sleep) {
      const ms = Math.max(0, (sleep.seconds ?? 0) * 1000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      return;
    }
    if (handler.tcpSocket) throw new HookError('invalid handler: tcpSocket is not a lifecycle handler');
    throw new HookError('invalid handler');
  }
}
