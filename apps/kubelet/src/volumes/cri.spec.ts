import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { createLogger } from '@tskube/component';
import { cri } from '@tskube/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test-only use of the repository's harnesses (tools/ is not a lib an app may depend on): they
// start a private containerd and load the project's images into it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureImages } from '../../../../tools/images/build.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { BUSYBOX_IMAGE } from '../../../../tools/images/names.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startContainerd, type Containerd } from '../../../../tools/containerd/index';
import { CriClient } from '../cri/index';
import { expandContainerCommand, makeEnvironment, type EnvSources } from '../env/index';
import { PluginDir, VolumeManager, type VolumeSources } from './index';

// The environment and the volumes of a pod, made by this module, given to a busybox container
// through CRI (a private containerd and runc), and read back from inside it with ExecSync.

const b64 = (s: string) => Buffer.from(s).toString('base64');
const logger = createLogger({ component: 'kubelet-test', level: 'error', write: () => undefined });

class Objects implements EnvSources, VolumeSources {
  configMaps = new Map<string, corev1.ConfigMap>();
  secrets = new Map<string, corev1.Secret>();
  services: corev1.Service[] = [];
  async getConfigMap(ns: string, name: string) {
    return this.configMaps.get(`${ns}/${name}`);
  }
  async getSecret(ns: string, name: string) {
    return this.secrets.get(`${ns}/${name}`);
  }
  async listServices(ns: string) {
    return this.services.filter((s) => s.metadata?.namespace === ns);
  }
  async getPersistentVolumeClaim() {
    return undefined;
  }
  async getPersistentVolume() {
    return undefined;
  }
}

