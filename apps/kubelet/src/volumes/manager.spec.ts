import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { authenticationv1, corev1 } from '@tskube/api-types';
import { createLogger } from '@tskube/component';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VolumeError } from './errors';
import { PluginDir, VolumeManager, type VolumeSources } from './manager';
import { SystemMounter, type MountPoint, type Mounter } from './mounter';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const logger = createLogger({ component: 'kubelet-test', level: 'error', write: () => undefined });
const mounter = new SystemMounter();

/** VolumeSources over mutable in-memory objects. */
class FakeSources implements VolumeSources {
  configMaps = new Map<string, corev1.ConfigMap>();
  secrets = new Map<string, corev1.Secret>();
  claims = new Map<string, corev1.PersistentVolumeClaim>();
  volumes = new Map<string, corev1.PersistentVolume>();
  tokenRequests: { namespace: string; account: string; request: authenticationv1.TokenRequest }[] = [];
  issueTokens = true;

  async getConfigMap(ns: string, name: string) {
    return this.configMaps.get(`${ns}/${name}`);
  }
  async getSecret(ns: string, name: string) {
    return this.secrets.get(`${ns}/${name}`);
  }
  async getPersistentVolumeClaim(ns: string, name: string) {
    return this.claims.get(`${ns}/${name}`);
  }
  async getPersistentVolume(name: string) {
    return this.volumes.get(name);
  }
  async requestServiceAccountToken(namespace: string, account: string, request: authenticationv1.TokenRequest) {
    if (!this.issueTokens) throw new Error('serviceaccounts "robot" not found');
    this.tokenRequests.push({ namespace, account, request });
    return { ...request, status: { token: `token-${this.tokenRequests.length}`, expirationTimestamp: '2099-01-01T00:00:00Z' } };
  }
}

const roots: string[] = [];
function newRoot(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tskube-volumes-')));
  roots.push(dir);
  return dir;
}

async function mountsBelow(dir: string): Promise<MountPoint[]> {
  return (await mounter.mountPoints()).filter((m) => m.path.startsWith(`${dir}/`));
}

afterAll(async () => {
  // Whatever a failed test left mounted goes before its directory does.
  for (const root of roots) {
    for (const m of (await mountsBelow(root)).reverse()) await mounter.unmount(m.path).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }
});

const mode = (path: string) => statSync(path).mode & 0o7777;

function pod(volumes: corev1.Volume[], extra: Partial<corev1.PodSpec> = {}, uid = 'pod-uid-1'): corev1.Pod {
  return {
    metadata: { name: 'web', namespace: 'shop', uid, labels: { app: 'web' }, annotations: { rev: '1' } },
    spec: {
      nodeName: 'node-1',
      serviceAccountName: 'robot',
      containers: [{ name: 'main', image: 'busybox', resources: { limits: { memory: '64Mi', cpu: '500m' } } }],
      volumes,
      ...extra,
    },
  };
}

