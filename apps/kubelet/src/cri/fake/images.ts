import { createHash } from 'node:crypto';
import type { cri } from '@tskube/proto';

/** A reference split as a registry resolves it: `docker.io/library/nginx:1.22` or `...@sha256:...`. */
export interface ImageReference {
  /** `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const referencePattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const domainPattern = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+)(?::\d+)?$/;

/**
 * Normalises an image name as containerd's reference parser does (docker's "familiar" names):
 * `nginx` is `docker.io/library/nginx:latest`, `user/app:v1` is `docker.io/user/app:v1`, a first
 * component with a dot, a colon or `localhost` is a registry. Returns undefined for a name that
 * is not a valid reference.
 */
export function parseImageReference(name: string): ImageReference | undefined {
  if (name === '' || name !== name.trim()) return undefined;
  let rest = name;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  let domain = 'docker.io';
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      if (!domainPattern.test(first)) return undefined;
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!referencePattern.test(path)) return undefined;
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { repository: `${domain}/${path}`, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** The reference's canonical text: `repo:tag`, or `repo@digest` when it names a digest. */
export function formatImageReference(ref: ImageReference): string {
  return ref.digest !== undefined ? `${ref.repository}@${ref.digest}` : `${ref.repository}:${ref.tag ?? 'latest'}`;
}

/** A simulated image: one ID, the tags and digests that name it, a size. */
export interface FakeImage {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: number;
  pinned: boolean;
}

/** An image to have present from the start. */
export interface FakeImageSeed {
  name: string;
  /** Bytes; derived from the name when absent. */
  size?: number;
  /** Kept from garbage collection, as containerd pins its sandbox image. */
  pinned?: boolean;
}

/** What tools/images builds and imports into containerd for tskube clusters, with their sizes. */
export const DEFAULT_FAKE_IMAGES: readonly FakeImageSeed[] = [
  { name: 'registry.tskube.local/pause:3.9', size: 321_520, pinned: true },
  { name: 'docker.io/library/busybox:1.35', size: 2_165_332 },
  { name: 'docker.io/library/busybox:latest', size: 2_165_332 },
  { name: 'docker.io/library/nginx:1.22', size: 57_012_482 },
  { name: 'docker.io/library/nginx:latest', size: 57_012_482 },
];

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The images a fake runtime holds, addressable as containerd addresses them: by ID
 * (`sha256:...`, also without the prefix), by tag, by digest, by any name that normalises to one
 * of those.
 */
export class FakeImageStore {
  private readonly byId = new Map<string, FakeImage>();
  private readonly byName = new Map<string, FakeImage>();

  constructor(seeds: readonly FakeImageSeed[] = DEFAULT_FAKE_IMAGES) {
    for (const seed of seeds) this.add(seed.name, seed.size, seed.pinned ?? false);
  }

  /** The image a name or ID stands for, if present. */
  find(nameOrId: string): FakeImage | undefined {
    const direct = this.byId.get(nameOrId) ?? this.byId.get(`sha256:${nameOrId}`) ?? this.byName.get(nameOrId);
    if (direct !== undefined) return direct;
    const ref = parseImageReference(nameOrId);
    return ref === undefined ? undefined : this.byName.get(formatImageReference(ref));
  }

  /**
   * Adds the image a name stands for (idempotent: a present one is returned as is). Tagged names
   * get a digest of their own; a digest name is its own digest. Throws on an invalid name.
   */
  add(name: string, size?: number, pinned = false): FakeImage {
    const existing = this.find(name);
    if (existing !== undefined) return existing;
    const ref = parseImageReference(name);
    if (ref === undefined) throw new TypeError(`invalid reference format: ${name}`);
    const canonical = formatImageReference(ref);
    const hash = sha256(canonical);
    const digest = ref.digest ?? `sha256:${sha256(`manifest:${canonical}`)}`;
    const image: FakeImage = {
      id: `sha256:${hash}`,
      repoTags: ref.tag !== undefined && ref.digest === undefined ? [canonical] : [],
      repoDigests: [`${ref.repository}@${digest}`],
      // Between 1 and 100 MB, stable for a name, when nobody said.
      size: size ?? 1_000_000 + (parseInt(hash.slice(0, 8), 16) % 99_000_000),
      pinned,
    };
    this.byId.set(image.id, image);
    for (const n of [...image.repoTags, ...image.repoDigests]) this.byName.set(n, image);
    return image;
  }

  /** Forgets the image a name or ID stands for, with all its names. Idempotent. */
  remove(nameOrId: string): void {
    const image = this.find(nameOrId);
    if (image === undefined) return;
    this.byId.delete(image.id);
    for (const n of [...image.repoTags, ...image.repoDigests]) this.byName.delete(n);
  }

  list(): FakeImage[] {
    return [...this.byId.values()];
  }

  /** The image as CRI describes it. */
  static toCri(image: FakeImage): cri.Image {
    return {
      id: image.id,
      repoTags: [...image.repoTags],
      repoDigests: [...image.repoDigests],
      size: BigInt(image.size),
      uid: { value: 0n },
      username: '',
      spec: { image: image.id, annotations: {}, userSpecifiedImage: '', runtimeHandler: '' },
      pinned: image.pinned,
    };
  }
}
