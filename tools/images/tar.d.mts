/** One entry of a layer or layout tar; paths are relative (`bin/sh`). */
export type TarEntry =
  | { path: string; type: 'file'; mode: number; data: Buffer | string; uid?: number; gid?: number }
  | { path: string; type: 'dir'; mode: number; uid?: number; gid?: number }
  | { path: string; type: 'symlink'; target: string; uid?: number; gid?: number };

/** An entry as read back from an archive. */
export interface ReadEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  target: string;
  data: Buffer;
}

/** Deterministic ustar archive: entries sorted by path, all stamped with `mtime` (seconds), owned by root. Throws on duplicate, absolute or escaping paths. */
export declare function tarArchive(entries: TarEntry[], options: { mtime: number }): Buffer;
/** Parses a ustar archive; throws on a bad header checksum. */
export declare function readTar(buf: Buffer): ReadEntry[];
