import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { appsv1, corev1 } from '@tskube/api-types';
import { buildOnce, freePorts } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localComponents } from './components.mjs';

// The acceptance scenario on `npm start`: the launcher runs the real apiserver, controller-manager,
// scheduler and kubelet over a containerd of its own, and the real kubectl drives an nginx
// Deployment through create, scale, rollout, rollback and pod replacement. The cluster gets free
// ports and a pod network (bridge and /16) of its own, so it can run beside any other cluster.

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const startScript = join(root, 'tools/cluster/start.mjs');
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl';
const OLD_IMAGE = 'docker.io/library/nginx:1.22';
const NEW_IMAGE = 'docker.io/library/nginx:latest';
const RUNNING_LINE = 'tskube: running; Ctrl-C stops every component.';

/** Polls `check` until it returns something other than undefined or false. */
async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs: number, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A /16 for the pod network that no route of this host touches yet, and its first /24 (the node's). */
function pickPodNetwork(): { clusterCIDR: string; podCIDR: string } {
  const routes = spawnSync('ip', ['-4', 'route', 'show'], { encoding: 'utf8' }).stdout ?? '';
  const taken = new Set([...routes.matchAll(/^10\.(\d+)\./gm)].map((m) => Number(m[1])));
  // The kubelet's own specs take 10.200-249; stay below them.
  const free = Array.from({ length: 50 }, (_, i) => 150 + i).filter((n) => !taken.has(n));
  if (!free.length) throw new Error('no free 10.x.0.0/16 for the pod network');
  const n = free[randomBytes(1)[0]! % free.length]!;
  return { clusterCIDR: `10.${n}.0.0/16`, podCIDR: `10.${n}.0.0/24` };
}

/** pid → (parent, start time): a pid alone could be reused by the time it is checked again. */
interface Proc {
  pid: number;
  ppid: number;
  start: string;
  cmdline: string;
}

function processTable(): Map<number, Proc> {
  const table = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      table.set(Number(entry), { pid: Number(entry), ppid: Number(fields[1]), start: fields[19]!, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

function stillRunning(procs: Proc[]): Proc[] {
  const now = processTable();
  return procs.filter((p) => now.get(p.pid)?.start === p.start);
}

/** `roots` and every process below them. */
function withDescendants(table: Map<number, Proc>, roots: number[]): Proc[] {
  const children = new Map<number, number[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length) {
    const pid = queue.pop()!;
    if (seen.has(pid) || !table.has(pid)) continue;
    seen.add(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return [...seen].map((pid) => table.get(pid)!);
}

/** Mount points under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .sort()
    .reverse();
}

/**
 * The pod's cgroups (`kubepods[/<qos>]/pod<uid>`, in every cgroup v1 hierarchy or the unified one)
 * and the cgroups below them.
 */
function podCgroups(uid: string): string[] {
  const root = '/sys/fs/cgroup';
  const hierarchies = [root, ...readdirSync(root).map((h) => join(root, h))];
  const found: string[] = [];
  const walk = (path: string) => {
    found.push(path);
    for (const e of readdirSync(path, { withFileTypes: true })) if (e.isDirectory()) walk(join(path, e.name));
  };
  for (const h of hierarchies) {
    for (const rel of [`kubepods/pod${uid}`, `kubepods/burstable/pod${uid}`, `kubepods/besteffort/pod${uid}`]) {
      if (existsSync(join(h, rel))) walk(join(h, rel));
    }
  }
  return found;
}

function isReady(pod: corev1.Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp && !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}

describe('npm start end to end: an nginx Deployment driven by the real kubectl', () => {
  let dir: string;
  let dataDir: string;
  let bridge: string;
  let launcher: ChildProcess;
  let exited: Promise<number | null>;
  let output = '';
  const timings: Record<string, number> = {};
  const podUIDs: string[] = [];

  const kubectl = (args: string[], timeoutMs = 120_000): Promise<string> =>
    new Promise((res, rej) => {
      execFile(KUBECTL, [`--kubeconfig=${join(dataDir, 'kubeconfig')}`, `--cache-dir=${join(dir, 'kube-cache')}`, ...args], { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err) rej(new Error(`kubectl ${args.join(' ')} failed (${err.code ?? err.signal}): ${stderr}${stdout}`));
        else res(stdout);
      });
    });

  const webPods = async (): Promise<corev1.Pod[]> => (JSON.parse(await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as corev1.PodList).items;

  /** Waits until exactly `count` web pods exist (none terminating), all Running and Ready, and returns them. */
  const waitForReadyPods = (count: number, what: string, extra: (pods: corev1.Pod[]) => boolean = () => true): Promise<corev1.Pod[]> =>
    eventually(
      async () => {
        const pods = await webPods();
        return pods.length === count && pods.every(isReady) && extra(pods) ? pods : undefined;
      },
      `${count} web pods are Running and Ready (${what})`,
      150_000,
    );

  const imagesOf = async (): Promise<string[]> =>
    (await kubectl(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}'])).split('\n').filter(Boolean);

  /** Every pod's nginx answers 200 on its pod IP, port 80, straight from this process through the bridge. */
  const expectNginxAnswers = async (pods: corev1.Pod[]) => {
    for (const pod of pods) {
      const ip = pod.status?.podIP;
      expect(ip, `pod ${pod.metadata?.name} has an IP`).toMatch(/^10\.\d+\.\d+\.\d+$/);
      const res = await eventually(() => fetch(`http://${ip}:80/`, { signal: AbortSignal.timeout(5_000) }), `nginx answers on ${ip}:80`, 30_000);
      expect(res.status).toBe(200);
      expect(res.headers.get('server')).toMatch(/^nginx\/1\.22\./);
      await res.body?.cancel();
    }
  };

  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const v = await step();
    timings[name] = Math.round(performance.now() - t);
    return v;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-e2e-'));
    dataDir = join(dir, 'data');
    bridge = `tske2e${randomBytes(3).toString('hex')}`;
    const t = performance.now();
    for (const app of ['apiserver', 'controller-manager', 'scheduler', 'kubelet']) buildOnce(app);
    const [apiserver, apiserverGrpc, controllerManager, scheduler, kubeletHealthz, kubeletPort] = await freePorts(6);
    const components = localComponents({
      root,
      dataDir,
      ports: { apiserver, apiserverGrpc, controllerManager, scheduler, kubeletHealthz, kubelet: kubeletPort },
      network: { ...pickPodNetwork(), bridge },
    });
    const file = join(dir, 'components.json');
    writeFileSync(file, JSON.stringify(components));
    launcher = spawn(process.execPath, [startScript, `--data-dir=${dataDir}`], { env: { ...process.env, TSKUBE_CLUSTER_COMPONENTS: file } });
    launcher.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((res) => launcher.once('exit', (code) => res(code)));
    await eventually(
      async () => {
        if (launcher.exitCode !== null) throw new Error(`the launcher exited (${launcher.exitCode}):\n${output}`);
        return output.includes(RUNNING_LINE);
      },
      'the launcher reports the cluster running',
      240_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
    // The kubelet answering /healthz does not mean its Node is registered and Ready yet.
    await eventually(
      async () => {
        const nodes = (JSON.parse(await kubectl(['get', 'nodes', '-o', 'json'])) as corev1.NodeList).items;
        return nodes.length === 1 && nodes[0]!.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      },
      'the node is Ready',
      90_000,
    );
    timings['cluster up'] = Math.round(performance.now() - t);
  }, 360_000);

  afterAll(async () => {
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 60_000))]);
      if (done === 'timeout') launcher.kill('SIGKILL');
    }
    if (bridge) spawnSync('ip', ['link', 'delete', bridge], { stdio: 'ignore' });
    // Should a failed run leave pod cgroups behind, the next run must not trip over them.
    for (const uid of podUIDs) {
      for (const cg of podCgroups(uid).reverse()) {
        try {
          rmdirSync(cg);
        } catch {
          // still in use: reported by the last spec
        }
      }
    }
    if (dir) {
      for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(`e2e step timings (ms): ${JSON.stringify(timings)}`);
  }, 120_000);

  it('creates a 3-replica nginx Deployment that rolls out, each pod serving HTTP on its pod IP', async () => {
    const manifest: appsv1.Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            terminationGracePeriodSeconds: 10,
            containers: [
              {
                name: 'nginx',
                image: OLD_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: 80 }],
                readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 2 },
              },
            ],
          },
        },
      },
    };
    writeFileSync(join(dir, 'web.json'), JSON.stringify(manifest));
    await timed('create and roll out 3', async () => {
      expect(await kubectl(['create', '-f', join(dir, 'web.json')])).toContain('deployment.apps/web created');
      expect(await kubectl(['rollout', 'status', 'deploy/web', '--timeout=180s'], 200_000)).toContain('successfully rolled out');
    });
    const pods = await waitForReadyPods(3, 'after the first rollout');
    expect(new Set(pods.map((p) => p.status!.podIP)).size).toBe(3);
    for (const pod of pods) {
      expect(pod.spec!.nodeName).toBeTruthy();
      expect(pod.status!.containerStatuses![0]).toMatchObject({ name: 'nginx', ready: true, started: true, restartCount: 0 });
      expect(pod.metadata!.ownerReferences![0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    }
    await expectNginxAnswers(pods);
  }, 300_000);

  it('scales to 5 and back to 2, the pods scaled away gone', async () => {
    await timed('scale to 5', async () => {
      expect(await kubectl(['scale', 'deploy/web', '--replicas=5'])).toContain('deployment.apps/web scaled');
      await waitForReadyPods(5, 'scaled up');
    });
    await timed('scale to 2', async () => {
      expect(await kubectl(['scale', 'deploy/web', '--replicas=2'])).toContain('deployment.apps/web scaled');
      const pods = await waitForReadyPods(2, 'scaled down');
      await expectNginxAnswers(pods);
    });
    const deploy = JSON.parse(await kubectl(['get', 'deploy', 'web', '-o', 'json'])) as appsv1.Deployment;
    expect(deploy.status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 });
  }, 300_000);

  it('rolls out a new image with a patch and rolls it back with rollout undo', async () => {
    await timed('patch rollout', async () => {
      const patch = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'nginx', image: NEW_IMAGE, imagePullPolicy: 'IfNotPresent' }] } } } });
      expect(await kubectl(['patch', 'deploy/web', '--type', 'merge', '-p', patch])).toContain('deployment.apps/web patched');
      expect(await kubectl(['rollout', 'status', 'deploy/web', '--timeout=180s'], 200_000)).toContain('successfully rolled out');
      // rollout status is done once the new pods are available; the old ones may still be terminating.
      await waitForReadyPods(2, 'on the new image', (pods) => pods.every((p) => p.spec!.containers[0]!.image === NEW_IMAGE));
    });
    expect(await imagesOf()).toEqual([NEW_IMAGE, NEW_IMAGE]);

    await timed('rollout undo', async () => {
      expect(await kubectl(['rollout', 'undo', 'deploy/web'])).toContain('deployment.apps/web rolled back');
      expect(await kubectl(['rollout', 'status', 'deploy/web', '--timeout=180s'], 200_000)).toContain('successfully rolled out');
      const pods = await waitForReadyPods(2, 'back on the old image', (ps) => ps.every((p) => p.spec!.containers[0]!.image === OLD_IMAGE));
      await expectNginxAnswers(pods);
    });
    expect(await imagesOf()).toEqual([OLD_IMAGE, OLD_IMAGE]);
    // Rolling back makes the first template the newest revision, as Kubernetes numbers them.
    expect(await kubectl(['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).toBe('3');
    const history = await kubectl(['rollout', 'history', 'deploy/web']);
    expect(history).toMatch(/^2\s/m);
    expect(history).toMatch(/^3\s/m);
    expect(history).not.toMatch(/^1\s/m);
  }, 400_000);

  it('replaces a deleted pod', async () => {
    const before = await waitForReadyPods(2, 'before the deletion');
    const victim = before[0]!.metadata!.name!;
    await timed('replace a deleted pod', async () => {
      expect(await kubectl(['delete', 'pod', victim])).toContain(`pod "${victim}" deleted`);
      const after = await waitForReadyPods(2, 'after the replacement', (pods) => pods.every((p) => p.metadata!.name !== victim));
      expect(after.map((p) => p.metadata!.name)).toContain(before[1]!.metadata!.name);
      await expectNginxAnswers(after);
    });
  }, 300_000);

  it('serves kubectl logs (--tail, -f, -p), exec (ls, exit codes, stdin, a terminal) and cp for pods on the kubelet', async () => {
    const kubeconfig = join(dataDir, 'kubeconfig');
    const run = (args: string[], input?: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
        const child = execFile(KUBECTL, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'kube-cache')}`, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
          res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
        child.stdin!.end(input ?? '');
      });
    const busybox = ['--image=docker.io/library/busybox:1.35', '--image-pull-policy=IfNotPresent'];
    await kubectl(['run', 'shell', ...busybox, '--', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line-$i; done; i=0; while true; do i=$((i+1)); echo tick-$i; sleep 1; done']);
    await kubectl(['run', 'restarter', ...busybox, '--', 'sh', '-c', 'echo instance-$(cat /proc/sys/kernel/random/uuid); sleep 2; exit 1']);
    await eventually(async () => (await kubectl(['get', 'pod', 'shell', '-o', 'jsonpath={.status.phase}'])) === 'Running', 'the shell pod runs', 120_000);

    // Logs: all of them, the last lines, and following new ones as they are written.
    const logs = await eventually(async () => {
      const out = await kubectl(['logs', 'shell']);
      return out.includes('tick-2') ? out : undefined;
    }, 'the shell pod logs its ticks', 60_000);
    expect(logs.startsWith('line-1\nline-2\nline-3\nline-4\nline-5\ntick-1\n')).toBe(true);
    expect((await kubectl(['logs', 'shell', '--tail=1'])).trim()).toMatch(/^tick-\d+$/);
    const lastTick = Math.max(...[...logs.matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
    const follow = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, 'logs', '-f', 'shell', '--tail=1']);
    let followed = '';
    follow.stdout.on('data', (d: Buffer) => (followed += d.toString()));
    try {
      await eventually(
        async () => [...followed.matchAll(/tick-(\d+)/g)].some((m) => Number(m[1]) > lastTick + 1),
        'kubectl logs -f shows ticks written after it started',
        30_000,
        200,
      );
    } finally {
      follow.kill();
    }

    // Exec: a listing, the command's exit code as kubectl's, stdin, and a terminal.
    const ls = await run(['exec', 'shell', '--', 'ls', '/']);
    expect(ls.code).toBe(0);
    expect(ls.stdout.split('\n')).toEqual(expect.arrayContaining(['bin', 'etc', 'proc']));
    expect((await run(['exec', 'shell', '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    const counted = await run(['exec', '-i', 'shell', '--', 'sh', '-c', 'cat > /tmp/in; wc -c < /tmp/in'], 'twelve bytes');
    expect(counted).toMatchObject({ code: 0 });
    expect(counted.stdout.trim()).toBe('12');
    const tty = spawnSync('script', ['-qec', `${KUBECTL} --kubeconfig=${kubeconfig} exec -it shell -- sh -c 'tty; exit 4'`, '/dev/null'], { encoding: 'utf8', timeout: 60_000, input: '' });
    expect(tty.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(tty.status).toBe(4);

    // cp, both directions (kubectl streams a tar through exec).
    const local = join(dir, 'to-pod.txt');
    writeFileSync(local, 'copied into the pod\n');
    expect((await run(['cp', local, 'default/shell:/tmp/copied.txt'])).code).toBe(0);
    expect(await kubectl(['exec', 'shell', '--', 'cat', '/tmp/copied.txt'])).toBe('copied into the pod\n');
    const back = join(dir, 'from-pod.txt');
    expect((await run(['cp', 'default/shell:/tmp/copied.txt', back])).code).toBe(0);
    expect(readFileSync(back, 'utf8')).toBe('copied into the pod\n');

    // -p: the log of the instance before the last restart.
    await eventually(
      async () => Number(await kubectl(['get', 'pod', 'restarter', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])) >= 1,
      'the restarter pod restarted',
      120_000,
    );
    const previous = await kubectl(['logs', 'restarter', '-p']);
    expect(previous).toMatch(/^instance-[0-9a-f-]{36}\n$/);
    const current = await eventually(async () => {
      const r = await run(['logs', 'restarter']);
      return r.code === 0 && r.stdout.startsWith('instance-') ? r.stdout : undefined;
    }, 'the restarted instance logs', 60_000);
    expect(current).not.toBe(previous);
  }, 400_000);

  it('stops on SIGTERM leaving no component, containerd, shim or container behind', async () => {
    const table = processTable();
    // The launcher's own children (the components, containerd's supervisor and containerd), and the
    // shims, which leave containerd's process tree, with the containers below them.
    const shims = [...table.values()].filter((p) => p.cmdline.includes('containerd-shim') && p.cmdline.includes(dataDir));
    const tracked = withDescendants(table, [launcher.pid!, ...shims.map((p) => p.pid)]);
    const names = tracked.map((p) => p.cmdline);
    for (const app of ['apiserver', 'controller-manager', 'scheduler', 'kubelet']) {
      expect(names.some((c) => c.includes(`dist/apps/${app}/main.js`)), `${app} runs`).toBe(true);
    }
    expect(names.some((c) => /\bcontainerd --config/.test(c))).toBe(true);
    // Two pods: a shim each, with its sandbox and nginx (master and workers) below it.
    expect(shims.length).toBeGreaterThanOrEqual(2);
    expect(names.filter((c) => c.startsWith('nginx: master process')).length).toBe(2);

    podUIDs.push(...(await webPods()).map((p) => p.metadata!.uid!));
    const busyCgroups = () => podUIDs.flatMap(podCgroups).filter((cg) => readFileSync(join(cg, 'cgroup.procs'), 'utf8').trim() !== '');
    expect(busyCgroups().length, 'the pods run in their own cgroups').toBeGreaterThan(0);
    const t = performance.now();
    launcher.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running after 90 s'), 90_000))]);
    timings['SIGTERM to exit'] = Math.round(performance.now() - t);
    expect(code, output).toBe(0);
    expect(output).toContain('tskube: stopping (SIGTERM)');

    await eventually(async () => stillRunning(tracked).length === 0, 'every process of the cluster is gone', 20_000, 100).catch(() => undefined);
    expect(stillRunning(tracked).map((p) => `${p.pid} ${p.cmdline}`)).toEqual([]);
    // Nothing else on the machine runs from the data directory either.
    expect([...processTable().values()].filter((p) => p.cmdline.includes(dataDir)).map((p) => `${p.pid} ${p.cmdline}`)).toEqual([]);
    // No container filesystem stays mounted, and no process stays in the pods' cgroups.
    expect(mountsUnder(dir)).toEqual([]);
    expect(busyCgroups()).toEqual([]);
    // containerd's stop removes the pod cgroups the runtime made and left behind.
    expect(podUIDs.flatMap(podCgroups)).toEqual([]);
    // The pods' network went with their sandboxes: nothing is plugged into the bridge any more.
    expect(spawnSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' }).stdout.trim()).toBe('');
    for (const name of ['apiserver', 'controller-manager', 'scheduler', 'kubelet']) {
      expect(readFileSync(join(dataDir, 'logs', `${name}.log`), 'utf8'), `${name} logged its shutdown`).toContain('"msg":"shutdown complete"');
    }
  }, 150_000);
});
