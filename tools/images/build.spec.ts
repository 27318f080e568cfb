import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEpoch, buildImages, type BuiltImage } from './build.mjs';
import { BUSYBOX_IMAGE, BUSYBOX_LATEST_IMAGE, NGINX_IMAGE, NGINX_LATEST_IMAGE, PAUSE_IMAGE } from './names.mjs';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, MEDIA_TYPES, tagOf } from './oci.mjs';
import { readTar, type ReadEntry } from './tar.mjs';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}
interface Manifest {
  schemaVersion: number;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}
interface ImageConfig {
  architecture: string;
  os: string;
  created: string;
  config: { Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; WorkingDir?: string; ExposedPorts?: Record<string, object>; StopSignal?: string };
  rootfs: { type: string; diff_ids: string[] };
  history: { created: string; created_by: string }[];
}

const opened = new Map<string, ReturnType<typeof readLayout>>();
/** Archives are read once per path; every test only reads them. */
function openLayout(archive: string) {
  if (!opened.has(archive)) opened.set(archive, readLayout(archive));
  return opened.get(archive)!;
}

/** An OCI layout archive, opened: its files by path, the index, and per image its manifest, config and merged file tree. */
function readLayout(archive: string) {
  const files = new Map(readTar(readFileSync(archive)).map((e) => [e.path, e]));
  const blob = (digest: string) => {
    const e = files.get(`blobs/sha256/${digest.replace(/^sha256:/, '')}`);
    if (!e) throw new Error(`no blob ${digest}`);
    return e.data;
  };
  const json = <T>(data: Buffer) => JSON.parse(data.toString('utf8')) as T;
  const index = json<{ schemaVersion: number; mediaType: string; manifests: Descriptor[] }>(files.get('index.json')!.data);
  const manifest = json<Manifest>(blob(index.manifests[0].digest));
  const config = json<ImageConfig>(blob(manifest.config.digest));
  const layers = manifest.layers.map((l) => readTar(gunzipSync(blob(l.digest))));
  // Upper layers replace lower ones' files, as a snapshotter stacks them.
  const tree = new Map<string, ReadEntry>();
  for (const l of layers) for (const e of l) tree.set(e.path, e);
  return { files, blob, index, manifest, config, layers, tree };
}

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tskube-images-'));
  dirs.push(d);
  return d;
};

