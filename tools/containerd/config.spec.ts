import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerdConfig, containerdPaths, Snapshotter, type ContainerdConfigOptions } from './config';

const dir = mkdtempSync(join(tmpdir(), 'tskube-containerd-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The configuration as containerd itself reads it back (`containerd config dump`). */
function dump(options: ContainerdConfigOptions): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, containerdConfig(options));
  const r = spawnSync('containerd', ['--config', file, 'config', 'dump'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('containerdPaths', () => {
  it('keeps everything of containerd below <dataDir>/containerd and the CNI config in <dataDir>/cni/net.d', () => {
    expect(containerdPaths('/data')).toEqual({
      dir: '/data/containerd',
      config: '/data/containerd/config.toml',
      root: '/data/containerd/root',
      state: '/data/containerd/state',
      runcRoot: '/data/containerd/state/runc',
      socket: '/data/containerd/containerd.sock',
      log: '/data/containerd/containerd.log',
      opt: '/data/containerd/opt',
      cniConfDir: '/data/cni/net.d',
    });
  });
});

describe('containerdConfig, as containerd 1.6 reads it', () => {
  const paths = containerdPaths('/srv/tskube');
  const base: ContainerdConfigOptions = {
    paths,
    sandboxImage: 'registry.tskube.local/pause:3.9',
    snapshotter: Snapshotter.Overlayfs,
    cniBinDir: '/usr/lib/cni',
    restrictOomScoreAdj: false,
  };

  it.each([
    { name: 'root and state in the data directory', options: base, want: ['root = "/srv/tskube/containerd/root"', 'state = "/srv/tskube/containerd/state"'] },
    { name: 'its own socket', options: base, want: ['address = "/srv/tskube/containerd/containerd.sock"'] },
    { name: 'the sandbox image', options: base, want: ['sandbox_image = "registry.tskube.local/pause:3.9"'] },
    { name: 'the overlayfs snapshotter', options: base, want: ['snapshotter = "overlayfs"'] },
    { name: 'the native snapshotter when asked', options: { ...base, snapshotter: Snapshotter.Native }, want: ['snapshotter = "native"'] },
    { name: 'runc v2 with cgroupfs and its own root', options: base, want: ['runtime_type = "io.containerd.runc.v2"', 'SystemdCgroup = false', 'Root = "/srv/tskube/containerd/state/runc"'] },
    { name: 'the CNI directories', options: base, want: ['bin_dir = "/usr/lib/cni"', 'conf_dir = "/srv/tskube/cni/net.d"'] },
    { name: 'network namespaces under the state directory', options: base, want: ['netns_mounts_under_state_dir = true'] },
    { name: 'no AppArmor', options: base, want: ['disable_apparmor = true'] },
    { name: 'an ephemeral loopback streaming port', options: base, want: ['stream_server_address = "127.0.0.1"', 'stream_server_port = "0"'] },
    { name: 'OOM scores unrestricted by default', options: base, want: ['restrict_oom_score_adj = false'] },
    { name: 'OOM scores restricted when asked', options: { ...base, restrictOomScoreAdj: true }, want: ['restrict_oom_score_adj = true'] },
    { name: 'the opt plugin in the data directory', options: base, want: ['path = "/srv/tskube/containerd/opt"'] },
  ])('sets $name', ({ options, want }) => {
    const lines = dump(options)
      .split('\n')
      .map((l) => l.trim());
    for (const line of want) expect(lines).toContain(line);
  });

  it('quotes paths and names as TOML strings', () => {
    const text = containerdConfig({ ...base, sandboxImage: 'a"b\\c' });
    expect(text).toContain('sandbox_image = "a\\"b\\\\c"');
  });
});