/** Polls `check` until it holds: containerd reports the container's state asynchronously. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('env and volumes through CRI (containerd + runc, busybox)', () => {
  let containerd: Containerd;
  let client: CriClient;
  let rootDir: string;
  let hostDir: string;
  let volumes: VolumeManager;
  let containerId = '';
  let sandboxId = '';
  const objects = new Objects();
  const uid = `envvol-${process.pid}`;

  const container: corev1.Container = {
    name: 'app',
    image: BUSYBOX_IMAGE,
    command: ['sh', '-c', 'echo "$(GREETING), $(POD_NAME)" > /scratch/greeting; exec sleep 3600'],
    envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'app-config' } }],
    env: [
      { name: 'GREETING', value: 'hello' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'URL', value: 'http://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)/$(POD_NAME)' },
    ],
    resources: { limits: { memory: '32Mi' } },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/config' },
      { name: 'config', mountPath: '/etc/app.conf', subPath: 'app.conf' },
      { name: 'secret', mountPath: '/etc/secret' },
      { name: 'podinfo', mountPath: '/etc/podinfo' },
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'ram', mountPath: '/ram' },
      { name: 'host', mountPath: '/host', readOnly: true },
    ],
  };

  const pod: corev1.Pod = {
    metadata: { name: 'envvol', namespace: 'shop', uid, labels: { app: 'envvol' } },
    spec: {
      nodeName: 'node-1',
      enableServiceLinks: true,
      containers: [container],
      volumes: [
        { name: 'config', configMap: { name: 'app-config' } },
        { name: 'secret', secret: { secretName: 'db', defaultMode: 0o400 } },
        { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } },
        { name: 'host', hostPath: { path: '', type: 'Directory' } },
      ],
    },
  };

  async function exec(script: string): Promise<{ out: string; code: number }> {
    const res = await client.execSync(containerId, ['sh', '-c', script], 20);
    return { out: res.stdout.toString() + res.stderr.toString(), code: res.exitCode };
  }

  beforeAll(async () => {
    rootDir = realpathSync(mkdtempSync(join(tmpdir(), 'tskube-envvol-root-')));
    hostDir = realpathSync(mkdtempSync(join(tmpdir(), 'tskube-envvol-host-')));
    writeFileSync(join(hostDir, 'from-host'), 'host file\n');
    pod.spec!.volumes!.find((v) => v.name === 'host')!.hostPath!.path = hostDir;

    objects.configMaps.set('shop/app-config', { metadata: { name: 'app-config', namespace: 'shop' }, data: { 'app.conf': 'level=info\n', MODE: 'fast' } });
    objects.secrets.set('shop/db', { metadata: { name: 'db', namespace: 'shop' }, data: { password: b64('s3cret!') } });
    objects.services = [{ metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } }];

    containerd = await startContainerd();
    client = new CriClient({ endpoint: containerd.endpoint, requestTimeoutMs: 60_000 });
    await ensureImages({ address: containerd.socket, snapshotter: containerd.snapshotter, outDir: join(containerd.dataDir, 'images'), only: ['pause', 'busybox'] });

    volumes = new VolumeManager({ rootDir, sources: objects, logger, nodeName: 'node-1', nodeAllocatable: () => ({ memory: '1Gi' }) });
    await volumes.setUpPod(pod);
    const env = await makeEnvironment(pod, container, objects, { nodeName: 'node-1', hostIP: '127.0.0.1' });
    const { command, args } = expandContainerCommand(container, env);

    const logDirectory = join(rootDir, 'logs');
    mkdirSync(logDirectory, { recursive: true });
    const sandboxConfig = {
      metadata: { name: pod.metadata!.name!, namespace: 'shop', uid, attempt: 0 },
      hostname: '',
      logDirectory,
      linux: { securityContext: { namespaceOptions: { network: cri.NamespaceMode.NODE } } },
    };
    sandboxId = await client.runPodSandbox(sandboxConfig);
    containerId = await client.createContainer(
      sandboxId,
      {
        metadata: { name: container.name },
        image: { image: BUSYBOX_IMAGE },
        command,
        args,
        envs: env.map((e) => ({ key: e.name, value: e.value })),
        mounts: volumes.mountsFor(pod, container, env),
        logPath: 'app/0.log',
      },
      sandboxConfig,
    );
    await client.startContainer(containerId);
    await eventually(async () => (await client.containerStatus(containerId)).status?.state === cri.ContainerState.CONTAINER_RUNNING, 'the container runs');
  }, 240_000);

  afterAll(async () => {
    if (sandboxId) {
      await client.stopPodSandbox(sandboxId).catch(() => undefined);
      await client.removePodSandbox(sandboxId).catch(() => undefined);
    }
    client?.close();
    await containerd?.stop();
    await volumes?.tearDownPod(uid);
    rmSync(rootDir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  }, 120_000);

  it('gives the container its environment: literals, envFrom with prefix, downward API, secrets, resources, service links, expansion', async () => {
    const { out } = await exec('env');
    const env = Object.fromEntries(out.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(env).toMatchObject({
      GREETING: 'hello',
      POD_NAME: 'envvol',
      DB_PASSWORD: 's3cret!',
      MEM_MI: '32',
      CFG_MODE: 'fast',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      URL: 'http://10.96.0.1:443/envvol',
    });
  });

  it('runs the command with $(VAR) expanded', async () => {
    expect((await exec('cat /scratch/greeting')).out).toBe('hello, envvol\n');
    // The emptyDir is the host directory the volume manager made.
    expect(readFileSync(join(volumes.volumeDir(uid, PluginDir.EmptyDir, 'scratch'), 'greeting'), 'utf8')).toBe('hello, envvol\n');
  });

  it('mounts configMap, secret and downwardAPI files, read-only, with their modes', async () => {
    expect((await exec('cat /etc/config/app.conf /etc/config/MODE; echo; cat /etc/app.conf')).out).toBe('level=info\nfast\nlevel=info\n');
    expect((await exec('cat /etc/secret/password')).out).toBe('s3cret!');
    expect((await exec('stat -L -c %a /etc/secret/password /etc/config/MODE')).out).toBe('400\n644\n');
    expect((await exec('cat /etc/podinfo/labels')).out).toBe('app="envvol"');
    expect((await exec('readlink /etc/config/app.conf; readlink /etc/config/..data')).out).toMatch(/^\.\.data\/app\.conf\n\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+\n$/);
    const write = await exec('touch /etc/config/new 2>&1; touch /etc/secret/new 2>&1; touch /host/new 2>&1');
    expect(write.out.match(/Read-only file system/g)).toHaveLength(3);
  });

  it('keeps the secret and the Memory emptyDir on tmpfs, the latter sized by its limit', async () => {
    const mounts = (await exec('cat /proc/mounts')).out.split('\n');
    expect(mounts.find((m) => m.split(' ')[1] === '/etc/secret')).toMatch(/^tmpfs \/etc\/secret tmpfs ro,/);
    expect(mounts.find((m) => m.split(' ')[1] === '/ram')).toMatch(/^tmpfs \/ram tmpfs rw,.*size=4096k/);
    expect((await exec('echo x > /ram/f && cat /ram/f')).out).toBe('x\n');
  });

  it('mounts a hostPath', async () => {
    expect((await exec('cat /host/from-host')).out).toBe('host file\n');
  });

  it('shows refreshed configMap contents in the running container, but not through a subPath', async () => {
    objects.configMaps.set('shop/app-config', { metadata: { name: 'app-config', namespace: 'shop' }, data: { 'app.conf': 'level=debug\n', MODE: 'slow' } });
    await volumes.refreshPod(pod);
    expect((await exec('cat /etc/config/app.conf /etc/config/MODE')).out).toBe('level=debug\nslow');
    // As in Kubernetes, a subPath mount keeps the file it was started with.
    expect((await exec('cat /etc/app.conf')).out).toBe('level=info\n');
  });
});
