import type { CtrOptions } from './import.mjs';
import type { ImageSpec } from './oci.mjs';

/** Where the host files the images are made of live (Debian 12's paths by default). */
export interface HostPaths {
  busybox: string;
  nginx: string;
  mimeTypes: string;
}

/** A built archive: `<outDir>/<name>.tar` with these references, all naming `manifestDigest`. */
export interface BuiltImage {
  name: string;
  archive: string;
  refs: string[];
  manifestDigest: string;
}

/** `dist/images` in the repository. */
export declare const DEFAULT_OUT_DIR: string;
/** `pause`, `busybox`, `nginx`. */
export declare const IMAGE_NAMES: string[];
/** SOURCE_DATE_EPOCH when set, else a fixed day: the mtime of every file and the images' creation time. */
export declare function buildEpoch(env?: Record<string, string | undefined>): number;
/** The images and their references; `spec` reads host files. Throws when an installed version does not match names.mjs. */
export declare function imageDefinitions(paths?: HostPaths): { name: string; refs: string[]; spec: (mtime: number) => ImageSpec }[];
/** Writes `<outDir>/<name>.tar` for each image (or those in `only`), reproducibly. */
export declare function buildImages(o?: { outDir?: string; only?: string[]; paths?: HostPaths; mtime?: number }): BuiltImage[];
/** Builds and imports only the images containerd lacks. Idempotent. */
export declare function ensureImages(
  o: CtrOptions & { snapshotter?: string; outDir?: string; only?: string[]; paths?: HostPaths },
): Promise<{ imported: string[]; skipped: string[] }>;