describe('VolumeManager', () => {
  let root: string;
  let sources: FakeSources;
  let manager: VolumeManager;
  let now: Date;

  beforeAll(() => {
    root = newRoot();
  });

  const fresh = (uid = 'pod-uid-1') => {
    sources = new FakeSources();
    sources.configMaps.set('shop/app-config', { metadata: { name: 'app-config', namespace: 'shop' }, data: { 'app.conf': 'level=info\n', extra: 'e' } });
    sources.secrets.set('shop/creds', { metadata: { name: 'creds', namespace: 'shop' }, data: { password: b64('hunter2'), user: b64('admin') } });
    now = new Date('2024-05-01T12:00:00Z');
    manager = new VolumeManager({ rootDir: root, sources, logger, nodeName: 'node-1', now: () => now, nodeAllocatable: () => ({ cpu: '2', memory: '1Gi' }) });
    return uid;
  };

  afterEach(async () => {
    for (const uid of await manager.podsOnDisk()) await manager.tearDownPod(uid);
    expect(await mountsBelow(root)).toEqual([]);
  });

  it('makes an emptyDir directory 0777 under pods/<uid>/volumes/kubernetes.io~empty-dir', async () => {
    fresh();
    const p = pod([{ name: 'scratch', emptyDir: {} }]);
    await manager.setUpPod(p);
    const dir = join(root, 'pods/pod-uid-1/volumes/kubernetes.io~empty-dir/scratch');
    expect(manager.volumeDir('pod-uid-1', PluginDir.EmptyDir, 'scratch')).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(mode(dir)).toBe(0o777);
    expect(await mountsBelow(root)).toEqual([]);
    expect(manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] })).toEqual([
      { containerPath: '/scratch', hostPath: dir, readonly: false, selinuxRelabel: false, propagation: 0 },
    ]);
  });

  it.each([
    { name: 'its sizeLimit when smaller than the pod limit', sizeLimit: '2Mi', want: 'size=2048k' },
    { name: 'the pod memory limit when no sizeLimit is set', sizeLimit: undefined, want: 'size=65536k' },
    { name: 'the pod memory limit when the sizeLimit is larger', sizeLimit: '1Gi', want: 'size=65536k' },
  ])('mounts a Memory emptyDir as a tmpfs sized by $name', async ({ sizeLimit, want }) => {
    fresh();
    await manager.setUpPod(pod([{ name: 'ram', emptyDir: { medium: 'Memory', ...(sizeLimit ? { sizeLimit } : {}) } }]));
    const dir = manager.volumeDir('pod-uid-1', PluginDir.EmptyDir, 'ram');
    const mounts = await mountsBelow(root);
    expect(mounts).toEqual([{ path: dir, fsType: 'tmpfs', superOptions: expect.stringContaining(want) }]);
    writeFileSync(join(dir, 'f'), 'in memory');
    // Set up again: the tmpfs (and what is in it) stays, nothing is mounted twice.
    await manager.setUpPod(pod([{ name: 'ram', emptyDir: { medium: 'Memory', ...(sizeLimit ? { sizeLimit } : {}) } }]));
    expect(await mountsBelow(root)).toHaveLength(1);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('in memory');
  });

  it('writes a configMap volume in the atomic layout, read-only to containers', async () => {
    fresh();
    const p = pod([{ name: 'config', configMap: { name: 'app-config', defaultMode: 0o640, items: [{ key: 'app.conf', path: 'conf/app.conf' }, { key: 'extra', path: 'extra', mode: 0o600 }] } }]);
    await manager.setUpPod(p);
    const dir = join(root, 'pods/pod-uid-1/volumes/kubernetes.io~configmap/config');
    expect(readlinkSync(join(dir, '..data'))).toMatch(/^\.\.2024_05_01_12_00_00\.\d+$/);
    expect(readlinkSync(join(dir, 'conf'))).toBe('..data/conf');
    expect(readFileSync(join(dir, 'conf/app.conf'), 'utf8')).toBe('level=info\n');
    expect(mode(join(dir, 'conf/app.conf'))).toBe(0o640);
    expect(mode(join(dir, 'extra'))).toBe(0o600);
    expect(await mountsBelow(root)).toEqual([]);
    expect(manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] })[0]).toMatchObject({ hostPath: dir, readonly: true });
  });

  it('keeps secrets on a tmpfs, with the default mode 0644', async () => {
    fresh();
    await manager.setUpPod(pod([{ name: 'secret', secret: { secretName: 'creds' } }]));
    const dir = manager.volumeDir('pod-uid-1', PluginDir.Secret, 'secret');
    expect(await mountsBelow(root)).toEqual([expect.objectContaining({ path: dir, fsType: 'tmpfs' })]);
    expect(readFileSync(join(dir, 'password'), 'utf8')).toBe('hunter2');
    expect(readFileSync(join(dir, 'user'), 'utf8')).toBe('admin');
    expect(mode(join(dir, 'password'))).toBe(0o644);
    expect(lstatSync(join(dir, 'password')).isSymbolicLink()).toBe(true);
  });

  it('writes downwardAPI files and rewrites them when the pod changes', async () => {
    fresh();
    const volume: corev1.Volume = {
      name: 'podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
          { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } },
          { path: 'cpu', resourceFieldRef: { containerName: 'main', resource: 'requests.cpu', divisor: '1m' } },
        ],
      },
    };
    const p = pod([volume]);
    await manager.setUpPod(p);
    const dir = manager.volumeDir('pod-uid-1', PluginDir.DownwardAPI, 'podinfo');
    expect(readFileSync(join(dir, 'labels'), 'utf8')).toBe('app="web"');
    expect(readFileSync(join(dir, 'name'), 'utf8')).toBe('web');
    expect(readFileSync(join(dir, 'mem'), 'utf8')).toBe('64');
    expect(readFileSync(join(dir, 'cpu'), 'utf8')).toBe('0');
    const before = readlinkSync(join(dir, '..data'));

    now = new Date('2024-05-01T12:05:00Z');
    await manager.refreshPod({ ...p, metadata: { ...p.metadata, labels: { app: 'web', version: 'v2' } } });
    expect(readFileSync(join(dir, 'labels'), 'utf8')).toBe('app="web"\nversion="v2"');
    expect(readlinkSync(join(dir, '..data'))).toMatch(/^\.\.2024_05_01_12_05_00\./);
    expect(existsSync(join(dir, before))).toBe(false);
  });

  it('refreshes configMap and secret contents in place, only when they changed', async () => {
    fresh();
    const p = pod([
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'secret', secret: { secretName: 'creds' } },
    ]);
    await manager.setUpPod(p);
    const cmDir = manager.volumeDir('pod-uid-1', PluginDir.ConfigMap, 'config');
    const secretDir = manager.volumeDir('pod-uid-1', PluginDir.Secret, 'secret');
    const cmVersion = readlinkSync(join(cmDir, '..data'));
    const secretVersion = readlinkSync(join(secretDir, '..data'));

    sources.configMaps.set('shop/app-config', { metadata: { name: 'app-config', namespace: 'shop' }, data: { 'app.conf': 'level=debug\n', added: 'new' } });
    await manager.refreshPod(p);
    expect(readFileSync(join(cmDir, 'app.conf'), 'utf8')).toBe('level=debug\n');
    expect(readFileSync(join(cmDir, 'added'), 'utf8')).toBe('new');
    expect(existsSync(join(cmDir, 'extra'))).toBe(false);
    expect(readlinkSync(join(cmDir, '..data'))).not.toBe(cmVersion);
    expect(readlinkSync(join(secretDir, '..data'))).toBe(secretVersion);
    expect(await mountsBelow(root)).toHaveLength(1);
  });

  it('projects configMap, secret, downwardAPI and a service account token into one tmpfs volume', async () => {
    fresh();
    const p = pod(
      [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 0o644,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607, audience: 'api' } },
              { configMap: { name: 'app-config', items: [{ key: 'app.conf', path: 'ca.crt' }] } },
              { secret: { name: 'creds', items: [{ key: 'user', path: 'user' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
      { securityContext: { fsGroup: 2000 } },
    );
    await manager.setUpPod(p);
    const dir = manager.volumeDir('pod-uid-1', PluginDir.Projected, 'kube-api-access');
    expect(await mountsBelow(root)).toEqual([expect.objectContaining({ path: dir, fsType: 'tmpfs' })]);
    expect(readdirSync(dir).filter((n) => !n.startsWith('..')).sort()).toEqual(['ca.crt', 'namespace', 'token', 'user']);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('token-1');
    // Written 0600 because of the fsGroup, then opened to the group as Kubernetes does: 0640.
    expect(mode(join(dir, 'token'))).toBe(0o640);
    expect(statSync(join(dir, 'token')).gid).toBe(2000);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe('level=info\n');
    expect(readFileSync(join(dir, 'namespace'), 'utf8')).toBe('shop');
    expect(sources.tokenRequests).toEqual([
      {
        namespace: 'shop',
        account: 'robot',
        request: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: ['api'], expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'pod-uid-1' } },
        },
      },
    ]);
    // A refresh reuses the token while it is young.
    await manager.refreshPod(p);
    expect(sources.tokenRequests).toHaveLength(1);
  });

  it('reports every failing projection together', async () => {
    fresh();
    sources.issueTokens = false;
    const p = pod([{ name: 'proj', projected: { sources: [{ configMap: { name: 'absent' } }, { serviceAccountToken: { path: 'token' } }, { secret: { name: 'absent', optional: true } }] } }]);
    await expect(manager.setUpPod(p)).rejects.toThrow('MountVolume.SetUp failed for volume "proj" : [configmap "absent" not found, failed to fetch token: serviceaccounts "robot" not found]');
    // Nothing was mounted for the volume that failed.
    expect(await mountsBelow(root)).toEqual([]);
  });

  it('fails token projections when the API server cannot issue tokens', async () => {
    fresh();
    const m = new VolumeManager({ rootDir: root, sources: { ...sources, requestServiceAccountToken: undefined, getConfigMap: sources.getConfigMap.bind(sources), getSecret: sources.getSecret.bind(sources), getPersistentVolumeClaim: sources.getPersistentVolumeClaim.bind(sources), getPersistentVolume: sources.getPersistentVolume.bind(sources) }, logger, nodeName: 'n' });
    await expect(m.setUpPod(pod([{ name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]))).rejects.toThrow(
      'MountVolume.SetUp failed for volume "proj" : failed to fetch token: the API server does not serve serviceaccounts/token',
    );
  });

  it('gives the fsGroup an emptyDir when it is made, and configMap files on every write', async () => {
    fresh();
    const p = pod([{ name: 'scratch', emptyDir: {} }, { name: 'config', configMap: { name: 'app-config', defaultMode: 0o600 } }], { securityContext: { fsGroup: 3000 } });
    await manager.setUpPod(p);
    const scratch = manager.volumeDir('pod-uid-1', PluginDir.EmptyDir, 'scratch');
    const config = manager.volumeDir('pod-uid-1', PluginDir.ConfigMap, 'config');
    expect([statSync(scratch).gid, mode(scratch)]).toEqual([3000, 0o2777]);
    expect([statSync(join(config, 'extra')).gid, mode(join(config, 'extra'))]).toEqual([3000, 0o640]);

    // A file a container made later keeps its own group: the emptyDir is not walked again.
    writeFileSync(join(scratch, 'later'), 'x');
    chownSync(join(scratch, 'later'), 0, 0);
    await manager.setUpPod(p);
    expect(statSync(join(scratch, 'later')).gid).toBe(0);
  });

  it('sets up optional configMap and secret volumes whose source is missing as empty volumes', async () => {
    fresh();
    await manager.setUpPod(pod([{ name: 'c', configMap: { name: 'absent', optional: true, items: [{ key: 'k', path: 'k' }] } }, { name: 's', secret: { secretName: 'absent', optional: true } }]));
    expect(readdirSync(join(manager.volumeDir('pod-uid-1', PluginDir.ConfigMap, 'c'), '..data'))).toEqual([]);
    expect(readdirSync(join(manager.volumeDir('pod-uid-1', PluginDir.Secret, 's'), '..data'))).toEqual([]);
  });

  describe('hostPath and claims', () => {
    let host: string;
    beforeAll(() => {
      host = newRoot();
      mkdirSync(join(host, 'existing'));
      mkdirSync(join(host, 'local-disk'));
      writeFileSync(join(host, 'a-file'), 'not a directory');
    });

    it('uses a hostPath in place, creating it for DirectoryOrCreate', async () => {
      fresh();
      const p = pod([{ name: 'h', hostPath: { path: join(host, 'made'), type: 'DirectoryOrCreate' } }]);
      await manager.setUpPod(p);
      expect(statSync(join(host, 'made')).isDirectory()).toBe(true);
      expect(manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'h', mountPath: '/host', mountPropagation: 'HostToContainer' }] })).toEqual([
        { containerPath: '/host', hostPath: join(host, 'made'), readonly: false, selinuxRelabel: false, propagation: 1 },
      ]);
      await manager.tearDownPod('pod-uid-1');
      expect(statSync(join(host, 'made')).isDirectory()).toBe(true);
    });

    const bound = (pvName: string, spec: Partial<corev1.PersistentVolumeSpec>) => {
      sources.claims.set('shop/data', { metadata: { name: 'data', namespace: 'shop', uid: 'claim-uid' }, spec: { volumeName: pvName }, status: { phase: 'Bound' } });
      sources.volumes.set(pvName, { metadata: { name: pvName }, spec: { claimRef: { namespace: 'shop', name: 'data', uid: 'claim-uid' }, ...spec } });
    };

    it.each([
      { name: 'a hostPath volume', spec: (h: string) => ({ hostPath: { path: join(h, 'existing'), type: 'Directory' } }), path: 'existing', readOnly: false },
      { name: 'a local volume, read-only', spec: (h: string) => ({ local: { path: join(h, 'local-disk') } }), path: 'local-disk', readOnly: true },
    ])('mounts a claim bound to $name', async ({ spec, path, readOnly }) => {
      fresh();
      bound('pv-1', spec(host));
      const p = pod([{ name: 'vol', persistentVolumeClaim: { claimName: 'data', readOnly } }]);
      await manager.setUpPod(p);
      expect(manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'vol', mountPath: '/data' }] })[0]).toMatchObject({ hostPath: join(host, path), readonly: readOnly });
    });

    it('mounts the claim of a generic ephemeral volume the pod owns', async () => {
      fresh();
      sources.claims.set('shop/web-scratch', {
        metadata: { name: 'web-scratch', namespace: 'shop', uid: 'c2', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'pod-uid-1', controller: true }] },
        spec: { volumeName: 'pv-e' },
        status: { phase: 'Bound' },
      });
      sources.volumes.set('pv-e', { metadata: { name: 'pv-e' }, spec: { claimRef: { uid: 'c2' }, hostPath: { path: join(host, 'existing') } } });
      await manager.setUpPod(pod([{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }]));
    });

    it.each([
      { name: 'a missing claim', arrange: () => undefined, error: 'error processing PVC shop/data: failed to fetch PVC from API server: persistentvolumeclaims "data" not found' },
      {
        name: 'a pending claim',
        arrange: () => sources.claims.set('shop/data', { metadata: { name: 'data', namespace: 'shop', uid: 'claim-uid' }, spec: {}, status: { phase: 'Pending' } }),
        error: 'error processing PVC shop/data: PVC is not bound',
      },
      {
        name: 'a claim being deleted',
        arrange: () => sources.claims.set('shop/data', { metadata: { name: 'data', namespace: 'shop', uid: 'claim-uid', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Bound' } }),
        error: "error processing PVC shop/data: can't start pod because PVC shop/data is being deleted",
      },
      {
        name: 'a missing volume',
        arrange: () => sources.claims.set('shop/data', { metadata: { name: 'data', namespace: 'shop', uid: 'claim-uid' }, spec: { volumeName: 'pv-gone' }, status: { phase: 'Bound' } }),
        error: 'error processing PVC shop/data: failed to fetch PV pv-gone from API server: persistentvolumes "pv-gone" not found',
      },
      {
        name: 'a volume bound to another claim',
        arrange: () => {
          bound('pv-1', { hostPath: { path: '/' } });
          sources.volumes.get('pv-1')!.spec!.claimRef!.uid = 'other-uid';
        },
        error: 'error processing PVC shop/data: found PV object pv-1 but its pv.Spec.ClaimRef.UID other-uid does not point to claim.UID claim-uid',
      },
      { name: 'a missing local path', arrange: () => bound('pv-l', { local: { path: '/nonexistent/disk' } }), error: 'MountVolume.NewMounter initialization failed for volume "pv-l" : path "/nonexistent/disk" does not exist' },
      { name: 'a local volume that is a file', arrange: () => bound('pv-f', { local: { path: join(host, 'a-file') } }), error: 'MountVolume.NewMounter initialization failed for volume "pv-f" : only directory and block device are supported' },
      {
        name: 'a hostPath volume of the wrong type',
        arrange: () => bound('pv-h', { hostPath: { path: join(host, 'a-file'), type: 'Directory' } }),
        error: () => `MountVolume.SetUp failed for volume "pv-h" : hostPath type check failed: ${join(host, 'a-file')} is not a directory`,
      },
      { name: 'a volume type this kubelet lacks', arrange: () => bound('pv-n', { nfs: { server: 'nfs', path: '/' } }), error: 'failed to get Plugin from volumeSpec for volume "pv-n" err=no volume plugin matched' },
    ])('refuses $name', async ({ arrange, error }) => {
      fresh();
      arrange();
      const err = await manager.setUpPod(pod([{ name: 'vol', persistentVolumeClaim: { claimName: 'data' } }])).catch((e: unknown) => e);
      const message = typeof error === 'function' ? error() : error;
      expect(err).toBeInstanceOf(VolumeError);
      expect((err as VolumeError).message).toBe(message);
      expect((err as VolumeError).failures).toEqual([{ volume: 'vol', message }]);
    });

    it('refuses an ephemeral claim the pod does not own', async () => {
      fresh();
      sources.claims.set('shop/web-scratch', { metadata: { name: 'web-scratch', namespace: 'shop', uid: 'c3' }, status: { phase: 'Bound' } });
      await expect(manager.setUpPod(pod([{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }]))).rejects.toThrow('PVC shop/web-scratch was not created for pod shop/web (pod is not owner)');
    });
  });

  it('attempts every volume and reports each failure, with Kubernetes messages', async () => {
    fresh();
    const p = pod([
      { name: 'ok', emptyDir: {} },
      { name: 'config', configMap: { name: 'missing-cm' } },
      { name: 'secret', secret: { secretName: 'missing-secret' } },
      { name: 'items', configMap: { name: 'app-config', items: [{ key: 'nope', path: 'x' }] } },
      { name: 'host', hostPath: { path: '/definitely/not/here', type: 'File' } },
      { name: 'nfs', nfs: { server: 'x', path: '/' } },
    ]);
    const err = (await manager.setUpPod(p).catch((e: unknown) => e)) as VolumeError;
    expect(err).toBeInstanceOf(VolumeError);
    expect(err.failures).toEqual([
      { volume: 'config', message: 'MountVolume.SetUp failed for volume "config" : configmap "missing-cm" not found' },
      { volume: 'secret', message: 'MountVolume.SetUp failed for volume "secret" : secret "missing-secret" not found' },
      { volume: 'items', message: 'MountVolume.SetUp failed for volume "items" : configmap references non-existent config key: nope' },
      { volume: 'host', message: 'MountVolume.SetUp failed for volume "host" : hostPath type check failed: /definitely/not/here is not a file' },
      { volume: 'nfs', message: 'failed to get Plugin from volumeSpec for volume "nfs" err=no volume plugin matched (nfs)' },
    ]);
    expect(err.message).toBe(err.failures.map((f) => f.message).join('; '));
    // The secret was never mounted: its source was refused first.
    expect(await mountsBelow(root)).toEqual([]);
    // The volume that worked can be mounted; the others cannot.
    expect(manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'ok', mountPath: '/ok' }] })).toHaveLength(1);
    expect(() => manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'config', mountPath: '/c' }] })).toThrow('cannot find volume "config" to mount into container "main"');
  });

  it('refuses mountsFor before setUpPod', () => {
    fresh();
    expect(() => manager.mountsFor(pod([], {}, 'never-set-up'), { name: 'main' })).toThrow(new VolumeError('volumes of pod shop/web are not set up'));
  });

  it('serialises concurrent set-ups and refreshes of one pod', async () => {
    fresh();
    const p = pod([{ name: 'secret', secret: { secretName: 'creds' } }, { name: 'config', configMap: { name: 'app-config' } }]);
    await Promise.all([manager.setUpPod(p), manager.refreshPod(p), manager.setUpPod(p), manager.refreshPod(p)]);
    expect(await mountsBelow(root)).toHaveLength(1);
    const dir = manager.volumeDir('pod-uid-1', PluginDir.ConfigMap, 'config');
    expect(readdirSync(dir).filter((n) => /^\.\.\d/.test(n))).toHaveLength(1);
  });

  it('tears a pod down after a restart, from what is on disk and in the mount table', async () => {
    fresh('pod-uid-2');
    const p = pod(
      [
        { name: 'ram', emptyDir: { medium: 'Memory' } },
        { name: 'secret', secret: { secretName: 'creds' } },
        { name: 'disk', emptyDir: {} },
      ],
      {},
      'pod-uid-2',
    );
    await manager.setUpPod(p);
    manager.mountsFor(p, { name: 'main', volumeMounts: [{ name: 'disk', mountPath: '/d', subPath: 'sub/dir' }] });
    expect(await mountsBelow(join(root, 'pods/pod-uid-2'))).toHaveLength(2);

    const restarted = new VolumeManager({ rootDir: root, sources, logger, nodeName: 'node-1' });
    expect(await restarted.podsOnDisk()).toEqual(['pod-uid-2']);
    await restarted.tearDownPod('pod-uid-2');
    expect(await mountsBelow(root)).toEqual([]);
    expect(existsSync(join(root, 'pods/pod-uid-2'))).toBe(false);
    expect(await restarted.podsOnDisk()).toEqual([]);
    await restarted.tearDownPod('pod-uid-2');
  });

  it('keeps the pod directory when something else lives in it', async () => {
    fresh('pod-uid-3');
    await manager.setUpPod(pod([{ name: 'disk', emptyDir: {} }], {}, 'pod-uid-3'));
    writeFileSync(join(root, 'pods/pod-uid-3/etc-hosts'), '127.0.0.1 localhost\n');
    await manager.tearDownPod('pod-uid-3');
    expect(readdirSync(join(root, 'pods/pod-uid-3'))).toEqual(['etc-hosts']);
  });

  it('refuses uids that are not a single path component', async () => {
    fresh();
    await expect(manager.tearDownPod('../etc')).rejects.toThrow('invalid pod uid "../etc"');
    await expect(manager.setUpPod(pod([], {}, '..'))).rejects.toThrow('invalid pod uid ".."');
  });
});

