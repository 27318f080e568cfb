import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMountInfo, SystemMounter } from './mounter';

describe('parseMountInfo', () => {
  it('reads mount point, type and super options, unescaping octal escapes', () => {
    const text = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
      '42 22 0:39 / /var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/my\\040token rw,relatime - tmpfs tmpfs rw,size=1024k',
      '43 22 0:40 / /tmp/with\\011tab\\134slash rw master:7 - tmpfs tmpfs rw',
      '',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { path: '/', fsType: 'ext4', superOptions: 'rw,errors=remount-ro' },
      { path: '/var/lib/kubelet/pods/u/volumes/kubernetes.io~secret/my token', fsType: 'tmpfs', superOptions: 'rw,size=1024k' },
      { path: '/tmp/with\ttab\\slash', fsType: 'tmpfs', superOptions: 'rw' },
    ]);
  });
});

describe('SystemMounter (really mounting; the kubelet runs as root)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-mounter-'));
  const mounter = new SystemMounter();
  afterAll(async () => {
    while ((await mounter.mountPoints()).some((m) => m.path === dir)) await mounter.unmount(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('mounts a sized tmpfs, sees it in the mount table, and unmounts it', async () => {
    writeFileSync(join(dir, 'below'), 'hidden while mounted');
    await mounter.mountTmpfs(dir, 2n * 1024n * 1024n);
    const entry = (await mounter.mountPoints()).find((m) => m.path === dir);
    expect(entry).toMatchObject({ fsType: 'tmpfs', superOptions: expect.stringContaining('size=2048k') });
    expect(() => readFileSync(join(dir, 'below'))).toThrow();

    await mounter.unmount(dir);
    expect((await mounter.mountPoints()).some((m) => m.path === dir)).toBe(false);
    expect(readFileSync(join(dir, 'below'), 'utf8')).toBe('hidden while mounted');
  });

  it('says why an unmount failed', async () => {
    await expect(mounter.unmount(dir)).rejects.toThrow(/^umount .* failed: .*not mounted/);
  });
});
