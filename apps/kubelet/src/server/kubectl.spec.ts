import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tskube/component';
import { startApiServerProcess, type ApiServerProcess } from '@tskube/test-support';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support from tools/ (containerd and the images), as the other containerd specs use it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureImages } from '../../../../tools/images/build.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { BUSYBOX_IMAGE } from '../../../../tools/images/names.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startContainerd } from '../../../../tools/containerd/index';
import { KubeletServer } from './server';
import { eventually, RuntimeFixture, type RunningPod } from './test/fixture';

// The whole path: the real kubectl 1.33 (and the Python client) against a real apiserver process,
// which finds the pod's node and proxies pods/log, pods/exec and pods/attach to this KubeletServer,
// which bridges them to containerd.

const KUBECTL = process.env.KUBECTL ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const tools = { startContainerd, ensureImages: (o: Parameters<typeof ensureImages>[0]) => ensureImages(o), busyboxImage: BUSYBOX_IMAGE };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('kubectl logs, exec and cp through the apiserver to the kubelet', () => {
  let fx: RuntimeFixture;
  let server: KubeletServer;
  let api: ApiServerProcess;
  let dir: string;
  let kubeconfig: string;
  let logger: RunningPod;

  const kubectl = (args: string[], input?: string, timeoutMs = 60_000): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, [`--kubeconfig=${kubeconfig}`, ...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });

  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  /** Creates the pod in the apiserver and reports its status as the kubelet would. */
  const publish = async (running: RunningPod) => {
    const { metadata, spec } = running.pod;
    const created = (await rest('POST', `/api/v1/namespaces/${metadata!.namespace}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: metadata!.name }, spec })) as { metadata: object };
    await rest('PUT', `/api/v1/namespaces/${metadata!.namespace}/pods/${metadata!.name}/status`, { ...created, status: running.pod.status });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-kubectl-stream-'));
    [fx, api] = await Promise.all([RuntimeFixture.start(tools), startApiServerProcess()]);
    server = new KubeletServer({
      host: '127.0.0.1',
      port: 0,
      pods: fx,
      runtime: fx.client,
      logger: createLogger({ component: 'kubelet', write: () => undefined }),
      registry: new Registry(),
      healthz: () => undefined,
      nodeName: 'node-1',
      logPollIntervalMs: 50,
    });
    await server.listen();
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: api.url } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
        'current-context': 'c',
      }),
    );
    const node = await rest('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
    await rest('PUT', '/api/v1/nodes/node-1/status', {
      ...node,
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-1' }], daemonEndpoints: { kubeletEndpoint: { Port: server.port } } },
    });
    await publish(
      await fx.runPod('default', 'shell', [
        { name: 'main', command: ['sh', '-c', 'echo started; echo warning >&2; while true; do sleep 1; done'] },
        { name: 'reader', command: ['sh', '-c', 'while read l; do echo "got $l"; done'], stdin: true },
      ]),
    );
    logger = await fx.runPod('default', 'ticker', [{ name: 't', command: ['echo', 'first run'] }]);
    await fx.waitExited(logger, 't');
    await fx.restart(logger, { name: 't', command: ['sh', '-c', 'echo second run; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'] });
    await publish(logger);
    await rest('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'c', image: BUSYBOX_IMAGE }] } });
  }, 240_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all([fx?.stop(), api?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl logs reads a container, --tail, -p and -f', async () => {
    // stdout and stderr reach the log through two pipes: their relative order is the runtime's.
    let full = '';
    await eventually(async () => {
      full = (await kubectl(['logs', 'shell', '-c', 'main'])).stdout;
      return full.split('\n').sort().join(',') === ',started,warning';
    }, 'kubectl logs shows both lines');
    expect((await kubectl(['logs', 'shell', '-c', 'main', '--tail=1'])).stdout).toBe(`${full.split('\n')[1]}\n`);
    expect((await kubectl(['logs', 'ticker', '-p'])).stdout).toBe('first run\n');
    const timestamps = await kubectl(['logs', 'ticker', '-p', '--timestamps']);
    expect(timestamps.stdout).toMatch(/^\d{4}-\d\d-\d\dT\S+ first run\n$/);

    const follow = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, 'logs', '-f', 'ticker', '--tail=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      const first = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no follow output: ${out}`)), 30_000);
        follow.stdout.on('data', () => {
          const m = /tick (\d+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      // New lines keep arriving on the open stream.
      await eventually(() => out.includes(`tick ${first + 3}\n`), 'kubectl logs -f shows new lines');
      expect(out.startsWith(`tick ${first}\n`)).toBe(true);
    } finally {
      follow.kill('SIGINT');
    }
  });

  it('pods/log picks the only container, and otherwise asks for one as Kubernetes does', async () => {
    const res = await fetch(`${api.url}/api/v1/namespaces/default/pods/shell/log`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ reason: 'BadRequest', message: 'a container name must be specified for pod shell, choose one of: [main reader]' });
    const bad = await fetch(`${api.url}/api/v1/namespaces/default/pods/shell/log?container=nope`);
    expect(await bad.json()).toMatchObject({ code: 400, message: 'container nope is not valid for pod shell' });
    const invalid = await fetch(`${api.url}/api/v1/namespaces/default/pods/ticker/log?tailLines=-1`);
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ reason: 'Invalid', message: 'PodLogOptions "ticker" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0' });
    const limited = await fetch(`${api.url}/api/v1/namespaces/default/pods/ticker/log?limitBytes=6&previous=true`);
    expect(limited.headers.get('content-type')).toBe('text/plain');
    expect(await limited.text()).toBe('first ');
    const pending = await fetch(`${api.url}/api/v1/namespaces/default/pods/pending/log`);
    expect([pending.status, await pending.text()]).toEqual([200, '']);
    const previous = await kubectl(['logs', 'shell', '-c', 'main', '-p']);
    expect(previous.code).not.toBe(0);
    expect(previous.stderr).toContain('previous terminated container "main" in pod "shell" not found');
  });

  it('kubectl exec runs a command and returns its exit code', async () => {
    const ls = await kubectl(['exec', 'shell', '-c', 'main', '--', 'ls', '/']);
    expect(ls.code).toBe(0);
    expect(ls.stdout.split('\n')).toEqual(expect.arrayContaining(['bin', 'etc', 'proc', 'tmp']));
    const fail = await kubectl(['exec', 'shell', '-c', 'main', '--', 'sh', '-c', 'echo to-stderr >&2; exit 7']);
    expect(fail.code).toBe(7);
    expect(fail.stderr).toContain('to-stderr');
    expect(fail.stderr).toContain('command terminated with exit code 7');
  });

  it('kubectl exec -i passes stdin and ends it', async () => {
    // sh reads its script from stdin and exits only once stdin ends.
    const r = await kubectl(['exec', '-i', 'shell', '-c', 'main', '--', 'sh'], 'echo from stdin\necho $((6 * 7))\n');
    expect(r).toMatchObject({ code: 0, stdout: 'from stdin\n42\n' });
    const cat = await kubectl(['exec', '-i', 'shell', '-c', 'main', '--', 'wc', '-c'], 'y'.repeat(1_000_000));
    expect(cat.stdout.trim()).toBe('1000000');
  });

  it('kubectl cp copies a file into the container and back', async () => {
    const local = join(dir, 'payload.txt');
    const content = Array.from({ length: 20_000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    writeFileSync(local, content);
    const up = await kubectl(['cp', local, 'shell:/tmp/payload.txt', '-c', 'main']);
    expect(up).toMatchObject({ code: 0 });
    expect((await kubectl(['exec', 'shell', '-c', 'main', '--', 'md5sum', '/tmp/payload.txt'])).stdout.split(' ')[0]).toMatch(/^[0-9a-f]{32}$/);
    const back = join(dir, 'back.txt');
    const down = await kubectl(['cp', 'shell:/tmp/payload.txt', back, '-c', 'main']);
    expect(down.code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe(content);
  });

  it('kubectl exec -it gives the command a terminal of the client terminal size', async () => {
    const cmd = `stty rows 33 cols 91; ${KUBECTL} --kubeconfig=${kubeconfig} exec -it shell -c main -- sh -c 'for i in $(seq 200); do s=$(stty size 2>/dev/null); [ -n "$s" ] && break; sleep 0.1; done; echo "$s"; tty; exit 4'; echo "rc=$?"`;
    // kubectl sends the size right after the stream opens; the command may start before it lands
    // (busybox's stty then prints nothing on stdout), so it asks until the size is there.
    const r = await new Promise<string>((resolve, reject) => {
      execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 60_000 }, (err, stdout) => (err && !stdout ? reject(err) : resolve(stdout)));
    });
    expect(r).toMatch(/33 91\r?\n/);
    expect(r).toMatch(/\/dev\/pts\/\d+/);
    expect(r).toContain('rc=4');
  });

  it('kubectl attach reaches a running container', async () => {
    const attach = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, 'attach', '-i', 'shell', '-c', 'reader'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    attach.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      // The attach is up once a line sent is echoed; lines sent before that are not seen by it.
      await eventually(() => {
        attach.stdin.write('hello attach\n');
        return out.includes('got hello attach\n');
      }, 'the attached container echoed stdin');
    } finally {
      attach.kill('SIGINT');
    }
  });

  it('refuses exec on a pod without a node and on an unknown container, in Kubernetes words', async () => {
    const r = await kubectl(['exec', 'pending', '--', 'ls']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('pod pending does not have a host assigned');
    const c = await kubectl(['exec', 'shell', '-c', 'nope', '--', 'ls']);
    expect(c.stderr).toContain('container nope is not valid for pod shell');
  });

  it('the Python client execs over v4', async () => {
    const script = `
import sys
from kubernetes import client, config
from kubernetes.stream import stream
config.load_kube_config(config_file=sys.argv[1])
api = client.CoreV1Api()
out = stream(api.connect_get_namespaced_pod_exec, 'shell', 'default', container='main', command=['sh', '-c', 'echo py-out; echo py-err >&2'], stderr=True, stdin=False, stdout=True, tty=False)
# stdout and stderr are separate channels: the order between them is not defined.
print('OUT=' + repr(sorted(out.splitlines())))
resp = stream(api.connect_get_namespaced_pod_exec, 'shell', 'default', container='main', command=['sh', '-c', 'read x; echo "got $x"; exit 3'], stderr=True, stdin=True, stdout=True, tty=False, _preload_content=False)
resp.write_stdin('abc\\n')
resp.run_forever(timeout=30)
print('STDOUT=' + repr(resp.read_stdout()))
print('RC=' + str(resp.returncode))
`;
    const r = await new Promise<Run>((resolve) => {
      execFile('/usr/bin/python3', ['-c', script, kubeconfig], { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain("OUT=['py-err', 'py-out']");
    expect(r.stdout).toContain("STDOUT='got abc\\n'");
    expect(r.stdout).toContain('RC=3');
  });
});
