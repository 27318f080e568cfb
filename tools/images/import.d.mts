/** How to reach containerd: its socket, the namespace (default `k8s.io`), the ctr binary (default `ctr` on PATH). */
export interface CtrOptions {
  address: string;
  namespace?: string;
  ctr?: string;
  timeoutMs?: number;
}

/** Every image reference in the namespace. */
export declare function listImages(o: CtrOptions): Promise<string[]>;
/** Imports every reference of one OCI archive and unpacks it into the snapshotter (containerd's default unless given). */
export declare function importArchive(o: CtrOptions & { archive: string; snapshotter?: string }): Promise<void>;
/** Imports the archives in order; with `ifMissing`, skips those whose every reference containerd already has. */
export declare function importImages(
  o: CtrOptions & { archives: { name: string; archive: string; refs: string[] }[]; ifMissing?: boolean; snapshotter?: string },
): Promise<{ imported: string[]; skipped: string[] }>;
