// OCI image layout archives (image-spec v1.0: oci-layout, index.json, blobs/sha256/<hex>), the
// format `ctr images import` reads. Everything is content-addressed and built from sorted
// inputs with fixed timestamps, so the same files give the same manifest digest on every build.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarArchive } from './tar.mjs';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

/** containerd names an imported image after this annotation (its exporter writes it too). */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
/** The OCI annotation for the tag part of a reference. */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** @param {Buffer | string} data */
export function sha256(data) {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** Go's architecture names, which image configs use. */
export function ociArchitecture(nodeArch = process.arch) {
  const map = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const arch = map[nodeArch];
  if (!arch) throw new Error(`images: no OCI architecture name for node's ${nodeArch}`);
  return arch;
}

/**
 * @typedef {{ tar: Buffer, gz: Buffer, diffId: string, digest: string }} Layer
 * @typedef {{
 *   refs: string[],
 *   layers: Layer[],
 *   config: { Entrypoint?: string[], Cmd?: string[], Env?: string[], WorkingDir?: string, ExposedPorts?: Record<string, object>, StopSignal?: string, User?: string, Labels?: Record<string, string> },
 *   history?: string[],
 *   architecture?: string,
 * }} ImageSpec
 */

/**
 * A layer from file entries: the uncompressed tar's digest is the diff ID the config lists, the
 * gzip's digest is what the manifest points at. Node's gzip writes no name and a zero mtime, so
 * the compressed bytes are as deterministic as the tar.
 * @param {import('./tar.mjs').TarEntry[]} entries
 * @param {{ mtime: number }} options
 * @returns {Layer}
 */
export function buildLayer(entries, { mtime }) {
  const tar = tarArchive(entries, { mtime });
  const gz = gzipSync(tar, { level: 9 });
  return { tar, gz, diffId: sha256(tar), digest: sha256(gz) };
}

/** Canonical JSON: stable key order keeps blob digests stable whatever built the object. */
export function canonicalJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]));
    return v;
  };
  return Buffer.from(JSON.stringify(sort(value)));
}

/**
 * The blobs of one image: config, manifest and layers, keyed by digest.
 * @param {ImageSpec} image
 * @param {{ created: string }} options RFC 3339 creation time written into the config
 */
export function imageBlobs(image, { created }) {
  const architecture = image.architecture ?? ociArchitecture();
  const config = canonicalJson({
    architecture,
    os: 'linux',
    created,
    config: image.config,
    rootfs: { type: 'layers', diff_ids: image.layers.map((l) => l.diffId) },
    history: image.layers.map((_, i) => ({ created, created_by: image.history?.[i] ?? 'tools/images/build.mjs' })),
  });
  const manifest = canonicalJson({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, digest: sha256(config), size: config.length },
    layers: image.layers.map((l) => ({ mediaType: MEDIA_TYPES.layerGzip, digest: l.digest, size: l.gz.length })),
  });
  /** @type {Map<string, Buffer>} */
  const blobs = new Map([[sha256(config), config], [sha256(manifest), manifest]]);
  for (const l of image.layers) blobs.set(l.digest, l.gz);
  return { blobs, manifest, manifestDigest: sha256(manifest), architecture };
}

/**
 * An OCI image layout as one uncompressed tar, with an index entry per reference (all pointing
 * at the same manifest when one image has several tags).
 * @param {ImageSpec[]} images
 * @param {{ mtime: number }} options seconds since the epoch; also the images' creation time
 * @returns {{ archive: Buffer, manifests: { ref: string, digest: string }[] }}
 */
export function ociArchive(images, { mtime }) {
  const created = new Date(mtime * 1000).toISOString().replace(/\.000Z$/, 'Z');
  /** @type {Map<string, Buffer>} */
  const blobs = new Map();
  const index = [];
  const manifests = [];
  for (const image of images) {
    if (!image.refs.length) throw new Error('images: an image needs at least one reference');
    const built = imageBlobs(image, { created });
    for (const [d, b] of built.blobs) blobs.set(d, b);
    for (const ref of image.refs) {
      index.push({
        mediaType: MEDIA_TYPES.manifest,
        digest: built.manifestDigest,
        size: built.manifest.length,
        platform: { architecture: built.architecture, os: 'linux' },
        annotations: { [ANNOTATION_IMAGE_NAME]: ref, [ANNOTATION_REF_NAME]: tagOf(ref) },
      });
      manifests.push({ ref, digest: built.manifestDigest });
    }
  }
  const entries = [
    { path: 'oci-layout', type: 'file', mode: 0o644, data: canonicalJson({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', mode: 0o644, data: canonicalJson({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: index }) },
    { path: 'blobs', type: 'dir', mode: 0o755 },
    { path: 'blobs/sha256', type: 'dir', mode: 0o755 },
    ...[...blobs].map(([digest, data]) => ({ path: `blobs/sha256/${digest.slice('sha256:'.length)}`, type: 'file', mode: 0o644, data })),
  ];
  return { archive: tarArchive(entries, { mtime }), manifests };
}

/** The tag of `host/repo:tag` (a port in the host is not a tag). */
export function tagOf(ref) {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : 'latest';
}