describe('VolumeManager tear-down when an unmount fails', () => {
  it('removes nothing and says which volume is stuck', async () => {
    const root = newRoot();
    const busy: Mounter = {
      mountTmpfs: (dir, size) => mounter.mountTmpfs(dir, size),
      mountPoints: () => mounter.mountPoints(),
      unmount: async () => {
        throw new Error('umount: target is busy.');
      },
    };
    const sources = new FakeSources();
    sources.secrets.set('shop/creds', { metadata: { name: 'creds' }, data: { k: b64('v') } });
    const manager = new VolumeManager({ rootDir: root, sources, logger, nodeName: 'n', mounter: busy });
    await manager.setUpPod(pod([{ name: 'secret', secret: { secretName: 'creds' } }], {}, 'stuck'));
    const err = (await manager.tearDownPod('stuck').catch((e: unknown) => e)) as VolumeError;
    expect(err).toBeInstanceOf(VolumeError);
    expect(err.failures).toEqual([{ volume: 'secret', message: 'UnmountVolume.TearDown failed for volume "secret" pod "stuck" : umount: target is busy.' }]);
    const dir = manager.volumeDir('stuck', PluginDir.Secret, 'secret');
    expect(readFileSync(join(dir, 'k'), 'utf8')).toBe('v');
    await mounter.unmount(dir);
  });

  it('refuses a relative root directory', () => {
    expect(() => new VolumeManager({ rootDir: 'var/lib/kubelet', sources: new FakeSources(), logger, nodeName: 'n' })).toThrow(TypeError);
  });
});
