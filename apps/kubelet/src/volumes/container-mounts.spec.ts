import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { cri } from '@tskube/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerMounts, translatePropagation, type ResolvedVolume } from './container-mounts';
import { VolumeError } from './errors';

let root: string;
let volumes: Map<string, ResolvedVolume>;

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tskube-mounts-')));
  for (const name of ['data', 'cfg', 'outside']) mkdirSync(join(root, name));
  chmodSync(join(root, 'data'), 0o777);
  writeFileSync(join(root, 'cfg', 'file'), 'x');
  symlinkSync(join(root, 'outside'), join(root, 'data', 'escape'));
  symlinkSync('..', join(root, 'data', 'up'));
  mkdirSync(join(root, 'data', 'inner'));
  symlinkSync('inner', join(root, 'data', 'alias'));
  volumes = new Map([
    ['data', { path: join(root, 'data'), readOnly: false }],
    ['cfg', { path: join(root, 'cfg'), readOnly: true }],
  ]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const container = (mounts: corev1.VolumeMount[]): corev1.Container => ({ name: 'app', volumeMounts: mounts });
const env = [
  { name: 'POD_NAME', value: 'web-0' },
  { name: 'EMPTY', value: '' },
];

describe('containerMounts', () => {
  it.each([
    { name: 'the volume itself, read-write', mount: { name: 'data', mountPath: '/data' }, want: { containerPath: '/data', hostPath: 'data', readonly: false } },
    { name: 'readOnly on the mount', mount: { name: 'data', mountPath: '/data', readOnly: true }, want: { readonly: true } },
    { name: 'a read-only volume whatever the mount says', mount: { name: 'cfg', mountPath: '/etc/cfg', readOnly: false }, want: { hostPath: 'cfg', readonly: true } },
    { name: 'an existing subPath file', mount: { name: 'cfg', mountPath: '/etc/file', subPath: 'file' }, want: { hostPath: 'cfg/file' } },
    { name: 'a subPath through a link that stays inside', mount: { name: 'data', mountPath: '/x', subPath: 'alias' }, want: { hostPath: 'data/inner' } },
    { name: 'a subPathExpr', mount: { name: 'data', mountPath: '/logs', subPathExpr: 'logs/$(POD_NAME)' }, want: { hostPath: 'data/logs/web-0' } },
    { name: 'HostToContainer propagation', mount: { name: 'data', mountPath: '/d', mountPropagation: 'HostToContainer' }, want: { propagation: cri.MountPropagation.PROPAGATION_HOST_TO_CONTAINER } },
    { name: 'Bidirectional propagation', mount: { name: 'data', mountPath: '/d', mountPropagation: 'Bidirectional' }, want: { propagation: cri.MountPropagation.PROPAGATION_BIDIRECTIONAL } },
    { name: 'None propagation', mount: { name: 'data', mountPath: '/d', mountPropagation: 'None' }, want: { propagation: cri.MountPropagation.PROPAGATION_PRIVATE } },
  ])('$name', ({ mount, want }) => {
    const [got] = containerMounts(container([mount]), volumes, env);
    const expected = { ...want, ...(want.hostPath ? { hostPath: join(root, want.hostPath) } : {}) };
    expect(got).toMatchObject(expected);
    expect(got!.selinuxRelabel).toBe(false);
  });

  it('creates a missing subPath directory with the mode of the volume', () => {
    const [got] = containerMounts(container([{ name: 'data', mountPath: '/cache', subPath: 'a/b/cache' }]), volumes);
    expect(got!.hostPath).toBe(join(root, 'data/a/b/cache'));
    for (const dir of ['a', 'a/b', 'a/b/cache']) expect(statSync(join(root, 'data', dir)).mode & 0o7777).toBe(0o777);
  });

  it('keeps the order of the volumeMounts', () => {
    const got = containerMounts(container([{ name: 'cfg', mountPath: '/b' }, { name: 'data', mountPath: '/a' }]), volumes);
    expect(got.map((m) => m.containerPath)).toEqual(['/b', '/a']);
  });

  it('gives no mounts for a container without volumeMounts', () => {
    expect(containerMounts({ name: 'bare' }, volumes)).toEqual([]);
  });

  it.each([
    { name: 'an unknown volume', mount: { name: 'ghost', mountPath: '/g' }, error: 'cannot find volume "ghost" to mount into container "app"' },
    { name: 'an absolute subPath', mount: { name: 'data', mountPath: '/x', subPath: '/etc' }, error: 'error SubPath `/etc` must not be an absolute path' },
    { name: 'a subPath with backsteps', mount: { name: 'data', mountPath: '/x', subPath: 'a/../../etc' }, error: "unable to provision SubPath `a/../../etc`: must not contain '..'" },
    { name: 'a subPath through a link out of the volume', mount: { name: 'data', mountPath: '/x', subPath: 'escape' }, error: 'failed to prepare subPath for volumeMount "data" of container "app"' },
    { name: 'a new subPath below a link out of the volume', mount: { name: 'data', mountPath: '/x', subPath: 'up/created' }, error: 'failed to create subPath directory for volumeMount "data" of container "app"' },
    { name: 'a subPathExpr with an unknown variable', mount: { name: 'data', mountPath: '/x', subPathExpr: '$(NOPE)/$(EMPTY)/$(POD_NAME)' }, error: 'missing value for EMPTY, NOPE' },
    { name: 'an unknown propagation', mount: { name: 'data', mountPath: '/x', mountPropagation: 'Sideways' }, error: 'invalid MountPropagation mode: "Sideways"' },
  ])('refuses $name', ({ mount, error }) => {
    const err = (() => {
      try {
        containerMounts(container([mount]), volumes, env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(VolumeError);
    expect((err as Error).message).toBe(error);
  });

  it('creates nothing outside the volume when refusing', () => {
    expect(() => statSync(join(root, 'created'))).toThrow();
  });

  it('translates an unset propagation to private', () => {
    expect(translatePropagation(undefined)).toBe(cri.MountPropagation.PROPAGATION_PRIVATE);
  });
});
