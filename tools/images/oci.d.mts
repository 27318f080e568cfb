import type { TarEntry } from './tar.mjs';

export declare const MEDIA_TYPES: {
  readonly index: 'application/vnd.oci.image.index.v1+json';
  readonly manifest: 'application/vnd.oci.image.manifest.v1+json';
  readonly config: 'application/vnd.oci.image.config.v1+json';
  readonly layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip';
};
export declare const ANNOTATION_IMAGE_NAME: 'io.containerd.image.name';
export declare const ANNOTATION_REF_NAME: 'org.opencontainers.image.ref.name';

/** A built layer: `diffId` is the uncompressed tar's digest, `digest` the gzip's. */
export interface Layer {
  tar: Buffer;
  gz: Buffer;
  diffId: string;
  digest: string;
}

/** The image config's `config` object, in the OCI (Docker) field spelling. */
export interface ImageRuntimeConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, object>;
  StopSignal?: string;
  User?: string;
  Labels?: Record<string, string>;
}

export interface ImageSpec {
  /** Full references (`docker.io/library/busybox:1.35`); one index entry each. */
  refs: string[];
  layers: Layer[];
  config: ImageRuntimeConfig;
  /** One `created_by` per layer. */
  history?: string[];
  /** Go architecture name; defaults to this machine's. */
  architecture?: string;
}

/** `sha256:<hex>` of the bytes. */
export declare function sha256(data: Buffer | string): string;
/** Go's architecture name for a Node `process.arch`; throws for one without. */
export declare function ociArchitecture(nodeArch?: string): string;
/** Tars and gzips the entries deterministically. */
export declare function buildLayer(entries: TarEntry[], options: { mtime: number }): Layer;
/** JSON with keys sorted at every level. */
export declare function canonicalJson(value: unknown): Buffer;
/** The config, manifest and layer blobs of one image, keyed by digest. */
export declare function imageBlobs(image: ImageSpec, options: { created: string }): { blobs: Map<string, Buffer>; manifest: Buffer; manifestDigest: string; architecture: string };
/** An OCI image layout tar holding the images, one index entry per reference. Same inputs, same bytes. */
export declare function ociArchive(images: ImageSpec[], options: { mtime: number }): { archive: Buffer; manifests: { ref: string; digest: string }[] };
/** The tag of a reference (`latest` when it has none). */
export declare function tagOf(ref: string): string;