describe('buildImages', () => {
  let built: BuiltImage[];
  beforeAll(() => {
    built = buildImages({ outDir: tempDir() });
  });
  const get = (name: string) => {
    const b = built.find((i) => i.name === name);
    if (!b) throw new Error(`${name} not built`);
    return b;
  };

  it('builds pause, busybox and nginx with their references', () => {
    expect(built.map((b) => [b.name, b.refs])).toEqual([
      ['pause', [PAUSE_IMAGE]],
      ['busybox', [BUSYBOX_IMAGE, expect.stringMatching(/^docker\.io\/library\/busybox:1\.35\.\d+$/), BUSYBOX_LATEST_IMAGE]],
      ['nginx', [NGINX_IMAGE, expect.stringMatching(/^docker\.io\/library\/nginx:1\.22\.\d+$/), NGINX_LATEST_IMAGE]],
    ]);
  });

  it.each(['pause', 'busybox', 'nginx'])('%s: every blob is named by its sha256 and every descriptor has the right size', (name) => {
    const { files, blob, index, manifest, config } = openLayout(get(name).archive);
    expect(JSON.parse(files.get('oci-layout')!.data.toString())).toEqual({ imageLayoutVersion: '1.0.0' });
    for (const [path, e] of files) {
      if (path.startsWith('blobs/sha256/')) expect(sha(e.data)).toBe(`sha256:${path.slice('blobs/sha256/'.length)}`);
    }
    expect(index).toMatchObject({ schemaVersion: 2, mediaType: MEDIA_TYPES.index });
    for (const d of index.manifests) {
      expect(d).toMatchObject({ mediaType: MEDIA_TYPES.manifest, digest: get(name).manifestDigest, platform: { architecture: 'amd64', os: 'linux' } });
      expect(blob(d.digest).length).toBe(d.size);
    }
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config: { mediaType: MEDIA_TYPES.config } });
    for (const d of [manifest.config, ...manifest.layers]) expect(blob(d.digest).length).toBe(d.size);
    expect(manifest.layers.every((l) => l.mediaType === MEDIA_TYPES.layerGzip)).toBe(true);
    // The config's diff IDs are the digests of the uncompressed layers, in order.
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: manifest.layers.map((l) => sha(gunzipSync(blob(l.digest)))) });
    expect(config.history).toHaveLength(manifest.layers.length);
    expect([config.architecture, config.os]).toEqual(['amd64', 'linux']);
  });

  it.each(['pause', 'busybox', 'nginx'])('%s: the index names each reference for containerd and by tag', (name) => {
    const { index } = openLayout(get(name).archive);
    expect(index.manifests.map((m) => m.annotations)).toEqual(
      get(name).refs.map((ref) => ({ [ANNOTATION_IMAGE_NAME]: ref, [ANNOTATION_REF_NAME]: tagOf(ref) })),
    );
  });

  it.each([
    { name: 'pause', want: { Entrypoint: ['/bin/busybox', 'sh', '-c', expect.stringContaining("trap '")], WorkingDir: '/' } },
    { name: 'busybox', want: { Cmd: ['sh'], Env: [expect.stringMatching(/^PATH=.*\/bin/)], WorkingDir: '/' } },
    {
      name: 'nginx',
      want: { Cmd: ['nginx', '-g', 'daemon off;'], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT', Env: [expect.stringMatching(/^PATH=.*\/usr\/sbin/), expect.stringMatching(/^NGINX_VERSION=1\.22\./)] },
    },
  ])('$name: the config says how to run it', ({ name, want }) => {
    expect(openLayout(get(name).archive).config.config).toMatchObject(want);
  });

  it('pause holds nothing but the static busybox', () => {
    const { layers } = openLayout(get('pause').archive);
    expect(layers).toHaveLength(1);
    expect(layers[0].map((e) => e.path)).toEqual(['bin', 'bin/busybox']);
  });

  it.each([
    { path: 'bin/busybox', want: { type: 'file', mode: 0o755 } },
    ...['sh', 'ls', 'cat', 'echo', 'sleep', 'httpd', 'wget', 'nslookup', 'env', 'tar', 'ps'].map((a) => ({ path: `bin/${a}`, want: { type: 'symlink', target: 'busybox' } })),
    { path: 'tmp', want: { type: 'dir', mode: 0o1777 } },
    { path: 'etc/passwd', want: { type: 'file' } },
    { path: 'etc/group', want: { type: 'file' } },
  ])('busybox has $path', ({ path, want }) => {
    expect(openLayout(get('busybox').archive).tree.get(path)).toMatchObject(want);
  });

  it('busybox knows root and nobody', () => {
    const passwd = openLayout(get('busybox').archive).tree.get('etc/passwd')!.data.toString();
    expect(passwd).toMatch(/^root:x:0:0:/m);
    expect(passwd).toMatch(/^nobody:x:65534:65534:/m);
  });

  it('nginx shares busybox\u2019s layer and adds its own on top', () => {
    const bb = openLayout(get('busybox').archive).manifest.layers;
    const ng = openLayout(get('nginx').archive).manifest.layers;
    expect(ng).toHaveLength(2);
    expect(ng[0]).toEqual(bb[0]);
  });

  it.each([
    { path: 'usr/sbin/nginx', want: { type: 'file', mode: 0o755 } },
    { path: 'lib64/ld-linux-x86-64.so.2', want: { type: 'file' } },
    { path: 'lib/x86_64-linux-gnu/libc.so.6', want: { type: 'file' } },
    { path: 'lib/x86_64-linux-gnu/libssl.so.3', want: { type: 'file' } },
    { path: 'lib/x86_64-linux-gnu/libpcre2-8.so.0', want: { type: 'file' } },
    { path: 'etc/nginx/mime.types', want: { type: 'file' } },
    { path: 'usr/share/nginx/html/index.html', want: { type: 'file' } },
    { path: 'var/log/nginx/access.log', want: { type: 'symlink', target: '/dev/stdout' } },
    { path: 'var/lib/nginx', want: { type: 'dir' } },
    { path: 'run', want: { type: 'dir' } },
    { path: 'bin/sh', want: { type: 'symlink' } },
  ])('nginx has $path', ({ path, want }) => {
    expect(openLayout(get('nginx').archive).tree.get(path)).toMatchObject(want);
  });

  it('nginx is configured to log to the container and serve a welcome page', () => {
    const { tree } = openLayout(get('nginx').archive);
    const conf = tree.get('etc/nginx/nginx.conf')!.data.toString();
    expect(conf).toMatch(/^user nginx;$/m);
    expect(conf).toMatch(/^error_log stderr/m);
    expect(conf).toMatch(/access_log \/dev\/stdout/);
    // `daemon off;` comes from the command line, as upstream: nginx refuses it twice.
    expect(conf).not.toMatch(/daemon/);
    expect(tree.get('etc/nginx/conf.d/default.conf')!.data.toString()).toMatch(/listen 80;/);
    expect(tree.get('etc/passwd')!.data.toString()).toMatch(/^nginx:x:101:101:/m);
    expect(tree.get('usr/share/nginx/html/index.html')!.data.toString()).toContain('Welcome to nginx!');
  });

  it('is deterministic: a second build gives the same bytes and digests', () => {
    const again = buildImages({ outDir: tempDir() });
    expect(again.map((b) => b.manifestDigest)).toEqual(built.map((b) => b.manifestDigest));
    for (const [i, b] of again.entries()) expect(readFileSync(b.archive).equals(readFileSync(built[i].archive))).toBe(true);
  });

  it('changes the digests, and nothing else, with SOURCE_DATE_EPOCH', () => {
    const epoch = buildEpoch({ SOURCE_DATE_EPOCH: '1700000000' });
    expect(epoch).toBe(1_700_000_000);
    const [pause] = buildImages({ outDir: tempDir(), only: ['pause'], mtime: epoch });
    expect(pause.manifestDigest).not.toBe(get('pause').manifestDigest);
    const { config, layers } = openLayout(pause.archive);
    expect(config.created).toBe('2023-11-14T22:13:20Z');
    expect(layers[0].every((e) => e.mtime === epoch)).toBe(true);
  });

  it('refuses to tag a busybox of another version with names.mjs\u2019s tag', () => {
    const d = tempDir();
    const fake = join(d, 'busybox');
    writeFileSync(fake, '#!/bin/sh\necho "BusyBox v1.36.1 (fake) multi-call binary."\n');
    chmodSync(fake, 0o755);
    expect(() => buildImages({ outDir: d, paths: { busybox: fake, nginx: '/usr/sbin/nginx', mimeTypes: '/etc/nginx/mime.types' } })).toThrow(
      /busybox here is 1\.36\.1, but names\.mjs tags it 1\.35/,
    );
  });

  it('refuses an unknown image name', () => {
    expect(() => buildImages({ outDir: tempDir(), only: ['redis'] })).toThrow(/unknown image redis/);
  });
});

describe('tagOf', () => {
  it.each([
    { ref: 'docker.io/library/nginx:1.22', want: '1.22' },
    { ref: 'registry.tskube.local/pause:3.9', want: '3.9' },
    { ref: 'localhost:5000/app', want: 'latest' },
    { ref: 'localhost:5000/app:v2@sha256:abc', want: 'v2' },
  ])('$ref has tag $want', ({ ref, want }) => {
    expect(tagOf(ref)).toBe(want);
  });
});
